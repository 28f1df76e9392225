/**
 * The last finished job, outside React: its image and per-step history (for the scrubber)
 * and the files made from it (for download). The store's `result` says only that it exists
 * and which step the scrubber shows.
 */
import type { EngineEvent, Job } from '../../../workers/protocol';
import { useStore } from '../../store';
import { liveFrames } from '../../engine/live-frames';

export type DoneEvent = Extract<EngineEvent, { type: 'done' }>;

/** The result as files (the image PNG carries its settings), made once after `done`. */
export interface ResultFiles {
  image: Blob;
  masks: Blob | null;
  name: string;
  masksName: string;
}

let last: { job: Job; done: DoneEvent; files: ResultFiles | null } | null = null;

export function setLastResult(job: Job, done: DoneEvent): void {
  last = { job, done, files: null };
  useStore.getState().setResult({
    status: 'ready',
    jobId: job.id,
    steps: done.history.length,
    scrub: Math.max(0, done.history.length - 1),
    filesReady: false,
  });
}

export function setLastFiles(jobId: string, files: ResultFiles): void {
  if (last?.job.id !== jobId) return;
  last.files = files;
  useStore.getState().setResultFilesReady(jobId);
}

export function lastResult() {
  return last;
}

/**
 * Shows step `index` of the history on the live canvases; the last index shows the final
 * image (a step's preview is the model's x̂₀ estimate at that step, not the finished picture).
 */
export function showHistoryStep(index: number): void {
  if (!last) return;
  const { history, image } = last.done;
  const entry = history[index];
  if (!entry) return;
  const isLast = index === history.length - 1;
  // Steps without a decoded preview show the nearest earlier one.
  const shown = history.slice(0, index + 1).filter((h) => h.preview);
  const preview = isLast ? image : (shown.at(-1)?.preview ?? null);
  liveFrames.preview.publish(preview);
  liveFrames.mask.publish(entry.mask);
  liveFrames.layerMasks.publish(entry.layerMasks);
}
