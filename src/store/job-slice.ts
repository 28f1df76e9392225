import type { StateCreator } from 'zustand';
import type { EngineErrorInfo, EngineEvent } from '../../workers/protocol';
import { etaMs } from '../lib/eta';

/**
 * One generation at a time. Only counters and timings live here; the pixels of each step go
 * straight to the live-view canvases (engine/live-frames.ts).
 */
export type JobState =
  | { status: 'idle' }
  | { status: 'loading'; jobId: string; phase: string; startedAt: number }
  | {
      status: 'running';
      jobId: string;
      step: number;
      totalSteps: number;
      startedAt: number;
      /** Wall time of each step so far, for the time left. */
      stepDurations: number[];
    }
  | { status: 'done'; jobId: string; totalMs: number }
  | { status: 'cancelled'; jobId: string; atStep: number }
  | { status: 'error'; jobId: string; error: EngineErrorInfo };

export interface JobSlice {
  job: JobState;
  startJob(jobId: string, now: number): void;
  applyEvent(event: EngineEvent, now: number): void;
}

export const createJobSlice: StateCreator<JobSlice> = (set) => ({
  job: { status: 'idle' },
  startJob: (jobId, now) => set({ job: { status: 'loading', jobId, phase: 'starting', startedAt: now } }),
  applyEvent: (event, now) => set(({ job }) => ({ job: nextJobState(job, event, now) })),
});

/** Events of a replaced job (another id) are dropped: a new Generate wins over the old one. */
export function nextJobState(job: JobState, event: EngineEvent, now: number): JobState {
  if (job.status === 'idle' || job.jobId !== event.jobId) return job;
  const startedAt = job.status === 'loading' || job.status === 'running' ? job.startedAt : now;
  switch (event.type) {
    case 'loading':
      return { status: 'loading', jobId: event.jobId, phase: event.phase, startedAt };
    case 'step':
      return {
        status: 'running',
        jobId: event.jobId,
        step: event.step,
        totalSteps: event.totalSteps,
        startedAt,
        stepDurations: [...(job.status === 'running' ? job.stepDurations : []), event.timings.stepMs],
      };
    case 'done':
      return { status: 'done', jobId: event.jobId, totalMs: event.totalMs };
    case 'cancelled':
      return { status: 'cancelled', jobId: event.jobId, atStep: event.atStep };
    case 'error':
      return { status: 'error', jobId: event.jobId, error: event.error };
  }
}

/** Milliseconds left, from the steps' durations so far (lib/eta.ts); null until a step has run. */
export function jobEtaMs(job: JobState): number | null {
  if (job.status !== 'running') return null;
  return etaMs(job.stepDurations, job.totalSteps);
}
