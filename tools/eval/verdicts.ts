/**
 * The report's verdicts on the paper's claims: each claim's paired difference and whether
 * its confidence interval agrees, disagrees or cannot tell.
 */
import type { MeanCI } from './metrics';
import { ci, f3, get, signed } from './report-format';
import type { ConfigResult, EvalResult } from './run';
import { pairedVs } from './score';

type Verdict = 'agrees' | 'disagrees' | 'inconclusive';
function verdictOf(d: MeanCI | null, better: 'higher' | 'lower'): Verdict {
  if (d === null || !Number.isFinite(d.lo) || !Number.isFinite(d.hi)) return 'inconclusive';
  if (d.lo > 0) return better === 'higher' ? 'agrees' : 'disagrees';
  if (d.hi < 0) return better === 'lower' ? 'agrees' : 'disagrees';
  return 'inconclusive';
}

/** Text fidelity of the global curve at a given likeness (piecewise linear over λ), if inside its range. */
function globalAt(globals: ConfigResult[], likeness: number): number | null {
  const pts = globals
    .map((g) => [g.summary.likeness!.mean, g.summary.textFidelity?.mean ?? NaN] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 0; i + 1 < pts.length; i++) {
    const [x0, y0] = pts[i]!;
    const [x1, y1] = pts[i + 1]!;
    if (likeness >= x0 && likeness <= x1)
      return x1 === x0 ? (y0 + y1) / 2 : y0 + ((likeness - x0) / (x1 - x0)) * (y1 - y0);
  }
  return null;
}

