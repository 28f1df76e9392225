/**
 * The gallery in IndexedDB: the only module that touches IndexedDB (through `idb`).
 *
 * - One entry = one record, written in ONE readwrite transaction: a tab closed mid-write
 *   aborts the transaction, so there are never half entries.
 * - Pixels are stored as ArrayBuffer + MIME type and turned back into Blobs on read: the
 *   bytes are read BEFORE the transaction opens (awaiting a Blob inside it would let the
 *   transaction auto-commit early), and plain buffers clone everywhere (also in
 *   fake-indexeddb under Vitest).
 * - Versioned schema (`DB_VERSION`, `upgrade` migrates step by step). Several tabs share
 *   the database: a tab that holds an old connection closes it on `versionchange` so
 *   another tab's upgrade is never stuck; the next call reopens.
 * - A full disk (QuotaExceededError) becomes a GalleryError with a sentence to act on.
 * - Each committed write is announced to the other tabs (gallery-changes.ts), which re-read.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Params } from '../../workers/protocol';
import { announceGalleryChange, closeGalleryChanges } from './gallery-changes';

export interface GalleryInput {
  prompt: string;
  targetWord: string;
  /** Which copy of the word; absent in entries saved before it was kept. */
  targetIndex?: number;
  params: Params;
  image: Blob; // PNG
  masks: Blob | null;
  reference: Blob | null;
  packName: string;
}

export type GalleryEntry = GalleryInput & { id: string; createdAt: number };

/** Why a gallery call failed, in words a person can act on. */
export class GalleryError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'GalleryError';
  }
}

interface StoredBlob {
  type: string;
  bytes: ArrayBuffer;
}

interface StoredEntry {
  id: string;
  createdAt: number;
  prompt: string;
  targetWord: string;
  targetIndex?: number;
  params: Params;
  packName: string;
  image: StoredBlob;
  masks: StoredBlob | null;
  reference: StoredBlob | null;
}

interface GallerySchema extends DBSchema {
  results: { key: string; value: StoredEntry; indexes: { byCreatedAt: number } };
}

export const DB_NAME = 'realcustom-gallery';
export const DB_VERSION = 1;

let connection: Promise<IDBPDatabase<GallerySchema>> | null = null;

function open(): Promise<IDBPDatabase<GallerySchema>> {
  connection ??= openDB<GallerySchema>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      // One block per version; a new version adds a block below, never edits one.
      if (oldVersion < 1) {
        const store = db.createObjectStore('results', { keyPath: 'id' });
        store.createIndex('byCreatedAt', 'createdAt');
      }
    },
    blocking() {
      // Another tab wants a newer version: let it, and reopen on our next call.
      void connection?.then((db) => db.close());
      connection = null;
    },
    terminated() {
      connection = null; // the browser closed it (storage cleared, disk error)
    },
  }).catch((err: unknown) => {
    connection = null;
    throw explain(err, 'open the gallery');
  });
  return connection;
}

function explain(err: unknown, doing: string): GalleryError {
  if (err instanceof GalleryError) return err;
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'QuotaExceededError')
    return new GalleryError(
      'The browser has no storage left for the gallery: delete some saved results (or free disk space) and save again.',
      err,
    );
  if (name === 'VersionError')
    return new GalleryError('A newer version of this app is open in another tab: reload this tab.', err);
  if (name === 'InvalidStateError' || name === 'UnknownError')
    return new GalleryError(
      `Could not ${doing}: the browser's storage is unavailable (private window or storage disabled?).`,
      err,
    );
  const detail = err instanceof Error ? err.message : String(err);
  return new GalleryError(`Could not ${doing}: ${detail}`, err);
}

async function toStored(blob: Blob | null): Promise<StoredBlob | null> {
  return blob ? { type: blob.type, bytes: await blob.arrayBuffer() } : null;
}

function fromStored(stored: StoredBlob | null): Blob | null {
  return stored ? new Blob([stored.bytes], { type: stored.type }) : null;
}

function toEntry(s: StoredEntry): GalleryEntry {
  return {
    id: s.id,
    createdAt: s.createdAt,
    prompt: s.prompt,
    targetWord: s.targetWord,
    ...(s.targetIndex === undefined ? {} : { targetIndex: s.targetIndex }),
    params: s.params,
    packName: s.packName,
    image: fromStored(s.image) ?? new Blob([], { type: 'image/png' }),
    masks: fromStored(s.masks),
    reference: fromStored(s.reference),
  };
}

/** Strictly increasing within a tab, so two saves in one millisecond keep their order. */
let lastCreatedAt = 0;
function nextCreatedAt(): number {
  lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
  return lastCreatedAt;
}

export async function saveResult(input: GalleryInput): Promise<GalleryEntry> {
  // Read every byte first: the transaction below must not await anything but IndexedDB.
  const [image, masks, reference] = await Promise.all([
    toStored(input.image),
    toStored(input.masks),
    toStored(input.reference),
  ]);
  const stored: StoredEntry = {
    id: crypto.randomUUID(),
    createdAt: nextCreatedAt(),
    prompt: input.prompt,
    targetWord: input.targetWord,
    ...(input.targetIndex === undefined ? {} : { targetIndex: input.targetIndex }),
    params: { ...input.params },
    packName: input.packName,
    image: image!,
    masks,
    reference,
  };
  try {
    const db = await open();
    const tx = db.transaction('results', 'readwrite');
    await Promise.all([tx.store.add(stored), tx.done]);
  } catch (err) {
    throw explain(err, 'save to the gallery');
  }
  announceGalleryChange();
  return toEntry(stored);
}

/** Newest first. */
export async function listResults(): Promise<GalleryEntry[]> {
  try {
    const db = await open();
    const all = await db.getAllFromIndex('results', 'byCreatedAt');
    return all.reverse().map(toEntry);
  } catch (err) {
    throw explain(err, 'read the gallery');
  }
}

export async function deleteResult(id: string): Promise<void> {
  try {
    const db = await open();
    await db.delete('results', id);
  } catch (err) {
    throw explain(err, 'delete from the gallery');
  }
  announceGalleryChange();
}

export async function clearResults(): Promise<void> {
  try {
    const db = await open();
    await db.clear('results');
  } catch (err) {
    throw explain(err, 'clear the gallery');
  }
  announceGalleryChange();
}

/** Closes this tab's connection (tests; a page about to delete the database). */
export async function closeGallery(): Promise<void> {
  closeGalleryChanges();
  const pending = connection;
  connection = null;
  if (pending) (await pending.catch(() => null))?.close();
}
