import type { StateCreator } from 'zustand';
import type { EngineErrorInfo, PackProgress, PackSummary } from '../../workers/protocol';

export type PackState =
  | { status: 'idle' }
  | { status: 'loading'; source: string; progress: PackProgress | null }
  | { status: 'done'; source: string; summary: PackSummary }
  | { status: 'error'; source: string; error: EngineErrorInfo };

export interface PackSlice {
  pack: PackState;
  setPack(pack: PackState): void;
  /** Ignored unless a pack is loading (a late progress event must not undo `done`). */
  setPackProgress(progress: PackProgress): void;
}

export const createPackSlice: StateCreator<PackSlice> = (set) => ({
  pack: { status: 'idle' },
  setPack: (pack) => set({ pack }),
  setPackProgress: (progress) => set(({ pack }) => (pack.status === 'loading' ? { pack: { ...pack, progress } } : {})),
});

/** Overall fraction in [0, 1] across the pack's files, or null before the first event. */
export function packFraction(progress: PackProgress | null): number | null {
  if (!progress || progress.totalBytes <= 0) return null;
  return Math.min(1, Math.max(0, progress.loadedBytes / progress.totalBytes));
}
