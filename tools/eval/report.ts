/**
 * Writes the evaluation report: results.md (tables, verdicts on the paper's claims),
 * results.json (every summary), plot.svg (likeness vs text fidelity, one point per
 * method / λ) and grid.png (example images with their masks, per method).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { encode } from 'fast-png';
import type { Gray, Rgba } from '../../workers/protocol';
import type { MeanCI } from './metrics';
import type { ConfigResult, EvalResult } from './run';
import { pairedVs, type MetricKey, type Summary } from './score';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
const ci = (m: MeanCI | undefined) => (m === undefined ? '–' : `${f3(m.mean)} [${f3(m.lo)}, ${f3(m.hi)}]`);
const signed = (m: MeanCI | null) =>
  m === null ? '–' : `${m.mean >= 0 ? '+' : ''}${f3(m.mean)} [${f3(m.lo)}, ${f3(m.hi)}]`;

const MAIN_COLUMNS: [MetricKey, string][] = [
  ['textFidelity', 'text fidelity ↑'],
  ['likeness', 'likeness (colour) ↑'],
  ['clipI', 'CLIP-I-like ↑'],
  ['leakage', 'leakage ↓'],
  ['maskIoU', 'mask IoU ↑'],
  ['targetClass', 'target class seen ↑'],
];

function table(
  rows: { label: string; summary: Summary; extra?: string }[],
  cols: [MetricKey, string][],
  extraHead?: string,
) {
  const head = `| config | ${cols.map((c) => c[1]).join(' | ')}${extraHead ? ` | ${extraHead}` : ''} |`;
  const sep = `|---|${cols.map(() => '---').join('|')}${extraHead ? '|---' : ''}|`;
  const body = rows.map(
    (r) =>
      `| ${r.label} | ${cols.map(([k]) => ci(r.summary[k])).join(' | ')}${extraHead ? ` | ${r.extra ?? ''}` : ''} |`,
  );
  return [head, sep, ...body].join('\n');
}

function get(res: EvalResult, key: string): ConfigResult | undefined {
  return res.configs.find((c) => c.config.key === key);
}

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

function claims(res: EvalResult): string[] {
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

// ---------------------------------------------------------------------------- plot (SVG by hand)

function plotSvg(res: EvalResult): string {
  const W = 640;
  const H = 460;
  const m = { l: 64, r: 20, t: 28, b: 52 };
  type P = { label: string; x: MeanCI; y: MeanCI; color: string; shape: 'circle' | 'square' | 'diamond' };
  const pts: P[] = [];
  for (const c of res.configs.filter((r) => r.config.group === 'method')) {
    const { likeness, textFidelity } = c.summary;
    if (likeness === undefined || textFidelity === undefined) continue;
    const color =
      c.config.key === 'realcustom'
        ? '#d62728'
        : c.config.key.startsWith('global-')
          ? '#1f77b4'
          : c.config.key === 'masked-global'
            ? '#9467bd'
            : '#555555';
    pts.push({ label: c.config.label, x: likeness, y: textFidelity, color, shape: 'circle' });
  }
  const o = res.oracle.summary;
  if (o.likeness && o.textFidelity)
    pts.push({ label: 'oracle (GT render)', x: o.likeness, y: o.textFidelity, color: '#2ca02c', shape: 'diamond' });
  if (pts.length === 0) return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
  const xs = pts.flatMap((p) => [p.x.lo, p.x.hi]);
  const ys = pts.flatMap((p) => [p.y.lo, p.y.hi]);
  const pad = (lo: number, hi: number) => {
    const span = Math.max(hi - lo, 0.05);
    return [Math.max(0, lo - span * 0.1), Math.min(1, hi + span * 0.1)] as const;
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (v: number) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const el: string[] = [];
  el.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  for (let i = 0; i <= 5; i++) {
    const vx = x0 + ((x1 - x0) * i) / 5;
    const vy = y0 + ((y1 - y0) * i) / 5;
    el.push(`<line x1="${X(vx)}" y1="${m.t}" x2="${X(vx)}" y2="${H - m.b}" stroke="#eee"/>`);
    el.push(`<line x1="${m.l}" y1="${Y(vy)}" x2="${W - m.r}" y2="${Y(vy)}" stroke="#eee"/>`);
    el.push(`<text x="${X(vx)}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${vx.toFixed(2)}</text>`);
    el.push(`<text x="${m.l - 6}" y="${Y(vy) + 4}" font-size="11" text-anchor="end">${vy.toFixed(2)}</text>`);
  }
  el.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  el.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" font-size="13" text-anchor="middle">likeness: share of the target region in the reference's design colours →</text>`,
  );
  el.push(
    `<text x="16" y="${(m.t + H - m.b) / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">text fidelity (judge: background + other objects) →</text>`,
  );
  el.push(
    `<text x="${m.l}" y="18" font-size="13">${res.packName} ${res.packVersion}, ${res.bench.cases.length} cases, ${res.options.steps} steps; bars = 95% CI</text>`,
  );
  const gl = pts.filter((p) => p.label.startsWith('global'));
  if (gl.length > 1) {
    const path = [...gl].sort((a, b) => a.x.mean - b.x.mean).map((p) => `${X(p.x.mean)},${Y(p.y.mean)}`);
    el.push(`<polyline points="${path.join(' ')}" fill="none" stroke="#1f77b4" stroke-dasharray="4 3"/>`);
  }
  const placed: { x0: number; x1: number; y: number }[] = [];
  for (const p of pts) {
    const cx = X(p.x.mean);
    const cy = Y(p.y.mean);
    el.push(`<line x1="${X(p.x.lo)}" y1="${cy}" x2="${X(p.x.hi)}" y2="${cy}" stroke="${p.color}" stroke-width="1.2"/>`);
    el.push(`<line x1="${cx}" y1="${Y(p.y.lo)}" x2="${cx}" y2="${Y(p.y.hi)}" stroke="${p.color}" stroke-width="1.2"/>`);
    el.push(
      p.shape === 'diamond'
        ? `<polygon points="${cx},${cy - 7} ${cx + 7},${cy} ${cx},${cy + 7} ${cx - 7},${cy}" fill="${p.color}"/>`
        : `<circle cx="${cx}" cy="${cy}" r="5" fill="${p.color}"/>`,
    );
    // Labels step down past the ones already placed where they would overlap (with a leader line).
    const lx = Math.min(cx + 8, W - m.r - 6 * p.label.length);
    const width = 6 * p.label.length;
    let ly = cy - 7;
    while (placed.some((b) => Math.abs(b.y - ly) < 12 && lx < b.x1 && lx + width > b.x0)) ly += 12;
    placed.push({ x0: lx, x1: lx + width, y: ly });
    if (ly !== cy - 7)
      el.push(`<line x1="${cx}" y1="${cy}" x2="${lx}" y2="${ly - 4}" stroke="${p.color}" stroke-width="0.5"/>`);
    el.push(`<text x="${lx}" y="${ly}" font-size="11" fill="${p.color}">${p.label}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n${el.join('\n')}\n</svg>\n`;
}

// ---------------------------------------------------------------------------- example grid (PNG)

export const GRID_COLUMNS = [
  'reference',
  'oracle',
  'text',
  'realcustom',
  'masked-global',
  'global-0.3',
  'global-0.5',
  'global-0.7',
  'global-1',
];

/** Cases for the example grid: every 7th (so class and design kind both vary), then the rest. */
export function exampleCases(n: number, rows: number): number[] {
  const picks: number[] = [];
  for (let i = 0; i < n && picks.length < rows; i += 7) picks.push(i);
  for (let i = 0; i < n && picks.length < rows; i++) if (!picks.includes(i)) picks.push(i);
  return picks;
}

