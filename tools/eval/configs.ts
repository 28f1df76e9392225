/**
 * What the evaluation runs: the methods of the comparison and the ablations on realcustom.
 * Each config is pack defaults + overrides; configs whose final Params coincide (e.g. an
 * ablation value equal to the pack default) are run once and shared (`aliasOf`).
 */
import type { Params } from '../../workers/protocol';

export interface EvalConfig {
  key: string;
  label: string;
  group: 'method' | 'ablation';
  /** Ablation family, for the tables (e.g. "γ_scope"). */
  family: string;
  over: Partial<Params>;
}

export const GLOBAL_SCALES = [0.3, 0.5, 0.7, 1.0] as const;
export const GAMMA_SCOPES = [0.1, 0.25, 0.4, 0.6] as const;
export const GAMMA_NUMS = [0.3, 0.8, 1.0] as const;

export function evalConfigs(): EvalConfig[] {
  const m = (key: string, label: string, over: Partial<Params>): EvalConfig => ({
    key,
    label,
    group: 'method',
    family: 'method',
    over,
  });
  const a = (family: string, key: string, label: string, over: Partial<Params>): EvalConfig => ({
    key,
    label,
    group: 'ablation',
    family,
    over: { mode: 'realcustom', ...over },
  });
  return [
    m('realcustom', 'RealCustom', { mode: 'realcustom' }),
    ...GLOBAL_SCALES.map((s) => m(`global-${s}`, `global λ=${s}`, { mode: 'global', globalScale: s })),
    // At the strongest global λ, so the comparison with global λ=1 isolates the mask.
    m('masked-global', 'masked-global λ=1', { mode: 'masked-global', globalScale: 1 }),
    m('text', 'text only', { mode: 'text' }),
    ...GAMMA_SCOPES.map((g) => a('γ_scope', `rc-scope-${g}`, `γ_scope=${g}`, { gammaScope: g })),
    a('mask', 'rc-continuous', 'continuous mask', { binaryMask: false }),
    a('mask', 'rc-binary', 'binary mask', { binaryMask: true }),
    a('mask', 'rc-no-mask', 'no mask guidance (mask = all ones)', { gammaScope: 1, binaryMask: true }),
    a('scoring', 'rc-scoring', 'scoring on', { scoring: true }),
    a('scoring', 'rc-no-scoring', 'no scoring module', { scoring: false }),
    ...GAMMA_NUMS.map((g) => a('γ_num', `rc-num-${g}`, `γ_num=${g}`, { gammaNum: g })),
    a('mask reuse', 'rc-reuse-on', 'mask reuse on (pack default step)', {}),
    a('mask reuse', 'rc-reuse-off', 'mask reuse off', { maskReuseStep: 0 }),
  ];
}

export interface ResolvedConfig extends EvalConfig {
  params: Params;
  /** Key of the earlier config with identical Params, whose outputs this one shares. */
  aliasOf: string | null;
}

/** Pack defaults + the run's step count + overrides; identical Params share one run. */
export function resolveConfigs(defaults: Params, steps: number, configs = evalConfigs()): ResolvedConfig[] {
  const seen = new Map<string, string>();
  return configs.map((c) => {
    const params: Params = { ...defaults, steps, previewEvery: steps, ...c.over };
    // "mask reuse on" needs a freeze step even where the pack's default never freezes.
    // (and within the run: a freeze step ≥ steps never freezes).
    if (c.key === 'rc-reuse-on' && (params.maskReuseStep === 0 || params.maskReuseStep >= steps)) {
      params.maskReuseStep = Math.max(1, Math.round(steps * 0.3));
    }
    const id = JSON.stringify(Object.entries(params).sort(([x], [y]) => (x < y ? -1 : 1)));
    const aliasOf = seen.get(id) ?? null;
    if (aliasOf === null) seen.set(id, c.key);
    return { ...c, params, aliasOf };
  });
}
