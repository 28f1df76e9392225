/** Files, pasted images and the pack's examples → the reference (through lib/decode-image.ts). */
import type { ExampleReference } from '../../../workers/protocol';
import { decodeImage } from '../../lib/decode-image';
import { useStore } from '../../store';
import type { ReferenceState } from '../../store/inputs-slice';
import { referencePixels, setReferencePixels } from './reference-pixels';

let latest = 0;
/** The accepted reference a load in flight replaces: a refusal puts it back (inputs are never lost to a failure). */
let kept: ReferenceState | null = null;

export async function loadReference(file: Blob, name: string): Promise<boolean> {
  const mine = ++latest;
  const { reference, setReference } = useStore.getState();
  if (reference.status === 'ready') kept = reference;
  setReference({ status: 'loading', name });
  try {
    const image = await decodeImage(file);
    if (mine !== latest) return false; // a newer file won
    kept = null;
    setReferencePixels(image, name, image.notes);
    return true;
  } catch (err) {
    if (mine === latest) refuse(name, err instanceof Error ? err.message : String(err));
    return false;
  }
}

function refuse(name: string, message: string): void {
  const { reference, setReference } = useStore.getState();
  const previous = reference.status === 'ready' ? reference : kept;
  kept = null;
  if (previous?.status === 'ready' && referencePixels()) setReference({ ...previous, refused: { name, message } });
  else setReference({ status: 'error', name, message });
}

/** One click: the example's image (a folder pack's from the disk), and its prompt with its word as the target. */
export async function loadExample(example: ExampleReference) {
  const image = example.file ?? (await fetchExample(example));
  if (image && (await loadReference(image, example.label)))
    useStore.getState().setPromptAndTarget(example.prompt, example.word);
}

async function fetchExample(example: ExampleReference): Promise<Blob | null> {
  try {
    const response = await fetch(example.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.blob();
  } catch (err) {
    refuse(example.label, `The example could not be fetched (${err instanceof Error ? err.message : String(err)}).`);
    return null;
  }
}

/** The first image in a paste or drop, if any. */
export function imageFileOf(data: DataTransfer | null): File | null {
  if (!data) return null;
  return [...data.files].find((f) => f.type.startsWith('image/') || f.type === '') ?? null;
}