function gridPng(res: EvalResult, rows: number, zoom = 4): Uint8Array {
  const S = res.bench.meta.imageSize * zoom;
  const gap = 4;
  const cols = GRID_COLUMNS.filter((k) => k === 'reference' || k === 'oracle' || get(res, k) !== undefined);
  const picks = exampleCases(res.bench.cases.length, rows);
  const n = picks.length;
  const width = cols.length * (S + gap) + gap;
  const height = n * (2 * S + 3 * gap) + gap;
  const data = new Uint8Array(width * height * 4).fill(255);
  const put = (x0: number, y0: number, img: Rgba) => {
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const sx = Math.floor((x * img.width) / S);
        const sy = Math.floor((y * img.height) / S);
        const s = (sy * img.width + sx) * 4;
        const d = ((y0 + y) * width + x0 + x) * 4;
        data[d] = img.data[s]!;
        data[d + 1] = img.data[s + 1]!;
        data[d + 2] = img.data[s + 2]!;
        data[d + 3] = 255;
      }
    }
  };
  const grayImg = (g: Gray): Rgba => {
    const out = new Uint8ClampedArray(g.width * g.height * 4);
    for (let p = 0; p < g.width * g.height; p++) {
      const v = Math.round(Math.min(1, Math.max(0, g.data[p]!)) * 255);
      out.set([v, v, v, 255], p * 4);
    }
    return { width: g.width, height: g.height, data: out };
  };
  const blank: Rgba = { width: 1, height: 1, data: new Uint8ClampedArray([225, 225, 225, 255]) };
  for (let r = 0; r < n; r++) {
    const ci0 = picks[r]!;
    const c = res.bench.cases[ci0]!;
    const y = gap + r * (2 * S + 3 * gap);
    cols.forEach((k, ci) => {
      const x = gap + ci * (S + gap);
      if (k === 'reference') {
        put(x, y, c.referenceImage);
        put(x, y + S + gap, blank);
      } else if (k === 'oracle') {
        put(x, y, c.oracleImage);
        put(
          x,
          y + S + gap,
          grayImg({ width: c.oracleImage.width, height: c.oracleImage.height, data: c.oracleTarget }),
        );
      } else {
        const out = get(res, k)!.outputs[ci0]!;
        put(x, y, out.image);
        put(x, y + S + gap, out.mask === null ? blank : grayImg(out.mask));
      }
    });
  }
  return encode({ width, height, data, channels: 4, depth: 8 });
}

