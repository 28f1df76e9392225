/**
 * Job validation at the engine's door: anything a person could type wrong becomes a
 * BadInput error with a sentence that says what to fix, before any tensor is made.
 */
import { EngineError } from '../errors';
import {
  PARAM_RANGES,
  type Job,
  type Mode,
  type ParamRange,
  type Params,
  type PromptAnalysis,
  type Rgba,
} from '../protocol';
import type { PromptTokenizer } from './tokenizer';

function bad(message: string): EngineError {
  return new EngineError('BadInput', message);
}

/** The shared table, with the step counts capped by the pack's sampler (scheduler.ts: maxSteps). */
function rules(maxSteps: number): ParamRange[] {
  return PARAM_RANGES.map((r) =>
    r.key === 'steps' || r.key === 'maskReuseStep' ? { ...r, max: Math.min(r.max, maxSteps) } : r,
  );
}

export function validateParams(params: Params, modes: readonly Mode[], maxSteps: number): void {
  if (!modes.includes(params.mode)) {
    throw bad(`Mode ‘${String(params.mode)}’ is not available with this pack (available: ${modes.join(', ')}).`);
  }
  for (const r of rules(maxSteps)) {
    const v: unknown = params[r.key];
    const range = `${r.minInclusive ? '' : 'above '}${r.min}…${r.max}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${r.label} must be a number (got ${String(v)}).`);
    if (r.integer && !Number.isInteger(v)) throw bad(`${r.label} must be a whole number (got ${v}).`);
    if (v > r.max || v < r.min || (!r.minInclusive && v === r.min))
      throw bad(`${r.label} must be in ${range} (got ${v}).`);
  }
  for (const key of ['binaryMask', 'scoring'] as const) {
    if (typeof params[key] !== 'boolean') throw bad(`${key} must be true or false.`);
  }
}

function validateReference(ref: Rgba | null, mode: Mode): void {
  if (mode === 'text') return;
  if (ref === null) throw bad(`Mode ‘${mode}’ needs a reference image; upload one or switch to ‘text’.`);
  const { width, height, data } = ref;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw bad(`The reference image has an invalid size ${width}×${height}.`);
  }
  if (!(data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw bad('The reference image data does not match its size (expected RGBA bytes).');
  }
}

/** Throws BadInput; returns the prompt analysis the run uses. */
export function validateJob(
  job: Job,
  tokenizer: PromptTokenizer,
  modes: readonly Mode[],
  maxSteps: number,
): PromptAnalysis {
  if (typeof job.prompt !== 'string' || typeof job.targetWord !== 'string')
    throw bad('The prompt and the target word must be text.');
  validateParams(job.params, modes, maxSteps);
  validateReference(job.reference, job.params.mode);
  if (job.targetIndex !== undefined && !Number.isInteger(job.targetIndex))
    throw bad('The target word position must be a whole number.');
  const analysis = tokenizer.analyze(job.prompt, job.targetWord, job.targetIndex);
  if (analysis.tokens.length === 0) throw bad('The prompt is empty.');
  const needsTarget = job.params.mode === 'realcustom' || job.params.mode === 'masked-global';
  if (needsTarget) {
    if (analysis.targetPositions.length === 0) {
      // The analysis already explains why (absent, cut, no word chosen).
      throw bad(
        analysis.problems.find((p) => p.startsWith('‘') || p.startsWith('Choose')) ??
          'The target word is not in the prompt.',
      );
    }
    const unknown = analysis.targetPositions.map((p) => analysis.tokens[p - 1]!).filter((t) => !t.known);
    if (unknown.length > 0)
      throw bad(`‘${unknown.map((t) => t.text).join(' ')}’ is unknown to this pack; pick a word it knows.`);
  }
  return analysis;
}
