/**
 * The pack's progress line while it loads: the files' bytes while they come in (where an
 * interrupted download was resumed, and the time left at the rate seen so far), then the
 * step the worker is on by its human name ("Preparing the image model…"), never a full bar
 * with nothing said. The steps are LOAD_STEPS in workers/protocol.ts.
 */
import type { LoadStep, PackProgress } from '../../workers/protocol';
import { formatBytes, formatDuration } from './format';

const STEP_LABELS: Record<Exclude<LoadStep, 'files'>, string> = {
  capabilities: 'Checking this device for WebGPU…',
  manifest: 'Reading the pack’s description…',
  runtime: 'Starting the inference runtime…',
  textEncoder: 'Preparing the text encoder…',
  imageEncoder: 'Preparing the reference encoder…',
  unet: 'Preparing the image model…',
  decoder: 'Preparing the image decoder…',
  previewDecoder: 'Preparing the preview decoder…',
  helpers: 'Preparing the sampler and mask steps…',
  unetGlobal: 'Preparing the global image model…',
};

export interface PackLoadLine {
  label: string;
  /** The bar's fraction; null = indeterminate (a step is running, its length unknown). */
  fraction: number | null;
  /** What the line describes, for tests: `files` or a step. */
  step: LoadStep | 'starting';
}

/** `fromFolder`: the files are read from a folder on this computer, not downloaded. */
export function packLoadLine(
  progress: PackProgress | null,
  step: Exclude<LoadStep, 'files'> | null,
  fromFolder = false,
): PackLoadLine {
  const filesDone = progress !== null && progress.loadedBytes >= progress.totalBytes;
  // The runtime starts while the files load: the files' bar stays until they are in.
  if (step !== null && (progress === null || filesDone || step !== 'runtime'))
    return { label: STEP_LABELS[step], fraction: null, step };
  if (progress === null) return { label: 'Loading model pack…', fraction: null, step: 'starting' };
  const how = fromFolder ? 'Reading' : progress.fromCache ? 'From cache' : 'Downloading';
  const resumed = progress.resumedAtBytes === null ? '' : ` · resumed at ${formatBytes(progress.resumedAtBytes)}`;
  const left = progress.etaMs === null || progress.fromCache ? '' : ` · about ${formatDuration(progress.etaMs)} left`;
  return {
    label: `${how} ${progress.file} · ${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)}${resumed}${left}`,
    fraction: progress.totalBytes > 0 ? Math.min(1, Math.max(0, progress.loadedBytes / progress.totalBytes)) : null,
    step: 'files',
  };
}