// ---------------------------------------------------------------------------- markdown

export interface ReportOptions {
  outDir: string;
  command: string;
  gridRows?: number;
}

export async function writeReport(res: EvalResult, o: ReportOptions): Promise<string> {
  await mkdir(join(o.outDir, 'results'), { recursive: true });
  const plotPath = join(o.outDir, 'results', 'plot.svg');
  const gridPath = join(o.outDir, 'results', 'grid.png');
  await writeFile(plotPath, plotSvg(res));
  await writeFile(gridPath, gridPng(res, o.gridRows ?? 6));
  const json = {
    pack: `${res.packName} ${res.packVersion}`,
    options: res.options,
    timing: res.timing,
    machine: res.machine,
    problems: res.problems,
    oracle: res.oracle.summary,
    configs: res.configs.map((c) => ({
      key: c.config.key,
      label: c.config.label,
      group: c.config.group,
      family: c.config.family,
      aliasOf: c.config.aliasOf,
      params: c.config.params,
      msPerJob: c.msPerJob,
      summary: c.summary,
    })),
  };
  await writeFile(join(o.outDir, 'results', 'results.json'), `${JSON.stringify(json, null, 2)}\n`);

  const rc = get(res, 'realcustom');
  const methods = res.configs.filter((c) => c.config.group === 'method');
  const P = rc?.config.params;
  const md: string[] = [];
  md.push('# Evaluation results (toy world)');
  md.push('');
  md.push(
    `Generated by \`${o.command}\` — do not edit by hand. Pack **${res.packName} ${res.packVersion}** (pack.json sha256 ${res.packSha.slice(0, 12)}); ` +
      `${res.bench.cases.length} held-out benchmark cases (\`models/benchmark/\`, seed ${res.bench.meta.seed}); ` +
      `${res.options.steps} DDIM steps; ω_t ${P?.guidanceText}, ω_i ${P?.guidanceImage}, γ_scope ${P?.gammaScope}, γ_num ${P?.gammaNum}, ` +
      `mask reuse after step ${P?.maskReuseStep}, masked-global λ ${get(res, 'masked-global')?.config.params.globalScale ?? '–'}. ` +
      `Same seed per case for every method (paired comparisons).`,
  );
  md.push('');
  md.push(
    `Run time: ${(res.timing.totalS / 60).toFixed(1)} min (${res.timing.generateS.toFixed(0)} s generating ${res.timing.jobs} images, ` +
      `${res.timing.scoreS.toFixed(0)} s scoring) with ${res.options.workers || 1} worker process(es) × ${res.options.threads} onnxruntime-node thread(s) ` +
      `on ${res.machine.cpus} × ${res.machine.model}, Node ${res.machine.node}.` +
      (res.timing.reusedFrom === null
        ? ''
        : ` The images were generated by an earlier run of the same command (kept in \`${res.timing.reusedFrom}\`) and re-scored; the generation time is that run's.`),
  );
  if (res.problems.length > 0) {
    md.push('');
    md.push('**Problems found by the run:**');
    md.push('');
    for (const p of res.problems) md.push(`- ${p}`);
  }
  md.push('');
  md.push('## What the paper claims, and what we see');
  md.push('');
  md.push(
    'Verdicts are computed from paired 95% intervals (AGREES / DISAGREES when the interval excludes 0, INCONCLUSIVE otherwise).',
  );
  md.push('');
  md.push(...claims(res));
  md.push('');
  md.push('## Methods');
  md.push('');
  md.push(
    'Mean per case with 95% t-interval. The oracle row is the generator’s own rendering of the case (the target drawn in the reference design): the ceiling of each metric with our judge and region finder; its mask IoU is the region finder’s IoU with the true target mask.',
  );
  md.push('');
  md.push(
    table(
      [
        ...methods.map((c) => ({ label: c.config.label, summary: c.summary, extra: c.msPerJob.toFixed(0) })),
        { label: 'oracle (GT render)', summary: res.oracle.summary, extra: '' },
      ],
      MAIN_COLUMNS,
      'ms / image',
    ),
  );
  md.push('');
  md.push(
    `Text fidelity, by check (share of cases / objects passing). The headline text-fidelity score uses the judge checks ${res.judgeChecks.used.join(', ') || 'none'}` +
      (res.judgeChecks.dropped.length > 0
        ? `; left out because the judge fails them on the oracle renders (which are right by construction): ${res.judgeChecks.dropped
            .map((d) => `${d.check} (oracle pass rate ${f3(d.oracleRate)})`)
            .join(', ')}.`
        : '.'),
  );
  md.push('');
  md.push(
    table(
      [
        ...methods.map((c) => ({ label: c.config.label, summary: c.summary })),
        { label: 'oracle (GT render)', summary: res.oracle.summary },
      ],
      [
        ['background', 'background ↑'],
        ['otherClass', 'other objects: class ↑'],
        ['otherColor', 'other objects: colour ↑'],
        ['regionArea', 'target region / image'],
        ['maskSoftIoU', 'soft mask IoU ↑'],
        ['maskOnOther', 'mask mass on other objects ↓'],
      ],
    ),
  );
  if (rc !== undefined) {
    md.push('');
    md.push('Paired differences, RealCustom − method (positive = RealCustom higher):');
    md.push('');
    md.push('| method | Δ text fidelity | Δ likeness | Δ CLIP-I-like | Δ leakage |');
    md.push('|---|---|---|---|---|');
    for (const c of methods.filter((m) => m.config.key !== 'realcustom')) {
      md.push(
        `| ${c.config.label} | ${signed(pairedVs(rc.scores, c.scores, 'textFidelity'))} | ${signed(pairedVs(rc.scores, c.scores, 'likeness'))} | ${signed(
          pairedVs(rc.scores, c.scores, 'clipI'),
        )} | ${signed(pairedVs(rc.scores, c.scores, 'leakage'))} |`,
      );
    }
  }
  md.push('');
  md.push(`![likeness vs text fidelity](${relative(o.outDir, plotPath)})`);
  md.push('');
  md.push('## Ablations on RealCustom');
  md.push('');
  md.push('Rows marked “= x” share the run of config x (identical parameters).');
  md.push('');
  const abl = res.configs.filter((c) => c.config.group === 'ablation');
  const families = [...new Set(abl.map((c) => c.config.family))];
  for (const fam of families) {
    md.push(`### ${fam}`);
    md.push('');
    md.push(
      table(
        abl
          .filter((c) => c.config.family === fam)
          .map((c) => ({
            label: `${c.config.label}${c.config.aliasOf ? ` (= ${c.config.aliasOf})` : ''}`,
            summary: c.summary,
            extra: c.msPerJob.toFixed(0),
          })),
        MAIN_COLUMNS,
        'ms / image',
      ),
    );
    md.push('');
  }
  md.push('## Examples');
  md.push('');
  md.push(`![examples](${relative(o.outDir, gridPath)})`);
  md.push('');
  md.push(
    'Columns: ' +
      GRID_COLUMNS.filter((k) => k === 'reference' || k === 'oracle' || get(res, k) !== undefined).join(', ') +
      '. Each case is two rows: the image, then the final mask (oracle: the true target mask; grey = no mask in that mode).',
  );
  md.push('');
  for (const c of exampleCases(res.bench.cases.length, o.gridRows ?? 6).map((i) => res.bench.cases[i]!))
    md.push(`- ${c.id}: “${c.prompt}”, target “${c.targetWord}”, design ${c.design.kind}`);
  md.push('');
  md.push('## How each number is measured');
  md.push('');
  md.push(METHODS_TEXT);
  return md.join('\n') + '\n';
}

