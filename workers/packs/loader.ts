/**
 * Loads a pack from a base URL: manifest (format version 1 or 2) → schema and consistency
 * checks → device features and size budget (before any download) → each file from the store
 * or the network, verified by size and SHA-256, stored by hash. A stored entry whose bytes no longer match its hash is dropped
 * and refetched. Runtime-agnostic: the worker passes the Cache API store, Node may pass none;
 * a folder on disk passes a FetchFn that reads its files (folder-source.ts) and no store.
 */
import { EngineError, packInvalid } from '../errors';
import type { PackProgress } from '../protocol';
import type { BlobStore } from './blob-store';
import { fetchFile, type FetchFn } from './fetch-file';
import { verifyFile } from './integrity';
import { checkDeviceFeatures, checkPackSize, filesToLoad, type DeviceBudget } from './limits';
import type { GraphName } from './manifest';
import type { AnyManifest, GraphNameV2 } from './manifest-v2';
import { parseManifest } from './parse';

export interface LoadedPack {
  manifest: AnyManifest;
  /** Absolute URL of the pack folder, ending in `/`. */
  baseUrl: string;
  /** Model bytes of every graph the page uses (all but `judge`). */
  graphs: Partial<Record<GraphName | GraphNameV2, Uint8Array>>;
  /** Every loaded file by its path in the pack (graphs too; version 2: external data, tokenizer…). */
  files: Map<string, Uint8Array>;
  totalBytes: number;
  /** Bytes that came over the network (0 on a fully cached visit). */
  downloadedBytes: number;
}

export interface LoadOptions {
  /** Fixed, or chosen once the manifest is known (the EP may depend on its dtype). */
  budget: DeviceBudget | ((m: AnyManifest) => DeviceBudget);
  store?: BlobStore | undefined;
  /** `loadedBytes`/`totalBytes` count the whole pack; `file` is the one in flight. */
  onProgress?: ((p: PackProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  fetchFn?: FetchFn;
}

/**
 * Network first (the manifest is what tells us a pack changed), the last good copy when
 * offline: with the graphs cached by hash, a visited pack then loads with no network.
 */
export async function fetchManifest(
  baseUrl: string,
  opts: Pick<LoadOptions, 'signal' | 'fetchFn' | 'store'> = {},
): Promise<AnyManifest> {
  const url = new URL('pack.json', baseUrl).href;
  const fetchFn = opts.fetchFn ?? ((u, i) => fetch(u, i));
  let res: Response;
  try {
    res = await fetchFn(url, { cache: 'no-cache', ...(opts.signal && { signal: opts.signal }) } as RequestInit);
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError')
      throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    if (e instanceof EngineError) throw e; // a FetchFn's own refusal (a folder without pack.json)
    const cached = await opts.store?.getText?.(url);
    if (cached) return parseManifest(cached);
    throw packInvalid(
      'pack.json',
      `could not be downloaded from ${url} (offline, wrong URL or blocked by CORS)`,
      String(e),
    );
  }
  if (!res.ok)
    throw packInvalid('pack.json', `HTTP ${res.status} ${res.statusText} from ${url} — no pack at this address`);
  const text = await res.text();
  const manifest = parseManifest(text);
  await opts.store?.putText?.(url, text); // only a valid manifest is kept
  return manifest;
}

export async function loadPack(baseUrl: string, opts: LoadOptions): Promise<LoadedPack> {
  const manifest = await fetchManifest(baseUrl, opts);
  const budget = typeof opts.budget === 'function' ? opts.budget(manifest) : opts.budget;
  checkDeviceFeatures(manifest, budget);
  const totalBytes = checkPackSize(manifest, budget);
  const graphs: Partial<Record<GraphName | GraphNameV2, Uint8Array>> = {};
  const files = new Map<string, Uint8Array>();
  let done = 0;
  let downloadedBytes = 0;
  const progress = (file: string, loadedBytes: number, fromCache: boolean) =>
    opts.onProgress?.({ file, loadedBytes, totalBytes, fromCache });

  for (const ref of filesToLoad(manifest)) {
    if (opts.signal?.aborted) throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    let bytes = await opts.store?.get(ref.sha256);
    if (bytes) {
      try {
        await verifyFile(ref, bytes);
        progress(ref.file, done + ref.bytes, true);
      } catch {
        // Stale or damaged entry (e.g. a write cut short): drop it and fetch a fresh copy.
        await opts.store?.delete(ref.sha256);
        bytes = null;
      }
    }
    if (!bytes) {
      const url = new URL(ref.file, baseUrl).href;
      bytes = await fetchFile(url, ref.file, ref.bytes, {
        onBytes: (n) => progress(ref.file, done + n, false),
        signal: opts.signal,
        ...(opts.fetchFn && { fetchFn: opts.fetchFn }),
      });
      await verifyFile(ref, bytes);
      downloadedBytes += bytes.length;
      await opts.store?.put(ref.sha256, bytes);
    }
    done += ref.bytes;
    files.set(ref.file, bytes);
    if (ref.graph !== null) graphs[ref.graph as GraphName | GraphNameV2] = bytes;
  }
  return { manifest, baseUrl, graphs, files, totalBytes, downloadedBytes };
}
