/**
 * What the status banner says, from the store: the problem that stops the app (engine,
 * pack, a job that lost the GPU or ran out of memory) or the one notice worth a line
 * (no WebGPU: running on WASM). Pure, so Vitest covers every case.
 */
import type { EngineErrorInfo, PackSource } from '../../workers/protocol';
import type { EngineState } from '../store/engine-slice';
import type { JobState } from '../store/job-slice';
import type { PackState } from '../store/pack-slice';
import { DEFAULT_PACK } from '../lib/url-options';

export interface Banner {
  tone: 'error' | 'notice';
  kind: string;
  title: string;
  message: string;
  detail?: string;
  /** Retry rebuilds the worker and reloads the pack (from the cache). */
  retry: boolean;
  /** A pack other than the embedded one was refused: offer to load the embedded one. */
  backToDefault?: boolean;
}

/** Job failures that leave the worker unusable or starved: the page rebuilds it on Retry. */
const RECOVERABLE_JOB_ERRORS: Partial<Record<EngineErrorInfo['kind'], { title: string; advice: string }>> = {
  DeviceLost: {
    title: 'The GPU stopped responding',
    advice:
      'The job was stopped. Press Retry to restart the engine (the pack reloads from the cache), then run it again.',
  },
  OutOfMemory: {
    title: 'Out of memory',
    advice: 'Press Retry to restart the engine with its memory freed, then try fewer steps or WASM.',
  },
};

function fromError(error: EngineErrorInfo, title: string, retry: boolean): Banner {
  return { tone: 'error', kind: error.kind, title, message: error.message, detail: error.detail, retry };
}

/** A shipped pack by its name, one from elsewhere by its address or folder (whatever was asked for). */
function packName(source: PackSource): string {
  if (typeof source !== 'string') return `in the folder ‘${source.name}’`;
  return /^[a-z][a-z0-9+.-]*:/i.test(source) ? `at ${source}` : `‘${source}’`;
}

export function bannerFor(engine: EngineState, pack: PackState, job: JobState): Banner | null {
  if (engine.status === 'error') return fromError(engine.error, 'The engine could not start', true);
  if (pack.status === 'error') {
    return {
      ...fromError(pack.error, `The model pack ${packName(pack.source)} was refused`, true),
      backToDefault: pack.source !== DEFAULT_PACK,
    };
  }
  if (job.status === 'error') {
    const recoverable = RECOVERABLE_JOB_ERRORS[job.error.kind];
    if (recoverable) {
      return {
        ...fromError(job.error, recoverable.title, true),
        message: `${job.error.message} ${recoverable.advice}`,
      };
    }
  }
  if (engine.status === 'done' && !engine.capabilities.webgpu.available && pack.status === 'done') {
    return {
      tone: 'notice',
      kind: 'WebGpuUnavailable',
      title: 'No WebGPU here: running on the CPU (WASM)',
      message: `Pictures are the same, only slower. Reason: ${engine.capabilities.webgpu.reason}`,
      retry: false,
    };
  }
  return null;
}
