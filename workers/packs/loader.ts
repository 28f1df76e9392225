/**
 * Loads a pack from a base URL: manifest (format version 1 or 2) → schema and consistency
 * checks → device features and size budget → the storage quota against the bytes still to
 * fetch (all before any download) → each file from the store or the network, three at a time
 * (download.ts: resumed where an earlier download was cut short), verified by size and
 * SHA-256, stored by hash. A stored entry whose bytes no longer match its hash is dropped and refetched.
 * Runtime-agnostic: the worker passes the OPFS store (the Cache API where OPFS is missing),
 * Node may pass none; a folder on disk passes a FetchFn that reads its files
 * (folder-source.ts) and no store.
 */
import { EngineError, packInvalid } from '../errors';
import type { PackProgress, PackStorage } from '../protocol';
import type { BlobStore } from './blob-store';
import { downloadFile } from './download';
import type { FetchFn } from './fetch-file';
import { inParallel } from './in-parallel';
import { verifyFile } from './integrity';
import { checkDeviceFeatures, checkPackSize, filesToLoad, type DeviceBudget, type PackFile } from './limits';
import type { GraphName } from './manifest';
import type { AnyManifest, GraphNameV2 } from './manifest-v2';
import { parseManifest } from './parse';
import { checkQuota, PERSIST_THRESHOLD_BYTES, type StorageEstimator } from './quota';
import { DownloadRate } from './rate';

/** Files fetched or read at once: a browser's six connections per host, less what the page and runtime use. */
const LOAD_CONCURRENCY = 3;

export interface LoadedPack {
  manifest: AnyManifest;
  /** Absolute URL of the pack folder, ending in `/`. */
  baseUrl: string;
  /** Model bytes of every graph the page uses (all but `judge`) that `only` selected. */
  graphs: Partial<Record<GraphName | GraphNameV2, Uint8Array>>;
  /** Every loaded file by its path in the pack (graphs too; version 2: external data, tokenizer…). */
  files: Map<string, Uint8Array>;
  /** The whole pack's bytes (what it costs to store), whatever `only` selected. */
  totalBytes: number;
  /** Bytes that came over the network (0 on a fully cached visit). */
  downloadedBytes: number;
  storage: PackStorage;
}

