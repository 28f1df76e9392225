/**
 * Where verified pack files are kept between visits, keyed by their SHA-256 (so two packs
 * sharing a graph share the entry, and a new pack version never sees an old file).
 * The browser implementation is `cache-store.ts`; Node passes none or its own.
 */
export interface BlobStore {
  get(sha256: string): Promise<Uint8Array | null>;
  /** Best effort: a full quota must not fail the load. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  delete(sha256: string): Promise<void>;
  /** The last good `pack.json` per URL, for loading a visited pack offline. */
  getText?(url: string): Promise<string | null>;
  putText?(url: string, text: string): Promise<void>;
}
