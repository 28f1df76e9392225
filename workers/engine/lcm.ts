/**
 * LCM sampling with diffusers' LCMScheduler semantics (scheduling_lcm.py), for packs whose UNet
 * has LCM-LoRA fused in (`scheduler.type` "lcm"):
 *
 *  - timesteps: the distillation schedule k·i − 1 (i = 1…originalSteps, k = ⌊T / originalSteps⌋),
 *    reversed, then the entries at ⌊linspace(0, originalSteps, steps, endpoint=False)⌋;
 *  - boundary condition: c_skip = σ²/((10t)² + σ²), c_out = 10t/√((10t)² + σ²), σ = 0.5
 *    (10 = `timestepScaling`);
 *  - denoised = c_out·x̂₀ + c_skip·x, with x̂₀ from the prediction type;
 *  - x_next = √ᾱ_next·denoised + √(1 − ᾱ_next)·z, z fresh N(0, 1) (ᾱ_next at the next timestep);
 *    the last step returns `denoised` itself (no noise).
 *
 * Like DDIM, everything but z is linear in (x, m), so a step is x_next = a·x + b·m + noise·z.
 */
import { alphasCumprod, x0Coefficients, type BetaConfig, type Prediction } from './scheduler';

export interface LcmConfig extends BetaConfig {
  type: 'lcm';
  prediction: Prediction;
  originalSteps: number;
  timestepScaling: number;
}

export interface LcmStep {
  timestep: number;
  alphaBar: number;
  /** ᾱ of the next timestep (this one on the last step, where it is unused). */
  alphaBarNext: number;
  /** x_next = a·x + b·m + noise·z */
  a: number;
  b: number;
  noise: number;
  /** denoised = a·x + b·m: the step's estimate of the clean latent (what the preview shows). */
  denoised: { a: number; b: number };
}

const SIGMA_DATA = 0.5;

export function lcmTimesteps(cfg: LcmConfig, steps: number): number[] {
  const original = cfg.originalSteps;
  if (original > cfg.trainTimesteps) throw new RangeError(`originalSteps ${original} exceeds ${cfg.trainTimesteps}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > original) {
    throw new RangeError(
      `steps must be an integer in 1…${original} (LCM takes its steps from a ${original}-step schedule)`,
    );
  }
  const k = Math.floor(cfg.trainTimesteps / original);
  // reversed origin schedule: entry j is k·(original − j) − 1
  return Array.from({ length: steps }, (_, j) => k * (original - Math.floor(j * (original / steps))) - 1);
}

export function boundaryScalings(timestep: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const t = timestep * timestepScaling;
  const d = t * t + SIGMA_DATA * SIGMA_DATA;
  return { cSkip: (SIGMA_DATA * SIGMA_DATA) / d, cOut: t / Math.sqrt(d) };
}

export function lcmPlan(cfg: LcmConfig, steps: number): LcmStep[] {
  const ac = alphasCumprod(cfg);
  const ts = lcmTimesteps(cfg, steps);
  return ts.map((timestep, i) => {
    const alphaBar = ac[timestep]!;
    const last = i === ts.length - 1;
    const alphaBarNext = last ? alphaBar : ac[ts[i + 1]!]!;
    const x0 = x0Coefficients(cfg.prediction, alphaBar);
    const { cSkip, cOut } = boundaryScalings(timestep, cfg.timestepScaling);
    const denoised = { a: cOut * x0.a + cSkip, b: cOut * x0.b };
    if (last) return { timestep, alphaBar, alphaBarNext, ...denoised, noise: 0, denoised };
    const s = Math.sqrt(alphaBarNext);
    return {
      timestep,
      alphaBar,
      alphaBarNext,
      a: s * denoised.a,
      b: s * denoised.b,
      noise: Math.sqrt(1 - alphaBarNext),
      denoised,
    };
  });
}
