/**
 * Parameters from outside (the form, a shared URL, saved settings) → a Params the engine
 * accepts. Every value that is missing, not a number, not finite or out of range is
 * replaced (by the default) or clamped (to the nearest allowed value), with one sentence
 * per problem so the page can say what changed. NaN never reaches the loop.
 *
 * The ranges mirror workers/engine/validate.ts (the engine's own door check); steps are
 * capped lower here (200) because more steps than that is never what a person meant.
 */
import { MODES, type Params } from '../../workers/protocol';

interface NumberRule {
  key: Exclude<keyof Params, 'mode' | 'binaryMask' | 'scoring'>;
  label: string;
  min: number;
  max: number;
  /** false: `min` itself is not allowed (γ in (0, 1]); clamps to `minStep` above it. */
  minInclusive: boolean;
  integer: boolean;
}

export const MAX_STEPS = 200;
/** The smallest value an exclusive-min parameter is clamped to. */
const EXCLUSIVE_MIN_FLOOR = 0.01;

export const PARAM_RULES: readonly NumberRule[] = [
  { key: 'steps', label: 'Steps', min: 1, max: MAX_STEPS, minInclusive: true, integer: true },
  { key: 'guidanceText', label: 'Text guidance ω_t', min: 0, max: 100, minInclusive: true, integer: false },
  { key: 'guidanceImage', label: 'Image guidance ω_i', min: 0, max: 100, minInclusive: true, integer: false },
  { key: 'gammaScope', label: 'Mask scope γ_scope', min: 0, max: 1, minInclusive: false, integer: false },
  { key: 'gammaNum', label: 'Token fraction γ_num', min: 0, max: 1, minInclusive: false, integer: false },
  { key: 'maskReuseStep', label: 'Mask reuse step', min: 0, max: MAX_STEPS, minInclusive: true, integer: true },
  { key: 'globalScale', label: 'Global scale λ', min: 0, max: 10, minInclusive: true, integer: false },
  { key: 'seed', label: 'Seed', min: 0, max: 0xffffffff, minInclusive: true, integer: true },
  { key: 'previewEvery', label: 'Preview cadence', min: 1, max: 1000, minInclusive: true, integer: true },
];

/** A number from a number or a numeric string ("12", " 0.5 "); NaN for anything else. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
  return Number.NaN;
}

function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `‘${value.length > 24 ? `${value.slice(0, 24)}…` : value}’`;
  return String(value);
}

function sanitizeNumber(rule: NumberRule, raw: unknown, fallback: number, problems: string[]): number {
  const n = toNumber(raw);
  if (!Number.isFinite(n)) {
    problems.push(`${rule.label} must be a number (got ${describe(raw)}); using ${fallback}.`);
    return fallback;
  }
  let v = rule.integer ? Math.round(n) : n;
  const lowest = rule.minInclusive ? rule.min : rule.min + EXCLUSIVE_MIN_FLOOR;
  if (v > rule.max || v < lowest) {
    v = Math.min(rule.max, Math.max(lowest, v));
    const range = rule.minInclusive ? `${rule.min}…${rule.max}` : `above ${rule.min} up to ${rule.max}`;
    problems.push(`${rule.label} must be ${range} (got ${describe(raw)}); using ${v}.`);
  } else if (rule.integer && v !== n) {
    problems.push(`${rule.label} must be a whole number (got ${describe(raw)}); using ${v}.`);
  }
  return v;
}

/**
 * Keys absent from `raw` take the default silently; keys present but wrong are fixed and
 * reported. Unknown keys are ignored (a URL may carry other parameters).
 */
export function sanitizeParams(raw: Record<string, unknown>, defaults: Params): { params: Params; problems: string[] } {
  const problems: string[] = [];
  const params: Params = { ...defaults };
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(raw, key) && raw[key] !== undefined;

  if (has('mode')) {
    const mode = MODES.find((m) => m === raw.mode);
    if (mode) params.mode = mode;
    else problems.push(`Mode ${describe(raw.mode)} is unknown (choose ${MODES.join(', ')}); using ${defaults.mode}.`);
  }
  for (const rule of PARAM_RULES) {
    const fallback = sanitizeNumber(rule, defaults[rule.key], rule.min, []);
    params[rule.key] = has(rule.key) ? sanitizeNumber(rule, raw[rule.key], fallback, problems) : fallback;
  }
  for (const key of ['binaryMask', 'scoring'] as const) {
    if (!has(key)) continue;
    const b = toBoolean(raw[key]);
    if (b === null) problems.push(`${key} must be true or false (got ${describe(raw[key])}); using ${defaults[key]}.`);
    else params[key] = b;
  }
  if (params.maskReuseStep > params.steps) {
    problems.push(`Mask reuse step ${params.maskReuseStep} is past the last step; using ${params.steps}.`);
    params.maskReuseStep = params.steps;
  }
  return { params, problems };
}

/** Reads params from URL search parameters (`?steps=20&seed=7`), for a shared link. */
export function paramsFromSearch(search: string, defaults: Params): { params: Params; problems: string[] } {
  const raw: Record<string, unknown> = {};
  const query = new URLSearchParams(search);
  const keys: readonly string[] = ['mode', 'binaryMask', 'scoring', ...PARAM_RULES.map((r) => r.key)];
  for (const key of keys) {
    const value = query.get(key);
    if (value !== null) raw[key] = value;
  }
  return sanitizeParams(raw, defaults);
}
