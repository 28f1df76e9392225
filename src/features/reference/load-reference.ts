/** Files, pasted images and the pack's examples → the reference (through lib/decode-image.ts). */
import { decodeImage } from '../../lib/decode-image';
import { useStore } from '../../store';
import { setReferencePixels } from './reference-pixels';

let latest = 0;

export async function loadReference(file: Blob, name: string): Promise<boolean> {
  const mine = ++latest;
  const { setReference } = useStore.getState();
  setReference({ status: 'loading', name });
  try {
    const image = await decodeImage(file);
    if (mine !== latest) return false; // a newer file won
    setReferencePixels(image, name, image.notes);
    return true;
  } catch (err) {
    if (mine === latest)
      setReference({ status: 'error', name, message: err instanceof Error ? err.message : String(err) });
    return false;
  }
}

/** One click: the example's image, and its prompt with its word as the target. */
export async function loadExample(example: { url: string; label: string; word: string; prompt: string }) {
  let blob: Blob;
  try {
    const response = await fetch(example.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    blob = await response.blob();
  } catch (err) {
    useStore.getState().setReference({
      status: 'error',
      name: example.label,
      message: `The example could not be fetched (${err instanceof Error ? err.message : String(err)}).`,
    });
    return;
  }
  if (await loadReference(blob, example.label)) useStore.getState().setPromptAndTarget(example.prompt, example.word);
}

/** The first image in a paste or drop, if any. */
export function imageFileOf(data: DataTransfer | null): File | null {
  if (!data) return null;
  return [...data.files].find((f) => f.type.startsWith('image/') || f.type === '') ?? null;
}