const METHODS_TEXT = `- **Benchmark.** \`models/make_benchmark.py\` draws every case from the toy-world generator: a prompt whose target word is a bare class noun (“a star and a red ball on grass”), a reference of that class in a design whose first hue lies in the generator's HELDOUT_HUE band (never used in training), one or two solid non-target objects in named colours (never a HELDOUT_COMBOS pair), a background, and an oracle rendering of the same layout. Design colours are kept ≥ 1.6 τ (RGB distance) from the background palette and the other objects' colours, so a design colour seen elsewhere is leakage, not a coincidence.
- **Text fidelity (judge).** The pack's \`judge\` graph (trained by \`models/\` on the generator's labels) on the generated image: background correct (argmax), and for every non-target object its class and its named colour present (sigmoid > 0.5). Score per case = mean of these checks, over the kinds of check the judge gets right on the oracle renders (pass rate ≥ 0.5; the others are reported but left out, see the table note). “Target class seen” is reported apart (the target word is part of the prompt, but its look is the reference's).
- **CLIP-T-like score: not measured.** The pack's text encoder outputs per-token features only; the pooled text projection that was trained contrastively against \`image_embed\` (models/nets.py \`TextEncoder.pool_proj\`) is not exported, and the text encoder was further trained with the UNet afterwards, so no text–image score in one embedding space can be computed from the pack. Exporting a \`textEmbed\` graph (pooled, projected) from the encoders checkpoint would allow one.
- **Target region** (per generated image, colour segmentation): pixels farther than τ = 64 (RGB) from every colour of the case's background palette (k-means of rendered backgrounds of that type) and from every non-target object's colour, minus 4-connected specks under 3 px. The oracle row's mask IoU checks this finder against the true target mask.
- **Likeness (colour).** Share of the target region's pixels within τ of a reference design colour (c1, and c2 for two-tone designs). 0 when no target region is found.
- **CLIP-I-like.** Cosine between the pack image encoder's \`image_embed\` of the reference and of the square crop around the target region's bounding box (+15% margin; whole image if no region), both preprocessed as the engine preprocesses references. The text-only row is its floor.
- **Leakage.** Share of the same-seed text-only image's background / other-object pixels (explained by the background palette or the other objects' colours, minus a 1-px dilation of its target region) that carry a design colour in the evaluated image. A target that moves relative to the text-only layout counts too.
- **Mask IoU.** IoU of the final mask's support (value > 0, upsampled nearest to the image) with the target region of the same image; soft IoU = Σmin/Σmax with the continuous mask. The mask keeps γ_scope of the positions by construction, so IoU is bounded by the area ratio.
- **Mask mass on other objects.** Share of the final mask's mass on pixels in a non-target object's named colour (within τ): how much of the reference's region went to the wrong object.
- **Intervals.** Mean ± t(0.975, n−1)·sd/√n over cases; differences are paired per case (same seed, same case).`;
