import { describe, expect, it } from 'vitest';
import reference from '../../tools/fixtures/ddim_reference.json';
import { alphasCumprod, ddimPlan, ddimTimesteps, x0Coefficients, type SchedulerConfig } from './scheduler';

interface Case {
  config: SchedulerConfig & { steps: number };
  alphasCumprod: Record<string, number>;
  steps: {
    timestep: number;
    alphaBar: number;
    alphaBarPrev: number;
    x: number[];
    modelOutput: number[];
    prev: number[];
  }[];
}

const cases = reference as Case[];
const label = (c: Case) =>
  `${c.config.betaSchedule}/${c.config.timestepSpacing}/${c.config.prediction}/offset ${c.config.stepsOffset}/one ${c.config.setAlphaToOne}/${c.config.steps} steps`;

describe('DDIM scheduler against the diffusers transcription (tools/fixtures)', () => {
  for (const c of cases) {
    describe(label(c), () => {
      it('alphas_cumprod', () => {
        const ac = alphasCumprod(c.config);
        for (const [i, v] of Object.entries(c.alphasCumprod)) expect(ac[Number(i)]).toBeCloseTo(v, 12);
      });

      it('timesteps and alpha pairs', () => {
        const plan = ddimPlan(c.config, c.config.steps);
        expect(plan.map((s) => s.timestep)).toEqual(c.steps.map((s) => s.timestep));
        plan.forEach((s, i) => {
          expect(s.alphaBar).toBeCloseTo(c.steps[i]!.alphaBar, 12);
          expect(s.alphaBarPrev).toBeCloseTo(c.steps[i]!.alphaBarPrev, 12);
        });
      });

      it('x_prev = a·x + b·m matches the x0/ε formulation', () => {
        const plan = ddimPlan(c.config, c.config.steps);
        plan.forEach((s, i) => {
          const ref = c.steps[i]!;
          ref.x.forEach((x, j) => {
            const got = s.a * x + s.b * ref.modelOutput[j]!;
            expect(Math.abs(got - ref.prev[j]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.prev[j]!)) + 1e-9);
          });
        });
      });
    });
  }

  it('x̂₀ = a·x + b·m recovers the clean latent the model output implies (epsilon and v)', () => {
    const [x0, eps] = [0.7, -1.3];
    for (const alphaBar of [0.999, 0.5, 0.01]) {
      const [s, r] = [Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)];
      const x = s * x0 + r * eps;
      const e = x0Coefficients('epsilon', alphaBar);
      expect(e.a * x + e.b * eps).toBeCloseTo(x0, 9);
      const v = x0Coefficients('v_prediction', alphaBar);
      expect(v.a * x + v.b * (s * eps - r * x0)).toBeCloseTo(x0, 9);
    }
  });

  it('rejects step counts outside 1…T', () => {
    const cfg = cases[0]!.config;
    expect(() => ddimTimesteps(cfg, 0)).toThrow(RangeError);
    expect(() => ddimTimesteps(cfg, 1001)).toThrow(RangeError);
    expect(() => ddimTimesteps(cfg, 2.5)).toThrow(RangeError);
  });
});
