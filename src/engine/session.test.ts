import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EpPreference, PackSource } from '../../workers/protocol';
import { DEFAULT_PACK } from '../lib/url-options';

const made: { ep: EpPreference; disposed: boolean; pack?: PackSource }[] = [];
vi.mock('./bridge', () => ({
  createEngineBridge: (ep: EpPreference) => {
    const record: (typeof made)[number] = { ep, disposed: false };
    made.push(record);
    return {
      ep,
      loadPack: (pack: PackSource) => {
        record.pack = pack;
        return new Promise(() => undefined);
      },
      capabilities: () => new Promise(() => undefined),
      dispose: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            record.disposed = true;
            resolve();
          }, 20),
        ),
    };
  },
}));

describe('restartEngine', () => {
  beforeEach(() => {
    vi.stubGlobal('window', { location: { search: '' } });
  });

  it('the last of two quick restarts decides the worker (WebGPU then back to WASM stays on WASM)', async () => {
    const { ensureEngineStarted, restartEngine, engineBridge } = await import('./session');
    const source = DEFAULT_PACK;
    void ensureEngineStarted(source);
    expect(made.map((m) => m.ep)).toEqual(['auto']);
    void restartEngine('webgpu', source);
    void restartEngine('wasm', source);
    await new Promise((resolve) => setTimeout(resolve, 60)); // both past the old worker's disposal (20 ms)
    expect(made.map((m) => m.ep)).toEqual(['auto', 'wasm']);
    expect((engineBridge() as unknown as { ep: string }).ep).toBe('wasm');
    expect(made[0]!.disposed).toBe(true);
  });

  it('an EP toggle during a pack switch keeps the pack the switch asked for', async () => {
    const { restartEngine, engineBridge } = await import('./session');
    const { useStore } = await import('../store'); // after the window stub
    const folder: PackSource = { kind: 'folder', name: 'my-pack', files: [] };
    made.length = 0;
    void restartEngine('wasm', folder); // "Load a pack folder…"
    void restartEngine('auto'); // the toggle, before the old worker is gone
    // while the old worker goes, the page waits for the folder's pack (Generate says so)
    expect(useStore.getState().pack).toMatchObject({ status: 'loading', source: folder });
    expect(useStore.getState().engine.status).toBe('loading');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(made.map((m) => [m.ep, m.pack])).toEqual([['auto', folder]]);
    expect((engineBridge() as unknown as { ep: string }).ep).toBe('auto');
    // and a later restart without a pack (a retry) still loads the folder
    void restartEngine('auto');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(made.map((m) => m.pack)).toEqual([folder, folder]);
  });
});
