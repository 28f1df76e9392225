/** The gallery panel's verbs, over lib/gallery-db.ts (the one IndexedDB module). */
import { clearResults, deleteResult, listResults, saveResult, type GalleryInput } from '../../lib/gallery-db';
import { onGalleryChange } from '../../lib/gallery-changes';
import { useStore } from '../../store';
import { releaseObjectUrls } from './use-object-url';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function loadGallery(): Promise<void> {
  try {
    const entries = await listResults();
    const { gallery, setGallery } = useStore.getState();
    setGallery({ status: 'done', entries });
    // A re-read (another tab changed the gallery) gives new blobs: free the old ones' URLs.
    if (gallery.status === 'done') releaseObjectUrls(gallery.entries.flatMap((e) => [e.image, e.masks, e.reference]));
  } catch (err) {
    useStore.getState().setGallery({ status: 'error', message: message(err) });
  }
}

/** Reads the gallery now and again whenever another tab changes it; returns the unsubscribe. */
export function followGallery(): () => void {
  void loadGallery();
  return onGalleryChange(() => void loadGallery());
}

/** Saves and shows the entry first in the list; a failure is a notice, the result stays on screen. */
export async function keepResult(input: GalleryInput) {
  const { setGallery, setGalleryNotice } = useStore.getState();
  try {
    const entry = await saveResult(input);
    const { gallery } = useStore.getState();
    const entries = gallery.status === 'done' ? gallery.entries : [];
    setGallery({ status: 'done', entries: [entry, ...entries.filter((e) => e.id !== entry.id)] });
    return entry;
  } catch (err) {
    setGalleryNotice(`Not kept: ${message(err)}`);
    return null;
  }
}

export async function removeEntry(id: string): Promise<void> {
  try {
    await deleteResult(id);
    const { gallery, setGallery } = useStore.getState();
    if (gallery.status !== 'done') return;
    const gone = gallery.entries.filter((e) => e.id === id);
    setGallery({ status: 'done', entries: gallery.entries.filter((e) => e.id !== id) });
    releaseObjectUrls(gone.flatMap((e) => [e.image, e.masks, e.reference]));
  } catch (err) {
    useStore.getState().setGalleryNotice(message(err));
  }
}

export async function clearGallery(): Promise<void> {
  try {
    await clearResults();
    const { gallery, setGallery } = useStore.getState();
    if (gallery.status === 'done') releaseObjectUrls(gallery.entries.flatMap((e) => [e.image, e.masks, e.reference]));
    setGallery({ status: 'done', entries: [] });
  } catch (err) {
    useStore.getState().setGalleryNotice(message(err));
  }
}
