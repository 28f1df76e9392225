/**
 * The pack's sampler as one plan of per-step scalars for the loop and the GPU step graph:
 * DDIM (scheduler.ts) or LCM (lcm.ts), chosen by `scheduler.type`. Every step is
 * x_next = a·x + b·m + noise·z (z fresh seeded N(0, 1); noise is 0 for DDIM), and its
 * preview shows the clean-latent estimate `preview.a·x + preview.b·m` (DDIM's x̂₀, LCM's
 * boundary-conditioned `denoised`).
 */
import { lcmPlan, type LcmConfig } from './lcm';
import { ddimPlan, x0Coefficients, type SchedulerConfig } from './scheduler';

export type AnySchedulerConfig = (SchedulerConfig & { type: 'ddim' }) | LcmConfig;

export interface SamplerStep {
  timestep: number;
  /** ᾱ at `timestep` (also fed to version 1's scoring blend). */
  alphaBar: number;
  a: number;
  b: number;
  noise: number;
  preview: { a: number; b: number };
}

export function samplerPlan(cfg: AnySchedulerConfig, steps: number): SamplerStep[] {
  if (cfg.type === 'lcm') {
    return lcmPlan(cfg, steps).map(({ timestep, alphaBar, a, b, noise, denoised }) => ({
      timestep,
      alphaBar,
      a,
      b,
      noise,
      preview: denoised,
    }));
  }
  return ddimPlan(cfg, steps).map(({ timestep, alphaBar, a, b }) => ({
    timestep,
    alphaBar,
    a,
    b,
    noise: 0,
    preview: x0Coefficients(cfg.prediction, alphaBar),
  }));
}

/** The most steps the sampler can take (LCM draws its steps from its `originalSteps` schedule). */
export function maxSteps(cfg: AnySchedulerConfig): number {
  return cfg.type === 'lcm' ? Math.min(cfg.originalSteps, cfg.trainTimesteps) : cfg.trainTimesteps;
}

/** Whether any step re-injects noise (the loop then draws it from the job's seeded stream). */
export function needsNoise(plan: readonly SamplerStep[]): boolean {
  return plan.some((s) => s.noise !== 0);
}
