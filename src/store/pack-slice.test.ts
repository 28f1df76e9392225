import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { PackStorage, PackSummary } from '../../workers/protocol';
import { packStorage } from '../lib/pack-storage-fixture';
import { createPackSlice, type PackSlice, type PackState } from './pack-slice';

const storage = (warnings: string[]): PackStorage => packStorage({ warnings });

const done = (s: PackStorage): PackState => ({
  status: 'done',
  source: 'https://packs.example/toy/',
  summary: { storage: s } as unknown as PackSummary,
});

describe('pack slice', () => {
  it('keeps a done pack done, but takes a later storage warning (a file loaded after ready)', () => {
    const store = create<PackSlice>()(createPackSlice);
    store.getState().setPack(done(storage([])));
    store.getState().setPackProgress({
      step: 'files',
      files: { file: 'a', loadedBytes: 1, totalBytes: 2, fromCache: false, resumedAtBytes: null, etaMs: null },
    });
    expect(store.getState().pack.status).toBe('done');
    store.getState().setPackProgress({ step: 'storage', storage: storage([]) });
    expect(store.getState().pack).toEqual(done(storage([])));
    store.getState().setPackProgress({ step: 'storage', storage: storage(['unet_global.onnx was not kept']) });
    const pack = store.getState().pack;
    expect(pack.status === 'done' && pack.summary.storage?.warnings).toEqual(['unet_global.onnx was not kept']);
  });
});
