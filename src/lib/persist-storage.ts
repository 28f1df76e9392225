/**
 * Asks the browser to keep this site's storage under pressure (`navigator.storage.persist()`:
 * offered to windows only, so the page asks when the worker says a pack is large enough to be
 * worth it, PackStorage.persistWanted). The answer, or null where the browser has no such API.
 */
export async function askPersistence(): Promise<boolean | null> {
  const storage = (navigator as { storage?: Partial<StorageManager> }).storage;
  if (typeof storage?.persist !== 'function') return null;
  return storage.persist().catch(() => null);
}