export function claims(res: EvalResult): string[] {
  const out: string[] = [];
  const rc = get(res, 'realcustom');
  if (rc === undefined) return ['RealCustom did not run.'];
  const globals = res.configs.filter((c) => c.config.key.startsWith('global-'));
  const line = (claim: string, v: Verdict, evidence: string) =>
    out.push(`- **${v.toUpperCase()}** — ${claim}: ${evidence}`);
  if (globals.length > 0 && rc.summary.textFidelity !== undefined) {
    const at = globalAt(globals, rc.summary.likeness!.mean);
    const nearest = [...globals].sort(
      (a, b) =>
        Math.abs(a.summary.likeness!.mean - rc.summary.likeness!.mean) -
        Math.abs(b.summary.likeness!.mean - rc.summary.likeness!.mean),
    )[0]!;
    const d = pairedVs(rc.scores, nearest.scores, 'textFidelity');
    const dl = pairedVs(rc.scores, nearest.scores, 'likeness');
    line(
      'at equal likeness, RealCustom keeps the rest of the prompt better than a global image branch',
      verdictOf(d, 'higher'),
      `RealCustom text fidelity ${ci(rc.summary.textFidelity)} at likeness ${f3(rc.summary.likeness!.mean)}; ` +
        `nearest-likeness global (${nearest.config.label}, likeness ${f3(nearest.summary.likeness!.mean)}, paired Δlikeness ${signed(dl)}) ` +
        `${ci(nearest.summary.textFidelity)}, paired Δ text fidelity ${signed(d)}` +
        (at === null
          ? '; RealCustom’s likeness lies outside the global curve’s range, so there is no exact equal-likeness point'
          : `; the global curve interpolated at RealCustom’s likeness gives ${f3(at)}`) +
        '.',
    );
  }
  for (const g of globals) {
    const d = pairedVs(rc.scores, g.scores, 'leakage');
    line(
      `RealCustom leaks less than ${g.config.label}`,
      verdictOf(d, 'lower'),
      `paired Δ leakage (RealCustom − global) ${signed(d)}.`,
    );
  }
  const mg = get(res, 'masked-global');
  const g1 = get(res, `global-${mg?.config.params.globalScale ?? 1}`);
  if (mg !== undefined && g1 !== undefined) {
    const d = pairedVs(mg.scores, g1.scores, 'leakage');
    const dt = pairedVs(mg.scores, g1.scores, 'textFidelity');
    line(
      `mask guidance alone (training-free, on the global adapter at λ=${mg.config.params.globalScale}) cuts leakage`,
      verdictOf(d, 'lower'),
      `paired Δ leakage (masked − global) ${signed(d)}; Δ text fidelity ${signed(dt)}.`,
    );
    const dr = pairedVs(rc.scores, mg.scores, 'likeness');
    line(
      'the trained scoring adapter (RealCustom) carries more likeness into the mask than the global adapter under the same mask',
      verdictOf(dr, 'higher'),
      `paired Δ likeness (RealCustom − masked-global) ${signed(dr)}; Δ CLIP-I ${signed(pairedVs(rc.scores, mg.scores, 'clipI'))}.`,
    );
  }
  const ns = get(res, 'rc-no-scoring');
  if (ns !== undefined) {
    const dl = pairedVs(rc.scores, ns.scores, 'likeness');
    const dt = pairedVs(rc.scores, ns.scores, 'textFidelity');
    const v: Verdict =
      verdictOf(dl, 'higher') === 'agrees' && verdictOf(dt, 'higher') !== 'disagrees'
        ? 'agrees'
        : verdictOf(dl, 'higher') === 'disagrees' || verdictOf(dt, 'higher') === 'disagrees'
          ? 'disagrees'
          : 'inconclusive';
    line(
      'without the scoring module likeness and text fidelity drop',
      v,
      `paired Δ (with − without): likeness ${signed(dl)}, text fidelity ${signed(dt)}, CLIP-I ${signed(pairedVs(rc.scores, ns.scores, 'clipI'))}.`,
    );
  }
  const nm = get(res, 'rc-no-mask');
  if (nm !== undefined) {
    const dt = pairedVs(rc.scores, nm.scores, 'textFidelity');
    const dk = pairedVs(rc.scores, nm.scores, 'leakage');
    const vt = verdictOf(dt, 'higher');
    const vk = verdictOf(dk, 'lower');
    const v: Verdict =
      vt === 'agrees' || vk === 'agrees'
        ? vt === 'disagrees' || vk === 'disagrees'
          ? 'inconclusive'
          : 'agrees'
        : vt === 'disagrees' || vk === 'disagrees'
          ? 'disagrees'
          : 'inconclusive';
    line(
      'without mask guidance (the image branch everywhere) text fidelity drops and the reference leaks',
      v,
      `paired Δ (with − without mask): text fidelity ${signed(dt)}, leakage ${signed(dk)}, likeness ${signed(pairedVs(rc.scores, nm.scores, 'likeness'))}.`,
    );
  }
  const bin = get(res, 'rc-binary');
  const cont = get(res, 'rc-continuous');
  if (bin !== undefined && cont !== undefined) {
    const d = pairedVs(cont.scores, bin.scores, 'textFidelity');
    line(
      'a continuous mask beats a binary one on text fidelity',
      verdictOf(d, 'higher'),
      `paired Δ text fidelity (continuous − binary) ${signed(d)}; Δ leakage ${signed(pairedVs(cont.scores, bin.scores, 'leakage'))}.`,
    );
  }
  const scopes = res.configs.filter((c) => c.config.family === 'γ_scope');
  const val = (c: ConfigResult) => c.config.params.gammaScope;
  const inner = scopes.filter((c) => val(c) >= 0.2 && val(c) <= 0.4);
  const outer = scopes.filter((c) => val(c) < 0.2 || val(c) > 0.4);
  if (inner.length > 0 && outer.length > 0) {
    // Each outer value against the nearest inner one, paired: worse on text fidelity or likeness?
    const states = outer.map((c) => {
      const near = [...inner].sort((a, b) => Math.abs(val(a) - val(c)) - Math.abs(val(b) - val(c)))[0]!;
      const dt = pairedVs(near.scores, c.scores, 'textFidelity');
      const dl = pairedVs(near.scores, c.scores, 'likeness');
      const worse = (dt !== null && dt.lo > 0) || (dl !== null && dl.lo > 0);
      const better = (dt !== null && dt.hi < 0) || (dl !== null && dl.hi < 0);
      return {
        state: worse && !better ? 'worse' : better && !worse ? 'better' : 'unclear',
        text: `γ=${val(c)} vs γ=${val(near)}: Δ text fidelity ${signed(dt)}, Δ likeness ${signed(dl)}`,
      };
    });
    const v: Verdict = states.every((s) => s.state === 'worse')
      ? 'agrees'
      : states.some((s) => s.state === 'better')
        ? 'disagrees'
        : 'inconclusive';
    line(
      'γ_scope 0.2–0.4 is the optimum (0.1 and 0.6 worse on text fidelity or likeness)',
      v,
      states.map((s) => s.text).join('; ') + ' (paired, inner − outer).',
    );
  }
  const off = get(res, 'rc-reuse-off');
  const on = get(res, 'rc-reuse-on');
  if (off !== undefined && on !== undefined) {
    const d = pairedVs(on.scores, off.scores, 'textFidelity');
    const dl = pairedVs(on.scores, off.scores, 'likeness');
    out.push(
      `- (implementation choice, not a paper claim) freezing the mask after step ${on.config.params.maskReuseStep}: ` +
        `paired Δ (on − off) text fidelity ${signed(d)}, likeness ${signed(dl)}, mask IoU ${signed(pairedVs(on.scores, off.scores, 'maskIoU'))}; ` +
        `time per job ${on.msPerJob.toFixed(0)} vs ${off.msPerJob.toFixed(0)} ms.`,
    );
  }
  return out;
}
