/**
 * Where verified pack files are kept between visits, keyed by their SHA-256 (so two packs
 * sharing a graph share the entry, and a new pack version never sees an old file).
 * The browser implementations are `opfs-store.ts` (OPFS: files written as they stream in, so
 * an interrupted download resumes) and `cache-store.ts` (the Cache API, where OPFS is
 * missing: complete files only); Node passes none or its own.
 *
 * Writes throw on failure (a full quota, a file locked by another tab): the loader turns
 * that into a storage warning the page shows, and the pack still loads from memory.
 */
import type { PackStoreKind } from '../protocol';

export interface BlobStore {
  readonly kind: PackStoreKind;
  get(sha256: string): Promise<Uint8Array | null>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** Drops the entry and any partial download of it. */
  delete(sha256: string): Promise<void>;
  /** Bytes held for this file without reading them: its size when complete, an interrupted download's length, or 0. */
  storedBytes(sha256: string): Promise<number>;
  /** Stores that keep a file as it streams in: the partial download of `sha256`, opened to continue at its end. */
  openPartial?(sha256: string): Promise<PartialFile>;
  /** The last good `pack.json` per URL, for loading a visited pack offline. */
  getText?(url: string): Promise<string | null>;
  putText?(url: string, text: string): Promise<void>;
}

/** A download in progress, on disk: what arrived survives a closed tab or a lost connection. */
export interface PartialFile {
  /** Bytes already there when it was opened (from an earlier, interrupted download). */
  readonly size: number;
  /** Reads the first `into.length` bytes already there into `into`. */
  read(into: Uint8Array): Promise<void>;
  /** Writes `chunk` at byte `at`, first cutting the file to `at` (0: the server sent the whole file again). */
  write(chunk: Uint8Array, at: number): Promise<void>;
  /** Verified by the caller: becomes the complete entry `<sha256>` and is closed. */
  complete(): Promise<void>;
  /** Closes it, keeping what arrived for the next load to resume. */
  close(): Promise<void>;
  /** Closes and deletes it (its bytes are wrong). */
  discard(): Promise<void>;
}
