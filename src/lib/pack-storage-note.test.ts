import { describe, expect, it } from 'vitest';
import { packStorage } from './pack-storage-fixture';
import { packStorageNote } from './pack-storage-note';

const storage = packStorage;

describe('packStorageNote', () => {
  it('says whether a large pack is kept persistently', () => {
    expect(packStorageNote(storage({ persistWanted: true, persisted: true })).persistence).toBe('stored persistently');
    expect(packStorageNote(storage({ persistWanted: true, persisted: false })).persistence).toBe(
      'the browser may evict it',
    );
  });

  it('says nothing of persistence for a small pack or without an answer', () => {
    expect(packStorageNote(storage({ persisted: false })).persistence).toBeNull();
    expect(packStorageNote(storage({ persistWanted: true })).persistence).toBeNull();
  });

  it('passes on the storage warnings', () => {
    expect(packStorageNote(storage({ warnings: ['unet.onnx: could not be stored'] })).warnings).toEqual([
      'unet.onnx: could not be stored',
    ]);
  });
});
