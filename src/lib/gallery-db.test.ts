import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Params } from '../../workers/protocol';
import {
  DB_NAME,
  GalleryError,
  clearResults,
  closeGallery,
  deleteResult,
  listResults,
  saveResult,
  type GalleryInput,
} from './gallery-db';
import { onGalleryChange } from './gallery-changes';

const PARAMS = { mode: 'realcustom', steps: 4, seed: 1 } as unknown as Params;

function input(prompt: string): GalleryInput {
  return {
    prompt,
    targetWord: 'star',
    params: PARAMS,
    image: new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }),
    masks: null,
    reference: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
    packName: 'test-tiny',
  };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(async () => {
  await closeGallery();
  vi.restoreAllMocks();
});

describe('gallery-db', () => {
  it('saves, lists newest first, deletes and clears', async () => {
    const a = await saveResult(input('a red star'));
    const b = await saveResult(input('a blue star'));
    expect(b.createdAt).toBeGreaterThan(a.createdAt);
    const list = await listResults();
    expect(list.map((e) => e.prompt)).toEqual(['a blue star', 'a red star']);
    expect(list[0]!.image.type).toBe('image/png');
    expect([...new Uint8Array(await list[0]!.image.arrayBuffer())]).toEqual([137, 80, 78, 71]);
    expect([...new Uint8Array(await list[0]!.reference!.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(list[0]!.masks).toBeNull();
    expect(list[0]!.params).toEqual(PARAMS);
    await deleteResult(a.id);
    expect((await listResults()).map((e) => e.id)).toEqual([b.id]);
    await clearResults();
    expect(await listResults()).toEqual([]);
  });

  it('a save that fails writes nothing (one transaction per entry)', async () => {
    await saveResult(input('kept'));
    // A value IndexedDB cannot clone makes the put throw inside the transaction.
    const broken = { ...input('broken'), params: { ...PARAMS, bad: () => 1 } as unknown as Params };
    await expect(saveResult(broken)).rejects.toBeInstanceOf(GalleryError);
    expect((await listResults()).map((e) => e.prompt)).toEqual(['kept']);
  });

  it('turns QuotaExceededError into a sentence to act on', async () => {
    await listResults(); // open the connection
    const { IDBObjectStore } = await import('fake-indexeddb');
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(saveResult(input('too big'))).rejects.toThrow(/no storage left for the gallery/);
    vi.restoreAllMocks();
    expect(await listResults()).toEqual([]);
  });

  it('two tabs read and write the same gallery', async () => {
    await saveResult(input('tab one'));
    // A second connection, as a second tab would open.
    const other = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(DB_NAME);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const count = await new Promise<number>((resolve) => {
      const req = other.transaction('results').objectStore('results').count();
      req.onsuccess = () => resolve(req.result);
    });
    expect(count).toBe(1);
    other.close();
    await saveResult(input('tab one again'));
    expect(await listResults()).toHaveLength(2);
  });

  it('announces each committed write to the other tabs, and not a failed one', async () => {
    const heard: string[] = [];
    const stop = onGalleryChange(() => heard.push('changed'));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    const a = await saveResult(input('kept'));
    await settle();
    expect(heard).toHaveLength(1);
    const broken = { ...input('broken'), params: { ...PARAMS, bad: () => 1 } as unknown as Params };
    await expect(saveResult(broken)).rejects.toBeInstanceOf(GalleryError);
    await deleteResult(a.id);
    await clearResults();
    await settle();
    expect(heard).toHaveLength(3);
    stop();
  });

  it('gives way when another tab upgrades, and reopens afterwards', async () => {
    await saveResult(input('before upgrade'));
    // Another tab opens a newer version: our connection must close so it is not blocked.
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 2);
      req.onblocked = () => reject(new Error('blocked by our open connection'));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    upgraded.close();
    // Our module now asks for version 1 < 2: the browser says VersionError; we explain it.
    await expect(listResults()).rejects.toThrow(/newer version of this app is open in another tab/);
  });
});
