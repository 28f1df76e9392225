/**
 * Test helper (Vitest only): an in-memory Origin Private File System with just what
 * opfs-store.ts uses (directories, files, sync access handles with one writer per file, move),
 * so the store's resume logic runs in Node. `files` is open for the tests to inspect and damage.
 */
import type { OpfsDirectory, OpfsFile, OpfsSyncHandle } from '../packs/opfs-store';

const notFound = (name: string) => new DOMException(`${name} not found`, 'NotFoundError');

export class MemoryOpfsDirectory implements OpfsDirectory {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Map<string, MemoryOpfsDirectory>();
  readonly #locked = new Set<string>();
  /** Set by a test: every write fails with this error (a full quota). */
  failWrites: Error | null = null;

  async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<MemoryOpfsDirectory> {
    let dir = this.dirs.get(name);
    if (!dir && !options?.create) throw notFound(name);
    if (!dir) this.dirs.set(name, (dir = new MemoryOpfsDirectory()));
    return dir;
  }

  async getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFile> {
    if (!this.files.has(name)) {
      if (!options?.create) throw notFound(name);
      this.files.set(name, new Uint8Array(0));
    }
    return this.#handle(name);
  }

  async removeEntry(name: string): Promise<void> {
    if (!this.files.delete(name) && !this.dirs.delete(name)) throw notFound(name);
  }

  #handle(name: string): OpfsFile {
    const bytes = () => this.files.get(name) ?? new Uint8Array(0);
    const set = (b: Uint8Array) => this.files.set(name, b);
    const failure = () => this.failWrites;
    const locked = this.#locked;
    return {
      getFile: async () => new Blob([bytes().slice()]),
      createSyncAccessHandle: async (): Promise<OpfsSyncHandle> => {
        if (locked.has(name)) throw new DOMException(`${name} is open elsewhere`, 'NoModificationAllowedError');
        locked.add(name);
        return {
          getSize: () => bytes().length,
          read(into, { at }) {
            const part = bytes().subarray(at, at + into.length);
            into.set(part);
            return part.length;
          },
          write(chunk, { at }) {
            const error = failure();
            if (error) throw error;
            const old = bytes();
            const grown = new Uint8Array(Math.max(old.length, at + chunk.length));
            grown.set(old);
            grown.set(chunk, at);
            set(grown);
            return chunk.length;
          },
          truncate: (size) => set(bytes().slice(0, size)),
          flush: () => undefined,
          close: () => locked.delete(name),
        };
      },
      move: async (newName: string) => {
        this.files.set(newName, bytes());
        this.files.delete(name);
      },
    };
  }
}
