/** The report's plot.svg, drawn by hand: likeness vs text fidelity, one point per method / λ. */
import type { MeanCI } from './metrics';
import type { EvalResult } from './run';

export function plotSvg(res: EvalResult): string {
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
