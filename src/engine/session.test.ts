import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EpPreference } from '../../workers/protocol';
import { DEFAULT_PACK } from '../lib/url-options';

const made: { ep: EpPreference; disposed: boolean }[] = [];
vi.mock('./bridge', () => ({
  createEngineBridge: (ep: EpPreference) => {
    const record = { ep, disposed: false };
    made.push(record);
    return {
      ep,
      loadPack: () => new Promise(() => undefined),
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
});
