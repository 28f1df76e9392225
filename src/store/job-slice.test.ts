import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../workers/protocol';
import { jobEtaMs, nextJobState, type JobState } from './job-slice';

const loading: JobState = { status: 'loading', jobId: 'a', phase: 'starting', startedAt: 100 };

function step(jobId: string, n: number, stepMs = 50): EngineEvent {
  return {
    type: 'step',
    jobId,
    step: n,
    totalSteps: 4,
    timestep: 999 - n * 250,
    preview: null,
    mask: null,
    layerMasks: [],
    maskFrozen: false,
    timings: { runMs: stepMs - 5, stepMs },
    bytesReadBack: 0,
  };
}

describe('nextJobState', () => {
  it('follows loading → running → done', () => {
    const running = nextJobState(loading, step('a', 1), 200);
    expect(running).toMatchObject({ status: 'running', step: 1, totalSteps: 4, startedAt: 100 });
    const done: EngineEvent = {
      type: 'done',
      jobId: 'a',
      image: { width: 1, height: 1, data: new Uint8ClampedArray(4) },
      history: [],
      params: {} as never,
      totalMs: 321,
      timeToFirstPreviewMs: 10,
    };
    expect(nextJobState(running, done, 300)).toEqual({ status: 'done', jobId: 'a', totalMs: 321 });
  });

  it('ignores events of a replaced job', () => {
    expect(nextJobState(loading, step('old', 3), 200)).toBe(loading);
    expect(nextJobState({ status: 'idle' }, step('a', 1), 200)).toEqual({ status: 'idle' });
  });

  it('records cancellation and typed errors', () => {
    expect(nextJobState(loading, { type: 'cancelled', jobId: 'a', atStep: 2 }, 0)).toEqual({
      status: 'cancelled',
      jobId: 'a',
      atStep: 2,
    });
    const error = { kind: 'OutOfMemory' as const, message: 'Out of memory.' };
    expect(nextJobState(loading, { type: 'error', jobId: 'a', error }, 0)).toEqual({
      status: 'error',
      jobId: 'a',
      error,
    });
  });
});

describe('jobEtaMs', () => {
  it('multiplies the steps left by the typical step time', () => {
    const first = nextJobState(loading, step('a', 1, 400), 0);
    expect(jobEtaMs(first)).toBe(1200);
    // the slow first step (shader compilation) stops counting once another exists
    expect(jobEtaMs(nextJobState(first, step('a', 2, 40), 0))).toBe(80);
    expect(jobEtaMs(loading)).toBeNull();
  });
});
