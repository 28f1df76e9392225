import { describe, expect, it } from 'vitest';
import { PARAM_RANGES, type Params } from '../../workers/protocol';
import { MAX_STEPS, PARAM_RULES, paramsFromSearch, sanitizeParams } from './params-sanitize';

const DEFAULTS: Params = {
  mode: 'realcustom',
  steps: 4,
  guidanceText: 7.5,
  guidanceImage: 12.5,
  gammaScope: 0.25,
  gammaNum: 0.8,
  maskReuseStep: 2,
  globalScale: 0.6,
  seed: 1,
  previewEvery: 1,
  binaryMask: false,
  scoring: true,
};

function allFinite(p: Params): boolean {
  return Object.values(p).every((v) => typeof v !== 'number' || Number.isFinite(v));
}

describe('sanitizeParams', () => {
  it('names the on/off parameters by label, never by code name', () => {
    const { problems } = sanitizeParams({ binaryMask: 'maybe', scoring: 'often' }, DEFAULTS);
    expect(problems).toEqual([
      'Binary mask must be on or off (got ‘maybe’); using off.',
      'Mask scoring must be on or off (got ‘often’); using on.',
    ]);
  });

  it('keeps good values and reports nothing', () => {
    const { params, problems } = sanitizeParams({ steps: 10, seed: 42, gammaScope: 1 }, DEFAULTS);
    expect(problems).toEqual([]);
    expect(params).toEqual({ ...DEFAULTS, steps: 10, seed: 42, gammaScope: 1 });
  });

  it('absent keys take the defaults silently', () => {
    expect(sanitizeParams({}, DEFAULTS)).toEqual({ params: DEFAULTS, problems: [] });
  });

  it.each([
    ['steps', Number.NaN, 4, /Steps must be a number/],
    ['steps', Number.POSITIVE_INFINITY, 4, /Steps must be a number/],
    ['steps', 'abc', 4, /Steps must be a number \(got ‘abc’\)/],
    ['steps', -5, 1, /Steps must be 1…200/],
    ['steps', 1e9, MAX_STEPS, /Steps must be 1…200/],
    ['steps', 7.6, 8, /whole number/],
    ['gammaScope', 0, 0.01, /γ_scope must be above 0 up to 1/],
    ['gammaScope', 1.5, 1, /γ_scope/],
    ['gammaNum', -1, 0.01, /γ_num/],
    ['seed', 2 ** 40, 0xffffffff, /Seed must be 0…4294967295/],
    ['seed', -1, 0, /Seed/],
    ['guidanceText', null, 7.5, /must be a number \(got null\)/],
    ['guidanceImage', {}, 12.5, /must be a number/],
    ['previewEvery', 0, 1, /Preview cadence/],
  ])('%s = %s → %s with a message', (key, raw, expected, message) => {
    const { params, problems } = sanitizeParams({ [key]: raw }, DEFAULTS);
    expect(params[key as keyof Params]).toBe(expected);
    expect(problems[0]).toMatch(message);
    // Only the follow-on of a clamped step count may add a second line.
    expect(problems.slice(1).every((p) => p.includes('past the last step'))).toBe(true);
    expect(allFinite(params)).toBe(true);
  });

  it('accepts numeric strings (a URL carries strings)', () => {
    const { params, problems } = sanitizeParams({ steps: ' 12 ', guidanceText: '3.5' }, DEFAULTS);
    expect(problems).toEqual([]);
    expect(params.steps).toBe(12);
    expect(params.guidanceText).toBe(3.5);
  });

  it('refuses an unknown mode and a non-boolean flag', () => {
    const { params, problems } = sanitizeParams({ mode: 'turbo', binaryMask: 'maybe', scoring: 'false' }, DEFAULTS);
    expect(params.mode).toBe('realcustom');
    expect(params.binaryMask).toBe(false);
    expect(params.scoring).toBe(false);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/Mode ‘turbo’ is unknown/);
  });

  it('keeps the mask reuse step inside the run', () => {
    const { params, problems } = sanitizeParams({ steps: 3, maskReuseStep: 10 }, DEFAULTS);
    expect(params.maskReuseStep).toBe(3);
    expect(problems[0]).toMatch(/past the last step/);
  });

  it('one message per problem, never NaN', () => {
    const raw = { steps: 'x', seed: Number.NaN, gammaScope: -2, gammaNum: Infinity, globalScale: '1e999' };
    const { params, problems } = sanitizeParams(raw, DEFAULTS);
    expect(problems).toHaveLength(5);
    expect(allFinite(params)).toBe(true);
  });

  it('repairs broken defaults too (a malformed pack cannot put NaN in the loop)', () => {
    const { params } = sanitizeParams({}, { ...DEFAULTS, steps: Number.NaN });
    expect(params.steps).toBe(1);
  });
});

describe('paramsFromSearch', () => {
  it('reads known keys from a shared link and ignores others', () => {
    const { params, problems } = paramsFromSearch('?ep=wasm&steps=6&seed=99&gammaScope=NaN', DEFAULTS);
    expect(params.steps).toBe(6);
    expect(params.seed).toBe(99);
    expect(params.gammaScope).toBe(0.25);
    expect(problems).toEqual(['Mask scope γ_scope must be a number (got ‘NaN’); using 0.25.']);
  });
});

describe('the page limits', () => {
  it('sit inside the engine ranges, for every numeric parameter', () => {
    expect(PARAM_RULES.map((r) => r.key)).toEqual(PARAM_RANGES.map((r) => r.key));
    for (const page of PARAM_RULES) {
      const engine = PARAM_RANGES.find((r) => r.key === page.key)!;
      expect(page.min, page.key).toBeGreaterThanOrEqual(engine.min);
      expect(page.max, page.key).toBeLessThanOrEqual(engine.max);
      if (page.min === engine.min) expect(page.minInclusive || !engine.minInclusive, page.key).toBe(true);
      if (!page.minInclusive) expect(page.min + 0.01, page.key).toBeLessThanOrEqual(page.max); // the clamp floor
      expect(page.integer || !engine.integer, page.key).toBe(true);
    }
  });
});