export interface LoadOptions {
  /** Fixed, or chosen once the manifest is known (the EP may depend on its dtype). */
  budget: DeviceBudget | ((m: AnyManifest) => DeviceBudget);
  store?: BlobStore | undefined;
  /** `loadedBytes`/`totalBytes` count the files `only` selected; `file` is the one in flight. */
  onProgress?: ((p: PackProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  fetchFn?: FetchFn;
  /**
   * The files to load now (default: all the page uses). The worker leaves out the global
   * modes' UNet, which no first job needs, and loads it after the pack is ready. Progress
   * counts the selected files only; the quota check, the whole pack.
   */
  only?: ((file: PackFile) => boolean) | undefined;
  /** `navigator.storage` (estimate, persisted) for the quota check; absent: no check (Node). */
  storage?: StorageEstimator | undefined;
  /** The storage figures, before the first download and again with each storage warning. */
  onStorage?: ((s: PackStorage) => void) | undefined;
  /** The clock of the download rate (tests). */
  now?: () => number;
}

/**
 * Network first (the manifest is what tells us a pack changed), the last good copy when
 * offline: with the graphs cached by hash, a visited pack then loads with no network.
 */
export async function fetchManifest(
  baseUrl: string,
  opts: Pick<LoadOptions, 'signal' | 'fetchFn' | 'store'> & { warn?: (message: string) => void } = {},
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
  // Only a valid manifest is kept; not keeping it only costs loading this pack offline.
  await opts.store
    ?.putText?.(url, text)
    .catch((e: unknown) => opts.warn?.(`pack.json could not be kept for offline use (${String(e)})`));
  return manifest;
}

export async function loadPack(baseUrl: string, opts: LoadOptions): Promise<LoadedPack> {
  const early: string[] = [];
  const manifest = await fetchManifest(baseUrl, { ...opts, warn: (m) => early.push(m) });
  const budget = typeof opts.budget === 'function' ? opts.budget(manifest) : opts.budget;
  checkDeviceFeatures(manifest, budget);
  const packBytes = checkPackSize(manifest, budget);
  const refs = filesToLoad(manifest);
  const selected = refs.filter((f) => opts.only?.(f) ?? true);
  const totalBytes = selected.reduce((sum, f) => sum + f.bytes, 0);
  const { store } = opts;

  // What is stored already (complete files and interrupted downloads), and whether the rest
  // of the whole pack fits (a file loaded later must not be the one that finds it full).
  const held = store ? await Promise.all(refs.map((r) => store.storedBytes(r.sha256).catch(() => 0))) : [];
  const storedOf = (pick: (r: PackFile) => boolean) =>
    refs.reduce((sum, r, i) => sum + (pick(r) ? Math.min(held[i] ?? 0, r.bytes) : 0), 0);
  const storedBytes = storedOf(() => true);
  const packNeededBytes = packBytes - storedBytes;
  // This load's own bytes still to fetch (the time left counts these).
  let neededBytes = totalBytes - storedOf((r) => selected.includes(r));
  const quota = store ? await checkQuota(packNeededBytes, opts.storage) : { availableBytes: null, persisted: null };
  let storage: PackStorage = {
    store: store?.kind ?? 'none',
    storedBytes,
    neededBytes: packNeededBytes,
    ...quota,
    persistWanted: store !== undefined && packBytes >= PERSIST_THRESHOLD_BYTES,
    warnings: early,
  };
  opts.onStorage?.(storage);
  const warn = (message: string) => {
    storage = { ...storage, warnings: [...storage.warnings, message] };
    opts.onStorage?.(storage);
  };

  const rate = new DownloadRate(opts.now);
  // Bytes in hand per selected file (stored or arrived); the pack's loadedBytes is their sum.
  const loaded = selected.map(() => 0);
  const loadedSum = () => loaded.reduce((a, b) => a + b, 0);
  let downloadedBytes = 0;
  let networkBytes = 0; // this load's, as they arrive (downloadedBytes counts whole files)
  let resumedAtBytes: number | null = null;
  let resumedBy = -1; // the file whose resume resumedAtBytes marks
  const progress = (file: string, fromCache: boolean) =>
    opts.onProgress?.({
      file,
      loadedBytes: loadedSum(),
      totalBytes,
      fromCache,
      resumedAtBytes,
      etaMs: rate.etaMs(neededBytes - networkBytes),
    });

  const loadOne = async (ref: PackFile, i: number): Promise<Uint8Array> => {
    if (opts.signal?.aborted) throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    const bytes = await store?.get(ref.sha256);
    if (bytes) {
      try {
        await verifyFile(ref, bytes);
        loaded[i] = ref.bytes;
        progress(ref.file, true);
        return bytes;
      } catch {
        // Stale or damaged entry (e.g. a write cut short): drop it and fetch a fresh copy.
        await store?.delete(ref.sha256);
      }
    }
    let last = { loaded: 0, from: -1 };
    const got = await downloadFile(ref, new URL(ref.file, baseUrl).href, {
      store,
      warn,
      signal: opts.signal,
      fetchFn: opts.fetchFn,
      onBytes: (now, from) => {
        const newBody = from !== last.from || now < last.loaded;
        loaded[i] = now;
        if (newBody && from > 0 && resumedAtBytes === null) {
          resumedAtBytes = loadedSum() - now + from;
          resumedBy = i;
        }
        // The server ignored the Range (or the resumed file was wrong): those bytes come again.
        if (newBody && from === 0 && last.from > 0) {
          neededBytes += last.from;
          if (resumedBy === i) resumedAtBytes = null;
        }
        const arrived = newBody ? now - from : now - last.loaded;
        networkBytes += arrived;
        rate.add(arrived);
        last = { loaded: now, from };
        progress(ref.file, false);
      },
    });
    downloadedBytes += got.networkBytes;
    loaded[i] = ref.bytes;
    return got.bytes;
  };

  // A few files at a time, in the manifest's order: a request's latency, the SHA-256 and the
  // store's writes of one file overlap the bytes of the next (one at a time left the link idle).
  const all = await inParallel(selected, LOAD_CONCURRENCY, loadOne);
  const graphs: Partial<Record<GraphName | GraphNameV2, Uint8Array>> = {};
  const files = new Map<string, Uint8Array>();
  selected.forEach((ref, i) => {
    const bytes = all[i]!;
    files.set(ref.file, bytes);
    if (ref.graph !== null) graphs[ref.graph as GraphName | GraphNameV2] = bytes;
  });
  return { manifest, baseUrl, graphs, files, totalBytes: packBytes, downloadedBytes, storage };
}
