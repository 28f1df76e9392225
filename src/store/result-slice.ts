import type { StateCreator } from 'zustand';
import type { Mode } from '../../workers/protocol';

/**
 * The finished job the live view can replay (its pixels live in
 * features/live-view/last-result.ts) and the compare run's progress.
 */
export type ResultState =
  { status: 'none' } | { status: 'ready'; jobId: string; steps: number; scrub: number; filesReady: boolean };

export type CompareState =
  | { status: 'idle' }
  | { status: 'running'; modes: Mode[]; index: number }
  | { status: 'done'; modes: Mode[] }
  | { status: 'stopped'; modes: Mode[]; reason: string };

export interface ResultSlice {
  result: ResultState;
  compare: CompareState;
  setResult(result: ResultState): void;
  scrubTo(index: number): void;
  setResultFilesReady(jobId: string): void;
  setCompare(compare: CompareState): void;
}

export const createResultSlice: StateCreator<ResultSlice> = (set) => ({
  result: { status: 'none' },
  compare: { status: 'idle' },
  setResult: (result) => set({ result }),
  scrubTo: (index) =>
    set(({ result }) =>
      result.status === 'ready'
        ? { result: { ...result, scrub: Math.min(result.steps - 1, Math.max(0, Math.round(index))) } }
        : {},
    ),
  setResultFilesReady: (jobId) =>
    set(({ result }) =>
      result.status === 'ready' && result.jobId === jobId ? { result: { ...result, filesReady: true } } : {},
    ),
  setCompare: (compare) => set({ compare }),
});
