/**
 * The gallery's change signal across this origin's tabs: IndexedDB has no change events, so
 * the gallery store (gallery-db.ts) announces each committed write here, and every other
 * tab re-reads its list. A BroadcastChannel never delivers to the sender, so a tab does not
 * re-read its own writes.
 */
const CHANNEL = 'realcustom-gallery';

let sender: BroadcastChannel | null = null;

/** After a committed write (keep, delete, clear). Without BroadcastChannel, other tabs see it on reload. */
export function announceGalleryChange(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  sender ??= new BroadcastChannel(CHANNEL);
  sender.postMessage('changed');
}

/** Calls `listener` when another tab changed the gallery; returns the unsubscribe. */
export function onGalleryChange(listener: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const receiver = new BroadcastChannel(CHANNEL);
  receiver.onmessage = () => listener();
  return () => receiver.close();
}

/** Closes the sending side (tests; a page about to go away needs nothing). */
export function closeGalleryChanges(): void {
  sender?.close();
  sender = null;
}
