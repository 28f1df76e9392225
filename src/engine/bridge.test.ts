import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FinalEvent, Job, JobProgressEvent } from '../../workers/protocol';

// Comlink and the Worker are replaced: the worker here answers what each test says, or never.
const h = vi.hoisted(() => ({
  releaseProxy: Symbol('releaseProxy'),
  remote: {} as Record<string | symbol, unknown>,
  terminated: 0,
}));
vi.mock('comlink', () => ({
  transferHandlers: new Map(),
  proxy: <T>(value: T) => value,
  releaseProxy: h.releaseProxy,
  wrap: () => h.remote,
}));

const job = { id: 'job-1' } as Job;
const step = (n: number) => ({ type: 'step', jobId: job.id, step: n }) as JobProgressEvent;

describe('createEngineBridge', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    h.terminated = 0;
    vi.stubGlobal(
      'Worker',
      class {
        terminate() {
          h.terminated++;
        }
      },
    );
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a job whose worker is ended without answering ends cancelled at its last step', async () => {
    h.remote = {
      [h.releaseProxy]: () => undefined,
      // two steps, then nothing: the worker hangs (a dead GPU), as does its dispose()
      generate: (_job: Job, onEvent: (e: JobProgressEvent) => void) => {
        onEvent(step(1));
        onEvent(step(2));
        return new Promise(() => undefined);
      },
      dispose: () => new Promise(() => undefined),
    };
    const { createEngineBridge } = await import('./bridge');
    const bridge = createEngineBridge('wasm');
    const seen: JobProgressEvent[] = [];
    const final = bridge.generate(job, (e) => seen.push(e));
    const disposed = bridge.dispose();
    await vi.advanceTimersByTimeAsync(3000); // DISPOSE_WAIT_MS
    await disposed;
    expect(h.terminated).toBe(1);
    await expect(final).resolves.toEqual({ type: 'cancelled', jobId: 'job-1', atStep: 2 });
    expect(seen.map((e) => e.type === 'step' && e.step)).toEqual([1, 2]);
  });

  it("a job's own answer is passed on, and a later dispose changes nothing", async () => {
    const done = { type: 'done', jobId: job.id } as FinalEvent;
    h.remote = {
      [h.releaseProxy]: () => undefined,
      generate: () => Promise.resolve(done),
      dispose: () => Promise.resolve(),
    };
    const { createEngineBridge } = await import('./bridge');
    const bridge = createEngineBridge('wasm');
    await expect(bridge.generate(job, () => undefined)).resolves.toBe(done);
    await bridge.dispose();
    expect(h.terminated).toBe(1);
  });

  it("a worker's rejection still rejects", async () => {
    h.remote = {
      [h.releaseProxy]: () => undefined,
      generate: () => Promise.reject(new Error('the worker went away')),
      dispose: () => Promise.resolve(),
    };
    const { createEngineBridge } = await import('./bridge');
    await expect(createEngineBridge('wasm').generate(job, () => undefined)).rejects.toThrow('the worker went away');
  });
});
