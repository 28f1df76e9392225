/**
 * Job validation at the engine's door: anything a person could type wrong becomes a
 * BadInput error with a sentence that says what to fix, before any tensor is made.
 */
import { EngineError } from '../errors';
import type { Job, Mode, Params, PromptAnalysis, Rgba } from '../protocol';
import type { WordTokenizer } from './tokenizer';

function bad(message: string): EngineError {
  return new EngineError('BadInput', message);
}

interface NumberRule {
  key: keyof Params;
  label: string;
  min: number;
  max: number;
  /** Whether min itself is allowed. */
  minInclusive: boolean;
  integer: boolean;
}

function rules(trainTimesteps: number): NumberRule[] {
  return [
    { key: 'steps', label: 'Steps', min: 1, max: trainTimesteps, minInclusive: true, integer: true },
    { key: 'guidanceText', label: 'Text guidance ω_t', min: 0, max: 100, minInclusive: true, integer: false },
    { key: 'guidanceImage', label: 'Image guidance ω_i', min: 0, max: 100, minInclusive: true, integer: false },
    { key: 'gammaScope', label: 'Mask scope γ_scope', min: 0, max: 1, minInclusive: false, integer: false },
    { key: 'gammaNum', label: 'Token fraction γ_num', min: 0, max: 1, minInclusive: false, integer: false },
    { key: 'maskReuseStep', label: 'Mask reuse step', min: 0, max: trainTimesteps, minInclusive: true, integer: true },
    { key: 'globalScale', label: 'Global scale λ', min: 0, max: 10, minInclusive: true, integer: false },
    { key: 'seed', label: 'Seed', min: 0, max: 0xffffffff, minInclusive: true, integer: true },
    { key: 'previewEvery', label: 'Preview cadence', min: 1, max: 1_000_000, minInclusive: true, integer: true },
  ];
}

export function validateParams(params: Params, modes: readonly Mode[], trainTimesteps: number): void {
  if (!modes.includes(params.mode)) {
    throw bad(`Mode ‘${String(params.mode)}’ is not available with this pack (available: ${modes.join(', ')}).`);
  }
  for (const r of rules(trainTimesteps)) {
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
  tokenizer: WordTokenizer,
  modes: readonly Mode[],
  trainTimesteps: number,
): PromptAnalysis {
  if (typeof job.prompt !== 'string' || typeof job.targetWord !== 'string')
    throw bad('The prompt and the target word must be text.');
  validateParams(job.params, modes, trainTimesteps);
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
