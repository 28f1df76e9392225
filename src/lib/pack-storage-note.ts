/**
 * What the loaded pack's line says about where its files are kept: for a large pack whether
 * the browser keeps them persistently or may evict them under storage pressure, and any
 * storage failure that let the pack load but means the next visit downloads again.
 */
import type { PackStorage } from '../../workers/protocol';

export interface PackStorageNote {
  /** null: nothing worth saying (a small pack, a folder, or no answer from the browser). */
  persistence: string | null;
  warnings: string[];
}

export function packStorageNote(storage: PackStorage): PackStorageNote {
  let persistence: string | null = null;
  if (storage.persistWanted && storage.persisted !== null)
    persistence = storage.persisted ? 'stored persistently' : 'the browser may evict it';
  return { persistence, warnings: storage.warnings };
}
