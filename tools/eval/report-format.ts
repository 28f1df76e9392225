/** Number formats and look-ups shared by the report's markdown, verdicts and plot. */
import type { MeanCI } from './metrics';
import type { ConfigResult, EvalResult } from './run';

export const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
export const ci = (m: MeanCI | undefined) => (m === undefined ? '–' : `${f3(m.mean)} [${f3(m.lo)}, ${f3(m.hi)}]`);
export const signed = (m: MeanCI | null) =>
  m === null ? '–' : `${m.mean >= 0 ? '+' : ''}${f3(m.mean)} [${f3(m.lo)}, ${f3(m.hi)}]`;

export function get(res: EvalResult, key: string): ConfigResult | undefined {
  return res.configs.find((c) => c.config.key === key);
}
