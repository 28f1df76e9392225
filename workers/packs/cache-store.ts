/**
 * BlobStore on the Cache API (available in workers; survives reloads; cleared with the
 * site's data): the fallback where OPFS is missing (opfs-store.ts), complete files only, so
 * a download cut short there starts over. Keys are synthetic same-origin URLs: the Cache API only accepts http(s)
 * requests, and the path says what the entry is when someone inspects DevTools.
 */
import type { BlobStore } from './blob-store';

/** Exported for the e2e tests, which inspect and corrupt entries. */
export const PACK_CACHE_NAME = 'realcustom-packs-v1';
export const packCacheKey = (sha256: string, origin: string): string => `${origin}/__pack-cache__/sha256/${sha256}`;
const manifestKey = (url: string, origin: string): string =>
  `${origin}/__pack-cache__/manifest/${encodeURIComponent(url)}`;

// `caches` is absent in Node (api.test.ts) and on insecure origins, whatever the types say.
const env = globalThis as { caches?: CacheStorage; location?: { origin: string } };

export class CacheApiStore implements BlobStore {
  readonly kind = 'cache-api';
  readonly #origin: string;
  #cache: Promise<Cache> | null = null;

  constructor(origin: string = env.location?.origin ?? 'http://localhost') {
    this.#origin = origin;
  }

  static available(): boolean {
    return env.caches !== undefined;
  }

  #open(): Promise<Cache> {
    const storage = env.caches;
    if (!storage) return Promise.reject(new Error('the Cache API is not available here'));
    this.#cache ??= storage.open(PACK_CACHE_NAME);
    return this.#cache;
  }

  async get(sha256: string): Promise<Uint8Array | null> {
    const res = await (await this.#open()).match(packCacheKey(sha256, this.#origin));
    return res ? new Uint8Array(await res.arrayBuffer()) : null;
  }

  /** Throws on failure (QuotaExceededError and friends): the loader reports it as a storage warning. */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) };
    await (await this.#open()).put(packCacheKey(sha256, this.#origin), new Response(body, { headers }));
  }

  async delete(sha256: string): Promise<void> {
    await (await this.#open()).delete(packCacheKey(sha256, this.#origin));
  }

  async storedBytes(sha256: string): Promise<number> {
    const res = await (await this.#open()).match(packCacheKey(sha256, this.#origin));
    if (!res) return 0;
    const length = res.headers.get('content-length');
    return length !== null ? Number(length) : (await res.blob()).size; // a Blob of a cached body stays on disk
  }

  async getText(url: string): Promise<string | null> {
    const res = await (await this.#open()).match(manifestKey(url, this.#origin));
    return res ? res.text() : null;
  }

  async putText(url: string, text: string): Promise<void> {
    await (await this.#open()).put(manifestKey(url, this.#origin), new Response(text));
  }
}
