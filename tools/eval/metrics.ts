/**
 * Per-case evaluation metrics on plain pixels (no model inside; the judge and the image
 * encoder are run by judge.ts and their outputs arrive here as numbers). Every function is
 * unit-tested on constructed images with known answers (metrics.test.ts).
 *
 * Colours are compared by Euclidean RGB distance in 0…255 units; "has colour c" means
 * distance < τ (the benchmark's `tau`, 64 = models/evaluate.py `color_hits` threshold 0.25).
 *
 * Regions (all Uint8Array of w·h, 1 = in):
 * - explained(I): pixels within τ of the case's background palette or of a non-target
 *   object's named colour: what the caption accounts for without the target;
 * - targetRegion(I): the rest (not explained), minus specks smaller than `minComponent`
 *   pixels: where the target object is in that generated image (colour segmentation);
 * - leakage area: explained pixels of the same-seed text-only image, minus a 1-pixel
 *   dilation of its target region: where the text-only layout has background or the other
 *   objects. Design colours found there in another method's image are leakage.
 */
import type { Gray, Rgba } from '../../workers/protocol';

export type Rgb = readonly [number, number, number];
export type Region = Uint8Array;

export function colorDistance(img: Rgba, p: number, c: Rgb): number {
  const d = img.data;
  const r = d[p * 4]! - c[0];
  const g = d[p * 4 + 1]! - c[1];
  const b = d[p * 4 + 2]! - c[2];
  return Math.sqrt(r * r + g * g + b * b);
}

/** 1 where the pixel is within τ of any of `colors`. */
export function colorHits(img: Rgba, colors: readonly Rgb[], tau: number): Region {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    for (const c of colors) {
      if (colorDistance(img, p, c) < tau) {
        out[p] = 1;
        break;
      }
    }
  }
  return out;
}

export function count(r: Region): number {
  let s = 0;
  for (const v of r) s += v;
  return s;
}

export function and(a: Region, b: Region): Region {
  return a.map((v, i) => v & b[i]!);
}

export function not(a: Region): Region {
  return a.map((v) => 1 - v);
}

/** Square structuring element of radius r (8-neighbourhood for r = 1). */
export function dilate(a: Region, w: number, h: number, r = 1): Region {
  const out = new Uint8Array(a.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!a[y * w + x]) continue;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[yy * w + xx] = 1;
        }
      }
    }
  }
  return out;
}

