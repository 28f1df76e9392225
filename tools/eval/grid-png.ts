/** The report's grid.png: example images with their masks, one column per method. */
import { encode } from 'fast-png';
import type { Gray, Rgba } from '../../workers/protocol';
import { get } from './report-format';
import type { EvalResult } from './run';

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

export function gridPng(res: EvalResult, rows: number, zoom = 4): Uint8Array {
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
