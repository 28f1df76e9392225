import type { StateCreator } from 'zustand';
import type {
  EngineErrorInfo,
  LoadProgress,
  LoadStep,
  PackProgress,
  PackSource,
  PackSummary,
} from '../../workers/protocol';

export type PackState =
  | { status: 'idle' }
  | {
      status: 'loading';
      source: PackSource;
      /** The files' bytes (null before the first). */
      progress: PackProgress | null;
      /** The latest step the worker began other than the files (null before the first). */
      step: Exclude<LoadStep, 'files'> | null;
    }
  | { status: 'done'; source: PackSource; summary: PackSummary }
  | { status: 'error'; source: PackSource; error: EngineErrorInfo };

export interface PackSlice {
  pack: PackState;
  setPack(pack: PackState): void;
  /** Ignored unless a pack is loading (a late progress event must not undo `done`). */
  setPackProgress(progress: LoadProgress): void;
}

export const createPackSlice: StateCreator<PackSlice> = (set) => ({
  pack: { status: 'idle' },
  setPack: (pack) => set({ pack }),
  setPackProgress: (p) =>
    set(({ pack }) => {
      if (pack.status !== 'loading') return {};
      return { pack: p.step === 'files' ? { ...pack, progress: p.files } : { ...pack, step: p.step } };
    }),
});
