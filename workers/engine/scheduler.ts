/**
 * DDIM (eta = 0) with diffusers' DDIMScheduler semantics: beta schedules, `leading` and
 * `trailing` spacing, `stepsOffset`, `setAlphaToOne`, epsilon and v prediction. No sample
 * clipping (latent diffusion configs turn it off; the pack contract has no such field).
 *
 * The update is linear in the current latent x and the guided model output m, so each step
 * reduces to two scalars, x_prev = a·x + b·m, which the GPU step graph consumes.
 */

/** The training noise schedule (shared by DDIM and LCM, lcm.ts). */
export interface BetaConfig {
  trainTimesteps: number;
  betaSchedule: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
  betaStart: number;
  betaEnd: number;
}

export type Prediction = 'epsilon' | 'v_prediction';

export interface SchedulerConfig extends BetaConfig {
  prediction: Prediction;
  timestepSpacing: 'leading' | 'trailing';
  stepsOffset: number;
  setAlphaToOne: boolean;
}

export interface DdimStep {
  timestep: number;
  /** ᾱ at `timestep` (also fed to the UNet's scoring blend). */
  alphaBar: number;
  alphaBarPrev: number;
  /** x_prev = a·x + b·modelOutput */
  a: number;
  b: number;
}

function linspace(start: number, end: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + ((end - start) * i) / (n - 1));
}

function betas(cfg: BetaConfig): number[] {
  const n = cfg.trainTimesteps;
  switch (cfg.betaSchedule) {
    case 'linear':
      return linspace(cfg.betaStart, cfg.betaEnd, n);
    case 'scaled_linear':
      return linspace(Math.sqrt(cfg.betaStart), Math.sqrt(cfg.betaEnd), n).map((b) => b * b);
    case 'squaredcos_cap_v2': {
      const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      return Array.from({ length: n }, (_, i) => Math.min(1 - f((i + 1) / n) / f(i / n), 0.999));
    }
  }
}

export function alphasCumprod(cfg: BetaConfig): Float64Array {
  const out = new Float64Array(cfg.trainTimesteps);
  let acc = 1;
  betas(cfg).forEach((beta, i) => {
    acc *= 1 - beta;
    out[i] = acc;
  });
  return out;
}

export function ddimTimesteps(cfg: SchedulerConfig, steps: number): number[] {
  const T = cfg.trainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new RangeError(`steps must be an integer in 1…${T}`);
  }
  if (cfg.timestepSpacing === 'leading') {
    const ratio = Math.floor(T / steps);
    return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + cfg.stepsOffset);
  }
  // trailing: round(arange(T, 0, -T/steps)) - 1, no offset (as diffusers).
  const ratio = T / steps;
  return Array.from({ length: steps }, (_, i) => roundHalfEven(T - i * ratio) - 1);
}

/** numpy's np.round rounds halves to even; trailing spacing hits exact halves (e.g. T/8). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function ddimPlan(cfg: SchedulerConfig, steps: number): DdimStep[] {
  const ac = alphasCumprod(cfg);
  const final = cfg.setAlphaToOne ? 1 : ac[0]!;
  // diffusers steps back by the integer ratio even with trailing spacing.
  const stride = Math.floor(cfg.trainTimesteps / steps);
  return ddimTimesteps(cfg, steps).map((timestep) => {
    const alphaBar = ac[timestep]!;
    const prev = timestep - stride;
    const alphaBarPrev = prev >= 0 ? ac[prev]! : final;
    return { timestep, alphaBar, alphaBarPrev, ...updateCoefficients(cfg.prediction, alphaBar, alphaBarPrev) };
  });
}

/**
 * x0 and ε from (x, m), then x_prev = √ᾱp·x0 + √(1−ᾱp)·ε, collected into a·x + b·m.
 * epsilon: x0 = (x − √(1−ᾱ)m)/√ᾱ, ε = m.   v: x0 = √ᾱx − √(1−ᾱ)m, ε = √ᾱm + √(1−ᾱ)x.
 */
export function updateCoefficients(
  prediction: Prediction,
  alphaBar: number,
  alphaBarPrev: number,
): { a: number; b: number } {
  const s = Math.sqrt(alphaBar);
  const r = Math.sqrt(1 - alphaBar);
  const sp = Math.sqrt(alphaBarPrev);
  const rp = Math.sqrt(1 - alphaBarPrev);
  if (prediction === 'epsilon') return { a: sp / s, b: rp - (sp * r) / s };
  return { a: sp * s + rp * r, b: rp * s - sp * r };
}

/**
 * The model's estimate of the clean latent at this step, x̂₀ = a·x + b·modelOutput: the
 * update towards ᾱ = 1. The live preview decodes it, so a picture forms from the first
 * steps instead of decoded noise.
 */
export function x0Coefficients(prediction: Prediction, alphaBar: number): { a: number; b: number } {
  return updateCoefficients(prediction, alphaBar, 1);
}