/** Drops 4-connected components smaller than `minSize` pixels. */
export function dropSpecks(a: Region, w: number, h: number, minSize: number): Region {
  const out = new Uint8Array(a.length);
  const seen = new Uint8Array(a.length);
  const stack: number[] = [];
  for (let start = 0; start < a.length; start++) {
    if (!a[start] || seen[start]) continue;
    const comp: number[] = [];
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      comp.push(p);
      const x = p % w;
      const y = (p - x) / w;
      const next = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1];
      for (const q of next) {
        if (q >= 0 && a[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (comp.length >= minSize) for (const p of comp) out[p] = 1;
  }
  return out;
}

export interface SceneColors {
  /** Background palette of the case's background type plus the non-target objects' colours. */
  explainedColors: readonly Rgb[];
  /** The reference design's colours (c1, and c2 for two-tone designs). */
  designColors: readonly Rgb[];
  tau: number;
}

export function explained(img: Rgba, sc: SceneColors): Region {
  return colorHits(img, sc.explainedColors, sc.tau);
}

export function targetRegion(img: Rgba, sc: SceneColors, minComponent = 3): Region {
  return dropSpecks(not(explained(img, sc)), img.width, img.height, minComponent);
}

/** Where the text-only image has background or the other objects (see the file comment). */
export function leakageArea(textImage: Rgba, sc: SceneColors): Region {
  const { width: w, height: h } = textImage;
  return and(explained(textImage, sc), not(dilate(targetRegion(textImage, sc), w, h, 1)));
}

/** Share of the region's pixels that carry a design colour; 0 for an empty region. */
export function likenessColor(img: Rgba, region: Region, sc: SceneColors): number {
  const n = count(region);
  if (n === 0) return 0;
  return count(and(colorHits(img, sc.designColors, sc.tau), region)) / n;
}

/** Share of the leakage area's pixels that carry a design colour; 0 for an empty area. */
export function leakage(img: Rgba, area: Region, sc: SceneColors): number {
  const n = count(area);
  if (n === 0) return 0;
  return count(and(colorHits(img, sc.designColors, sc.tau), area)) / n;
}

/** For each pixel of a w × h image, the index of the mask cell (mw × mh) nearest-neighbour resampling reads. */
function nearestCells(mw: number, mh: number, w: number, h: number): Int32Array {
  const out = new Int32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(mh - 1, Math.floor(((y + 0.5) * mh) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(mw - 1, Math.floor(((x + 0.5) * mw) / w));
      out[y * w + x] = sy * mw + sx;
    }
  }
  return out;
}

/** A mask (any resolution) resampled nearest-neighbour to w × h. */
export function resizeNearest(mask: Gray, w: number, h: number): Float32Array {
  const cells = nearestCells(mask.width, mask.height, w, h);
  const out = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) out[p] = mask.data[cells[p]!]!;
  return out;
}

/** IoU of the mask's support (value > threshold) with a region; 1 when both are empty. */
export function maskIoU(mask: Gray, region: Region, w: number, h: number, threshold = 0): number {
  const m = resizeNearest(mask, w, h);
  let inter = 0;
  let union = 0;
  for (let p = 0; p < w * h; p++) {
    const a = m[p]! > threshold ? 1 : 0;
    const b = region[p]!;
    inter += a & b;
    union += a | b;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * The best mask IoU a mask with as many cells as this one could reach against the region:
 * the mask's support size is fixed (γ_scope × cells), so the best mask keeps the cells that
 * hold the most region pixels. The distance from it to `maskIoU` is the ranking's fault;
 * the distance from it to 1 is the mask's size and resolution (a drawn target smaller than
 * the mask, or edges inside a cell).
 */
export function maskIoUCeiling(mask: Gray, region: Region, w: number, h: number, threshold = 0): number {
  const cells = nearestCells(mask.width, mask.height, w, h);
  const n = mask.width * mask.height;
  const keep = mask.data.reduce((k, v) => k + (v > threshold ? 1 : 0), 0);
  const inCell = new Float64Array(n);
  const cellSize = new Float64Array(n);
  for (let p = 0; p < w * h; p++) {
    inCell[cells[p]!]! += region[p]!;
    cellSize[cells[p]!]! += 1;
  }
  const best = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => inCell[b]! - inCell[a]!)
    .slice(0, keep);
  const inter = best.reduce((t, i) => t + inCell[i]!, 0);
  const support = best.reduce((t, i) => t + cellSize[i]!, 0);
  const union = support + count(region) - inter;
  return union === 0 ? 1 : inter / union;
}

/** Share of the mask's mass (upsampled nearest to w × h) lying on a region; 0 for an empty mask. */
export function maskMassOn(mask: Gray, region: Region, w: number, h: number): number {
  const m = resizeNearest(mask, w, h);
  let on = 0;
  let total = 0;
  for (let p = 0; p < w * h; p++) {
    const a = Math.max(0, m[p]!);
    total += a;
    on += a * region[p]!;
  }
  return total === 0 ? 0 : on / total;
}

/** Soft IoU Σmin/Σmax of the continuous mask and the region; 1 when both are empty. */
export function softIoU(mask: Gray, region: Region, w: number, h: number): number {
  const m = resizeNearest(mask, w, h);
  let lo = 0;
  let hi = 0;
  for (let p = 0; p < w * h; p++) {
    const a = Math.min(1, Math.max(0, m[p]!));
    lo += Math.min(a, region[p]!);
    hi += Math.max(a, region[p]!);
  }
  return hi === 0 ? 1 : lo / hi;
}

/**
 * The square crop around the region's bounding box (plus `margin` of its side on each
 * side), shifted to stay inside the image; the whole image when the region is empty.
 * The image encoder's own preprocessing (cover-resize) then brings it to its input size.
 */
export function cropToRegion(img: Rgba, region: Region, margin = 0.15): Rgba {
  const { width: w, height: h } = img;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let p = 0; p < w * h; p++) {
    if (!region[p]) continue;
    const x = p % w;
    const y = (p - x) / w;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  if (x1 < 0) return { width: w, height: h, data: new Uint8ClampedArray(img.data) };
  const side0 = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const side = Math.min(w, h, Math.ceil(side0 * (1 + 2 * margin)));
  const cx = (x0 + x1 + 1) / 2;
  const cy = (y0 + y1 + 1) / 2;
  const left = Math.max(0, Math.min(w - side, Math.round(cx - side / 2)));
  const top = Math.max(0, Math.min(h - side, Math.round(cy - side / 2)));
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    const src = ((top + y) * w + left) * 4;
    data.set(img.data.subarray(src, src + side * 4), y * side * 4);
  }
  return { width: side, height: side, data };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine: lengths ${a.length} and ${b.length}`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

// ---------------------------------------------------------------------------- judge

export interface JudgeProbs {
  background: Float32Array; // softmax over backgrounds
  classes: Float32Array; // sigmoid presence per class
  colors: Float32Array; // sigmoid presence per named colour
  /**
   * Sigmoid presence of class c drawn in colour k, row-major [class][colour] (the per-object
   * judge's `object_logits`); null for an older judge, whose colour check is then unbound
   * (some object in that colour, not necessarily the named one).
   */
  objects: Float32Array | null;
}

export interface CaptionTruth {
  background: number; // index into the judge's backgrounds
  others: { cls: number; color: number }[]; // non-target objects: class and named-colour indices
  targetClass: number;
}

export interface TextFidelity {
  /** Mean of the caption checks on the rest of the prompt: background + each non-target class and colour. */
  score: number;
  background: number;
  otherClass: number;
  otherColor: number;
  /** The target's class is seen (prob > 0.5); part of the prompt too, reported apart. */
  targetClass: number;
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export function textFidelity(p: JudgeProbs, t: CaptionTruth): TextFidelity {
  const bg = argmax(p.background) === t.background ? 1 : 0;
  const cls = t.others.map((o) => (p.classes[o.cls]! > 0.5 ? 1 : 0));
  const nColors = p.colors.length;
  const col = t.others.map((o) =>
    (p.objects ? p.objects[o.cls * nColors + o.color]! : p.colors[o.color]!) > 0.5 ? 1 : 0,
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    score: mean([bg, ...cls, ...col]),
    background: bg,
    otherClass: mean(cls),
    otherColor: mean(col),
    targetClass: p.classes[t.targetClass]! > 0.5 ? 1 : 0,
  };
}

export function softmax(xs: ArrayLike<number>): Float32Array {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  const e = Float32Array.from({ length: xs.length }, (_, i) => Math.exp(xs[i]! - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function sigmoid(xs: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: xs.length }, (_, i) => 1 / (1 + Math.exp(-xs[i]!)));
}

// ---------------------------------------------------------------------------- statistics

/** Two-sided 97.5% Student t quantiles for df 1…30; the normal 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1]!;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

export interface MeanCI {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Mean and 95% t-interval; NaN anywhere in the input gives a NaN mean (never hidden). */
export function meanCI(xs: readonly number[]): MeanCI {
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(v / n);
  return { mean, lo: mean - half, hi: mean + half, n };
}

/** Paired difference a − b per case, with its 95% interval. */
export function pairedDiffCI(a: readonly number[], b: readonly number[]): MeanCI {
  if (a.length !== b.length) throw new Error('pairedDiffCI: unequal lengths');
  return meanCI(a.map((v, i) => v - b[i]!));
}
