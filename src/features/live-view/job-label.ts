/**
 * The job's state in words for the progress line: engine phase names (`encoding-text`)
 * never reach the screen, the idle line follows the pack, and WebGPU's first job says it
 * is compiling shaders (tens of seconds on the first use of each graph).
 */
import type { EngineEvent, ExecutionProvider } from '../../../workers/protocol';
import { formatDuration } from '../../lib/format';
import { jobEtaMs, type JobState } from '../../store/job-slice';

type Phase = Extract<EngineEvent, { type: 'loading' }>['phase'];

const PHASES: Record<Phase | 'starting', string> = {
  starting: 'Starting',
  'encoding-text': 'Reading the prompt',
  'encoding-reference': 'Reading the reference image',
  preparing: 'Preparing the first step',
};

export interface LabelContext {
  pack: 'idle' | 'loading' | 'done' | 'error';
  /** The execution provider running the pack, once loaded. */
  ep: ExecutionProvider | null;
  /** True until a job on this pack has reached its first step. */
  firstJob: boolean;
}

export function jobLabel(job: JobState, context: LabelContext): string {
  switch (job.status) {
    case 'idle':
      return context.pack === 'done'
        ? 'Ready'
        : context.pack === 'error'
          ? 'No model pack loaded: see the message above'
          : 'Ready when the pack is';
    case 'loading': {
      const phase = PHASES[job.phase as Phase | 'starting'] ?? 'Preparing';
      return context.ep === 'webgpu' && context.firstJob
        ? `${phase} · first run on WebGPU: compiling GPU shaders, this can take a minute`
        : phase;
    }
    case 'running': {
      const eta = jobEtaMs(job);
      return `Step ${job.step} of ${job.totalSteps}${eta === null ? '' : ` · ${formatDuration(eta)} left`}`;
    }
    case 'done':
      return `Done in ${formatDuration(job.totalMs)}`;
    case 'cancelled':
      return `Cancelled at step ${job.atStep}`;
    case 'error':
      return job.error.message;
  }
}
