/**
 * The browser's storage quota, checked before a download starts: the bytes still to fetch
 * against what `navigator.storage.estimate()` says this site may still use, so a pack that
 * cannot fit is refused with both figures before anything is fetched or deleted. The one
 * module that reads `navigator.storage` in the worker (`persist()` is the page's: browsers
 * offer it to windows only, see src/lib/persist-storage.ts).
 */
import { EngineError } from '../errors';
import { mb } from './limits';

/** The part of `navigator.storage` a worker has. */
export interface StorageEstimator {
  estimate(): Promise<{ quota?: number; usage?: number }>;
  persisted?(): Promise<boolean>;
}

/** Packs from this size on are worth asking the browser not to evict (gigabytes to download again). */
export const PERSIST_THRESHOLD_BYTES = 100 * 1024 * 1024;

export function workerStorage(): StorageEstimator | undefined {
  const storage = (globalThis.navigator as { storage?: Partial<StorageEstimator> } | undefined)?.storage;
  return typeof storage?.estimate === 'function' ? (storage as StorageEstimator) : undefined;
}

export interface QuotaAnswer {
  /** Space this site may still use; null: the browser does not say. */
  availableBytes: number | null;
  persisted: boolean | null;
}

/** Throws StorageFull, naming both figures, when `neededBytes` cannot fit; nothing is touched either way. */
export async function checkQuota(neededBytes: number, storage: StorageEstimator | undefined): Promise<QuotaAnswer> {
  if (!storage) return { availableBytes: null, persisted: null };
  const { quota, usage } = await storage.estimate().catch(() => ({ quota: undefined, usage: undefined }));
  const availableBytes = quota === undefined ? null : Math.max(0, quota - (usage ?? 0));
  const persisted = storage.persisted ? await storage.persisted().catch(() => null) : null;
  if (availableBytes !== null && neededBytes > availableBytes) {
    throw new EngineError(
      'StorageFull',
      `This pack needs ${mb(neededBytes)} more of this browser's storage, but only ${mb(availableBytes)} is left for this site. Nothing was downloaded or deleted: free some space (other sites' data, or this site's other packs) and retry.`,
    );
  }
  return { availableBytes, persisted };
}
