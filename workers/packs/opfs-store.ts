/**
 * BlobStore on the Origin Private File System: the worker's store wherever
 * `navigator.storage.getDirectory` exists (cache-store.ts is the fallback where it does not).
 * The one module that touches OPFS.
 *
 * A file is written as it streams in, to `<sha256>.part` through a sync access handle (a
 * dedicated worker's direct file writes: unlike a writable stream, nothing waits in a swap
 * file for a close() that a closed tab never makes), so what arrived survives a closed tab or
 * a lost connection and the next load asks only for the rest. Writes are sequential, so the
 * part's size is the count of bytes that arrived; the caller hashes the whole file before
 * `complete()` turns it into `<sha256>`, so a damaged tail is caught there, not trusted.
 * The layout, in DevTools or for the e2e tests: `realcustom-packs-v1/<sha256>[.part]` and
 * `realcustom-packs-v1/manifest-<encoded pack.json URL>`.
 */
import type { BlobStore, PartialFile } from './blob-store';

export const OPFS_DIR_NAME = 'realcustom-packs-v1';
const partName = (sha256: string): string => `${sha256}.part`;
const manifestName = (url: string): string => `manifest-${encodeURIComponent(url)}`;
/** Make what arrived durable this often, so a crash of the whole machine loses at most this much. */
const FLUSH_EVERY_BYTES = 16 * 1024 * 1024;

/** The part of the OPFS API this store uses (workers/testing/memory-opfs.ts fakes the same for Vitest). */
export interface OpfsSyncHandle {
  getSize(): number;
  read(into: Uint8Array, options: { at: number }): number;
  write(bytes: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
export interface OpfsFile {
  getFile(): Promise<Blob>;
  createSyncAccessHandle(): Promise<OpfsSyncHandle>;
  /** Renames in place (Chromium, Firefox); absent: the store copies the file instead. */
  move?(newName: string): Promise<void>;
}
export interface OpfsDirectory {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OpfsDirectory>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFile>;
  removeEntry(name: string): Promise<void>;
}

const storage = (globalThis.navigator as { storage?: { getDirectory?: () => Promise<unknown> } } | undefined)?.storage;

function isNotFound(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'NotFoundError';
}

export class OpfsStore implements BlobStore {
  readonly kind = 'opfs';
  readonly #root: () => Promise<OpfsDirectory>;
  #dir: Promise<OpfsDirectory> | null = null;

  constructor(root: () => Promise<OpfsDirectory> = () => storage!.getDirectory!() as Promise<OpfsDirectory>) {
    this.#root = root;
  }

  /** Sync access handles exist only in dedicated workers, the pack loader's home. */
  static available(): boolean {
    return typeof storage?.getDirectory === 'function' && typeof FileSystemFileHandle !== 'undefined'
      ? 'createSyncAccessHandle' in FileSystemFileHandle.prototype
      : false;
  }

  #open(): Promise<OpfsDirectory> {
    this.#dir ??= this.#root().then((root) => root.getDirectoryHandle(OPFS_DIR_NAME, { create: true }));
    this.#dir.catch(() => (this.#dir = null)); // a refusal now (e.g. private mode) is retried next time
    return this.#dir;
  }

  async #file(name: string): Promise<OpfsFile | null> {
    try {
      return await (await this.#open()).getFileHandle(name);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async #remove(name: string): Promise<void> {
    try {
      await (await this.#open()).removeEntry(name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async get(sha256: string): Promise<Uint8Array | null> {
    const file = await this.#file(sha256);
    return file ? new Uint8Array(await (await file.getFile()).arrayBuffer()) : null;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const partial = await this.openPartial(sha256);
    try {
      await partial.write(bytes, 0);
    } catch (e) {
      await partial.close();
      throw e;
    }
    await partial.complete();
  }

  async delete(sha256: string): Promise<void> {
    await this.#remove(sha256);
    await this.#remove(partName(sha256));
  }

  async storedBytes(sha256: string): Promise<number> {
    const file = (await this.#file(sha256)) ?? (await this.#file(partName(sha256)));
    return file ? (await file.getFile()).size : 0;
  }

  /** Throws NoModificationAllowedError while another tab holds the same part (one writer per file). */
  async openPartial(sha256: string): Promise<PartialFile> {
    const dir = await this.#open();
    const part = await dir.getFileHandle(partName(sha256), { create: true });
    const handle = await part.createSyncAccessHandle();
    const complete = async () => {
      await this.#remove(sha256); // a stale complete entry the caller dropped but could not delete
      if (part.move) await part.move(sha256);
      else await copyFile(part, await dir.getFileHandle(sha256, { create: true }));
      await this.#remove(partName(sha256)); // after a copy; after a move there is none
    };
    return openedPartial(handle, complete, () => this.#remove(partName(sha256)));
  }

  async getText(url: string): Promise<string | null> {
    const file = await this.#file(manifestName(url));
    return file ? (await file.getFile()).text() : null;
  }

  async putText(url: string, text: string): Promise<void> {
    const file = await (await this.#open()).getFileHandle(manifestName(url), { create: true });
    const handle = await file.createSyncAccessHandle();
    try {
      handle.truncate(0);
      handle.write(new TextEncoder().encode(text), { at: 0 });
      handle.flush();
    } finally {
      handle.close();
    }
  }
}

function openedPartial(
  handle: OpfsSyncHandle,
  complete: () => Promise<void>,
  remove: () => Promise<void>,
): PartialFile {
  let closed = false;
  let unflushed = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    handle.flush();
    handle.close();
  };
  return {
    size: handle.getSize(),
    async read(into) {
      let at = 0;
      while (at < into.length) {
        const n = handle.read(into.subarray(at), { at });
        if (n <= 0) throw new Error(`the partial file ended at ${at} of ${into.length} bytes`);
        at += n;
      }
    },
    async write(chunk, at) {
      if (handle.getSize() !== at) handle.truncate(at);
      let written = 0;
      while (written < chunk.length) written += handle.write(chunk.subarray(written), { at: at + written });
      unflushed += chunk.length;
      if (unflushed >= FLUSH_EVERY_BYTES) {
        handle.flush();
        unflushed = 0;
      }
    },
    async complete() {
      close();
      await complete();
    },
    async close() {
      close();
    },
    async discard() {
      close();
      await remove();
    },
  };
}

/** Where handles cannot be renamed: the part's bytes into the complete file, a slice at a time. */
async function copyFile(from: OpfsFile, to: OpfsFile): Promise<void> {
  const source = await from.getFile();
  const target = await to.createSyncAccessHandle();
  try {
    target.truncate(0);
    const step = 16 * 1024 * 1024;
    for (let at = 0; at < source.size; at += step) {
      const slice = new Uint8Array(await source.slice(at, at + step).arrayBuffer());
      target.write(slice, { at });
    }
    target.flush();
  } finally {
    target.close();
  }
}
