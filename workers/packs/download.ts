/**
 * One pack file from the network into memory and the store: continued from an interrupted
 * download where the store keeps one (OPFS), verified by size and SHA-256 before it counts
 * as stored, and never trusted on a resume alone: a resumed file whose hash is wrong is
 * downloaded once more from byte 0. A body cut short keeps its prefix for the next load; a
 * store that cannot write (a full quota, another tab holding the file) costs a warning,
 * never the load.
 */
import type { BlobStore, PartialFile } from './blob-store';
import { fetchFile, type FetchFn, type FetchedFile } from './fetch-file';
import { verifyFile } from './integrity';
import type { FileRef } from './manifest';
import { looksLikeHtml } from './sniff';

export interface DownloadOptions {
  store?: BlobStore | undefined;
  /** Bytes of this file in memory so far, and how many of them were stored before this load (0: none). */
  onBytes: (loaded: number, resumedFrom: number) => void;
  warn: (message: string) => void;
  signal?: AbortSignal | undefined;
  fetchFn?: FetchFn | undefined;
}

export interface Downloaded {
  bytes: Uint8Array;
  /** Bytes that came over the network for this file (more than its size when a resume had to start over). */
  networkBytes: number;
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function openPartial(ref: FileRef, opts: DownloadOptions): Promise<PartialFile | null> {
  if (!opts.store?.openPartial) return null;
  try {
    return await opts.store.openPartial(ref.sha256);
  } catch (e) {
    opts.warn(`${ref.file}: could not be stored as it downloads (${describe(e)}); the next visit downloads it again`);
    return null;
  }
}

/** Every byte arrived before, but the tab closed before the check: nothing to download. */
async function readWhole(partial: PartialFile, size: number): Promise<FetchedFile> {
  const bytes = new Uint8Array(size);
  await partial.read(bytes);
  return { bytes, resumedFrom: size, networkBytes: 0 };
}

export async function downloadFile(ref: FileRef, url: string, opts: DownloadOptions): Promise<Downloaded> {
  const partial = await openPartial(ref, opts);
  let open = partial !== null;
  let networkBytes = 0;
  try {
    for (let attempt = 0; ; attempt++) {
      const kept = partial && attempt === 0 && partial.size <= ref.bytes ? partial.size : 0;
      let writable = partial !== null;
      const sink = async (chunk: Uint8Array, at: number) => {
        if (!writable || !partial) return;
        try {
          await partial.write(chunk, at);
        } catch (e) {
          writable = false; // download on into memory; what was written stays a valid prefix
          opts.warn(`${ref.file}: writing it to storage failed (${describe(e)}); the next visit downloads it again`);
        }
      };
      const fetched =
        partial && kept === ref.bytes
          ? await readWhole(partial, kept)
          : await fetchFile(url, ref.file, ref.bytes, {
              onBytes: opts.onBytes,
              signal: opts.signal,
              ...(opts.fetchFn && { fetchFn: opts.fetchFn }),
              resume: partial && kept > 0 ? { from: kept, read: (into) => partial.read(into) } : undefined,
              sink: partial ? sink : undefined,
            });
      networkBytes += fetched.networkBytes;
      try {
        await verifyFile(ref, fetched.bytes);
      } catch (e) {
        if (fetched.resumedFrom > 0 && attempt === 0) continue; // the stored part and the rest do not make the file: from byte 0
        const cutShort = fetched.bytes.length < ref.bytes && !looksLikeHtml(fetched.bytes);
        if (partial && !cutShort) {
          open = false;
          await partial.discard();
        }
        throw e;
      }
      if (partial && writable) {
        open = false;
        await partial.complete().catch((e: unknown) => opts.warn(`${ref.file}: could not be kept (${describe(e)})`));
      } else if (!partial && opts.store) {
        await opts.store
          .put(ref.sha256, fetched.bytes)
          .catch((e: unknown) =>
            opts.warn(`${ref.file}: could not be stored (${describe(e)}); the next visit downloads it again`),
          );
      }
      return { bytes: fetched.bytes, networkBytes };
    }
  } finally {
    if (partial && open) await partial.close().catch(() => undefined);
  }
}
