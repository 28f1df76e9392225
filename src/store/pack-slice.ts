import type { StateCreator } from 'zustand';
import type {
  EngineErrorInfo,
  LoadProgress,
  LoadStep,
  PackProgress,
  PackSource,
  PackStorage,
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
      /** Where the files are kept, what is stored already and what is left (null before the worker says). */
      storage: PackStorage | null;
    }
  | { status: 'done'; source: PackSource; summary: PackSummary }
  | { status: 'error'; source: PackSource; error: EngineErrorInfo };

export interface PackSlice {
  pack: PackState;
  setPack(pack: PackState): void;
  /**
   * Ignored unless a pack is loading (a late progress event must not undo `done`), except
   * storage warnings, which a file loaded after ready (the global UNet) may still bring.
   */
  setPackProgress(progress: LoadProgress): void;
}

export const createPackSlice: StateCreator<PackSlice> = (set) => ({
  pack: { status: 'idle' },
  setPack: (pack) => set({ pack }),
  setPackProgress: (p) =>
    set(({ pack }) => {
      if (pack.status === 'done' && p.step === 'storage' && p.storage.warnings.length > 0)
        return { pack: { ...pack, summary: { ...pack.summary, storage: p.storage } } };
      if (pack.status !== 'loading') return {};
      if (p.step === 'files') return { pack: { ...pack, progress: p.files } };
      if (p.step === 'storage') return { pack: { ...pack, storage: p.storage } };
      return { pack: { ...pack, step: p.step } };
    }),
});
