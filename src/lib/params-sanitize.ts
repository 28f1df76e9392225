/**
 * Parameters from outside (the form, a shared URL, saved settings) → a Params the engine
 * accepts. Every value that is missing, not a number, not finite or out of range is
 * replaced (by the default) or clamped (to the nearest allowed value), with one sentence
 * per problem so the page can say what changed. NaN never reaches the loop.
 *
 * The ranges are the engine's (PARAM_RANGES in workers/protocol.ts), a few narrowed here:
 * more than 200 steps, or a preview rarer than every 1,000 steps, is never what a person
 * meant. params-sanitize.test.ts checks that every page range sits inside the engine's.
 */
import { MODES, PARAM_RANGES, type NumericParam, type Params, type ParamRange } from '../../workers/protocol';

export const MAX_STEPS = 200;
/** The smallest value an exclusive-min parameter is clamped to. */
const EXCLUSIVE_MIN_FLOOR = 0.01;

/** Where the page is stricter than the engine. */
const PAGE_MAX: Partial<Record<NumericParam, number>> = {
  steps: MAX_STEPS,
  maskReuseStep: MAX_STEPS,
  previewEvery: 1000,
};

export const PARAM_RULES: readonly ParamRange[] = PARAM_RANGES.map((r) => ({ ...r, max: PAGE_MAX[r.key] ?? r.max }));

/** The on/off parameters in words (a message never shows a code name such as `binaryMask`). */
const BOOLEAN_LABELS = [
  ['binaryMask', 'Binary mask'],
  ['scoring', 'Mask scoring'],
] as const;

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

function sanitizeNumber(rule: ParamRange, raw: unknown, fallback: number, problems: string[]): number {
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
  for (const [key, label] of BOOLEAN_LABELS) {
    if (!has(key)) continue;
    const b = toBoolean(raw[key]);
    if (b === null)
      problems.push(`${label} must be on or off (got ${describe(raw[key])}); using ${defaults[key] ? 'on' : 'off'}.`);
    else params[key] = b;
  }
  if (params.maskReuseStep > params.steps) {
    problems.push(`Mask reuse step ${params.maskReuseStep} is past the last step; moved to step ${params.steps}.`);
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
