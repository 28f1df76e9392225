/**
 * LCM against numbers computed from diffusers' scheduling_lcm.py, transcribed to numpy in
 * float64 (not from this TypeScript): SD-1.5's scaled-linear betas (0.00085…0.012, T = 1000),
 *   set_timesteps: k = T // 50; o = arange(1, 51)·k − 1, reversed; o[floor(linspace(0, 50, n, endpoint=False))]
 *   get_scalings_for_boundary_condition_discrete: t' = 10t; c_skip = 0.25/(t'² + 0.25); c_out = t'/√(t'² + 0.25)
 *   step: x0 = (x − √(1−ᾱ_t)·m)/√ᾱ_t (epsilon) or √ᾱ_t·x − √(1−ᾱ_t)·m (v);
 *         denoised = c_out·x0 + c_skip·x;
 *         prev = √ᾱ_prev·denoised + √(1−ᾱ_prev)·z, except on the last step (prev = denoised),
 *         ᾱ_prev at the next timestep of the schedule.
 * Each step below is applied to the same x = [0.3, −1.2, 2.0], m = [0.5, 0.1, −0.7], z = [1.1, −0.4, 0.25].
 */
import { describe, expect, it } from 'vitest';
import { boundaryScalings, lcmPlan, lcmTimesteps, type LcmConfig } from './lcm';
import { maxSteps, samplerPlan } from './sampler';
import { SD15_DDIM, SD15_LCM } from '../testing/pack-v2-fixture';

const SD15: LcmConfig = SD15_LCM;

const x = [0.3, -1.2, 2.0];
const m = [0.5, 0.1, -0.7];
const z = [1.1, -0.4, 0.25];

function expectRel(got: number, want: number, rel = 1e-9): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));
}

describe('LCM scheduler (diffusers LCMScheduler)', () => {
  it('timesteps come from the 50-step distillation schedule', () => {
    expect(lcmTimesteps(SD15, 1)).toEqual([999]);
    expect(lcmTimesteps(SD15, 2)).toEqual([999, 499]);
    expect(lcmTimesteps(SD15, 3)).toEqual([999, 679, 339]);
    expect(lcmTimesteps(SD15, 4)).toEqual([999, 759, 499, 259]);
    expect(lcmTimesteps(SD15, 6)).toEqual([999, 839, 679, 499, 339, 179]);
    expect(lcmTimesteps(SD15, 8)).toEqual([999, 879, 759, 639, 499, 379, 259, 139]);
    expect(lcmTimesteps(SD15, 50)).toEqual(Array.from({ length: 50 }, (_, i) => 999 - 20 * i));
  });

  it('refuses more steps than the original schedule has', () => {
    expect(() => lcmTimesteps(SD15, 51)).toThrow(RangeError);
    expect(() => lcmTimesteps(SD15, 0)).toThrow(RangeError);
    expect(() => lcmTimesteps(SD15, 2.5)).toThrow(RangeError);
    expect(maxSteps(SD15)).toBe(50);
  });

  it('boundary-condition scalings', () => {
    const cases: [number, number, number][] = [
      [999, 2.5050075037374525e-9, 0.9999999987474963],
      [259, 3.726837564778493e-8, 0.999999981365812],
      [19, 6.92515979806234e-6, 0.9999965374141062],
      [0, 1, 0],
    ];
    for (const [t, cSkip, cOut] of cases) {
      const s = boundaryScalings(t, 10);
      expectRel(s.cSkip, cSkip, 1e-12);
      expectRel(s.cOut, cOut, 1e-12);
    }
  });

  it('4 steps, epsilon: ᾱ pairs, denoised and the noised next sample', () => {
    const want = [
      {
        t: 999,
        alphaBar: 0.004660098513077238,
        alphaBarNext: 0.05221292829431006,
        denoised: [-2.9126765469109124, -19.04004035551672, 39.527875905076534],
        prev: [0.405347006750725, -4.740094906736662, 9.275564203772362],
      },
      {
        t: 759,
        alphaBar: 0.05221292829431006,
        alphaBarNext: 0.27766965045646763,
        denoised: [-0.8173766665373998, -5.677662704008707, 11.735068156245196],
        prev: [0.5041787444766167, -3.331768605091202, 6.396195144607652],
      },
      {
        t: 499,
        alphaBar: 0.27766965045646763,
        alphaBarNext: 0.658975526890813,
        denoised: [-0.2371222968952849, -2.4385718034537502, 4.924492305066698],
        prev: [0.44988081155783766, -2.2131561367649892, 4.143563517932126],
      },
      {
        t: 259,
        alphaBar: 0.658975526890813,
        alphaBarNext: 0.658975526890813,
        denoised: [0.009871607689669007, -1.5501836052504128, 2.967308465764463],
        prev: [0.009871607689669007, -1.5501836052504128, 2.967308465764463], // last: no noise
      },
    ];
    const plan = lcmPlan(SD15, 4);
    expect(plan.map((s) => s.timestep)).toEqual(want.map((w) => w.t));
    plan.forEach((s, i) => {
      const w = want[i]!;
      expectRel(s.alphaBar, w.alphaBar, 1e-12);
      expectRel(s.alphaBarNext, w.alphaBarNext, 1e-12);
      x.forEach((xj, j) => {
        expectRel(s.denoised.a * xj + s.denoised.b * m[j]!, w.denoised[j]!);
        expectRel(s.a * xj + s.b * m[j]! + s.noise * z[j]!, w.prev[j]!);
      });
    });
    expect(plan[3]!.noise).toBe(0);
  });

  it('2 steps, v-prediction', () => {
    const want = [
      [0.6828245253361576, -0.43569764512799924, 0.6524186980908542],
      [-0.26686698908777784, -0.717322454174564, 1.648817527884762],
    ];
    lcmPlan({ ...SD15, prediction: 'v_prediction' }, 2).forEach((s, i) => {
      x.forEach((xj, j) => expectRel(s.a * xj + s.b * m[j]! + s.noise * z[j]!, want[i]![j]!));
    });
  });

  it("the sampler plan previews LCM's denoised estimate and DDIM's x̂₀, with noise only for LCM", () => {
    const lcm = samplerPlan(SD15, 4);
    expect(lcm.map((s) => s.noise > 0)).toEqual([true, true, true, false]);
    expect(lcm[0]!.preview).toEqual(lcmPlan(SD15, 4)[0]!.denoised);
    const ddim = samplerPlan(SD15_DDIM, 4);
    expect(ddim.map((s) => s.timestep)).toEqual([751, 501, 251, 1]);
    expect(ddim.every((s) => s.noise === 0)).toBe(true);
    // x̂₀ recovers x0 from x = √ᾱ·x0 + √(1−ᾱ)·ε with m = ε
    const s = ddim[1]!;
    const xt = Math.sqrt(s.alphaBar) * 0.7 + Math.sqrt(1 - s.alphaBar) * -1.3;
    expectRel(s.preview.a * xt + s.preview.b * -1.3, 0.7);
  });
});
