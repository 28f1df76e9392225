/** Every metric on constructed images whose answers are known by construction. */
import { describe, expect, it } from 'vitest';
import type { Gray, Rgba } from '../../workers/protocol';
import {
  argmax,
  colorHits,
  cosine,
  count,
  cropToRegion,
  dilate,
  dropSpecks,
  leakage,
  leakageArea,
  likenessColor,
  maskIoU,
  maskIoUCeiling,
  maskMassOn,
  meanCI,
  pairedDiffCI,
  resizeNearest,
  sigmoid,
  softIoU,
  softmax,
  targetRegion,
  tQuantile975,
  textFidelity,
  type Rgb,
  type SceneColors,
} from './metrics';

const GRASS: Rgb = [70, 150, 60];
const RED: Rgb = [220, 40, 40];
const TEAL: Rgb = [0, 200, 180];
const MAGENTA: Rgb = [230, 20, 200];
const YELLOW: Rgb = [245, 220, 40];

function canvas(w: number, h: number, c: Rgb): Rgba {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...c, 255], p * 4);
  return { width: w, height: h, data };
}

function fill(img: Rgba, x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img.data.set([...c, 255], (y * img.width + x) * 4);
}

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const r = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) r[y * w + x] = 1;
  return r;
}

const SC: SceneColors = { explainedColors: [GRASS, RED], designColors: [TEAL, MAGENTA], tau: 64 };

/** 32×32 grass, a red 6×6 "other object" at (2,2), the target 8×8 at (20,20) in `target`. */
function scene(target: Rgb): Rgba {
  const img = canvas(32, 32, GRASS);
  fill(img, 2, 2, 8, 8, RED);
  fill(img, 20, 20, 28, 28, target);
  return img;
}

describe('colour hits and regions', () => {
  it('counts pixels within τ of any colour (strictly)', () => {
    const img = canvas(4, 1, [0, 0, 0]);
    fill(img, 1, 0, 2, 0 + 1, [63, 0, 0]); // distance 63 < 64
    fill(img, 2, 0, 3, 1, [64, 0, 0]); // distance 64, not < 64
    fill(img, 3, 0, 4, 1, [0, 0, 250]);
    expect([...colorHits(img, [[0, 0, 0]], 64)]).toEqual([1, 1, 0, 0]);
    expect([
      ...colorHits(
        img,
        [
          [0, 0, 0],
          [0, 0, 255],
        ],
        64,
      ),
    ]).toEqual([1, 1, 0, 1]);
  });

  it('drops 4-connected specks below the minimum size, keeps the rest', () => {
    const w = 8;
    const r = new Uint8Array(64);
    r[0] = 1; // 1 px
    r[10] = 1;
    r[11] = 1; // 2 px
    r[18 + 8] = 1; // diagonal to 11? no: (2,3) — separate single
    for (const p of [40, 41, 42, 48, 49]) r[p] = 1; // 5 px blob
    const out = dropSpecks(r, w, 8, 3);
    expect(count(out)).toBe(5);
    expect([40, 41, 42, 48, 49].every((p) => out[p] === 1)).toBe(true);
  });

  it('dilates with a square element, clipped at the border', () => {
    const r = new Uint8Array(25);
    r[0] = 1;
    expect(count(dilate(r, 5, 5, 1))).toBe(4);
    r.fill(0);
    r[12] = 1;
    expect(count(dilate(r, 5, 5, 1))).toBe(9);
    expect(count(dilate(r, 5, 5, 2))).toBe(25);
  });

  it('finds the target as what the background palette and the other objects do not explain', () => {
    const region = targetRegion(scene(TEAL), SC);
    expect([...region]).toEqual([...rect(32, 32, 20, 20, 28, 28)]);
    // a target in an unrelated colour is found just the same (the finder is design-agnostic)
    expect([...targetRegion(scene(YELLOW), SC)]).toEqual([...rect(32, 32, 20, 20, 28, 28)]);
    // an image with only explained colours has no target
    expect(count(targetRegion(canvas(32, 32, GRASS), SC))).toBe(0);
  });
});

describe('likeness and leakage', () => {
  it('likeness = share of the target region in design colours', () => {
    const img = scene(TEAL);
    fill(img, 20, 20, 28, 24, YELLOW); // top half of the target not in a design colour
    const region = targetRegion(img, SC);
    expect(count(region)).toBe(64);
    expect(likenessColor(img, region, SC)).toBeCloseTo(0.5, 10);
    fill(img, 20, 20, 28, 24, MAGENTA); // second design colour counts too
    expect(likenessColor(img, region, SC)).toBe(1);
    expect(likenessColor(img, new Uint8Array(32 * 32), SC)).toBe(0);
  });

  it('leakage = share of the text-only layout’s background / other-object pixels in design colours', () => {
    const text = scene(YELLOW);
    const area = leakageArea(text, SC);
    // explained = everything but the 8×8 target; minus its 1-px dilation (10×10)
    expect(count(area)).toBe(32 * 32 - 100);
    expect(leakage(text, area, SC)).toBe(0);
    const gen = scene(TEAL); // the target itself is never leakage
    expect(leakage(gen, area, SC)).toBe(0);
    fill(gen, 10, 0, 20, 4, TEAL); // 40 background pixels repainted in a design colour
    fill(gen, 2, 2, 4, 7, MAGENTA); // 10 pixels of the other object
    expect(leakage(gen, area, SC)).toBeCloseTo(50 / (32 * 32 - 100), 10);
    // a fully repainted image leaks everywhere
    expect(leakage(canvas(32, 32, TEAL), area, SC)).toBe(1);
  });
});

describe('mask IoU', () => {
  const mask: Gray = { width: 2, height: 2, data: Float32Array.from([1, 0, 0, 0]) };

  it('resamples nearest-neighbour', () => {
    expect([...resizeNearest(mask, 4, 4)]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is 1 for the same region, and inter/union otherwise', () => {
    expect(maskIoU(mask, rect(4, 4, 0, 0, 2, 2), 4, 4)).toBe(1);
    expect(maskIoU(mask, rect(4, 4, 0, 0, 4, 1), 4, 4)).toBeCloseTo(2 / 6, 10);
    expect(maskIoU(mask, rect(4, 4, 2, 2, 4, 4), 4, 4)).toBe(0);
    expect(maskIoU({ width: 2, height: 2, data: new Float32Array(4) }, new Uint8Array(16), 4, 4)).toBe(1);
  });

  it('ceiling: the best mask with as many cells, whatever this one ranked', () => {
    // one cell kept (top-left); the region is the bottom-right cell: IoU 0, a mask of one cell could have 1
    expect(maskIoU(mask, rect(4, 4, 2, 2, 4, 4), 4, 4)).toBe(0);
    expect(maskIoUCeiling(mask, rect(4, 4, 2, 2, 4, 4), 4, 4)).toBe(1);
    // a 4×1 region spans two cells: one cell covers 2 of its 4 pixels → 2 / (4 + 4 − 2)
    expect(maskIoUCeiling(mask, rect(4, 4, 0, 3, 4, 4), 4, 4)).toBeCloseTo(2 / 6, 10);
    // two cells kept, continuous values: only the support's size counts
    const two: Gray = { width: 2, height: 2, data: Float32Array.from([0.2, 0, 0, 1]) };
    expect(maskIoUCeiling(two, rect(4, 4, 0, 0, 4, 2), 4, 4)).toBe(1);
    expect(maskIoUCeiling({ width: 2, height: 2, data: new Float32Array(4) }, new Uint8Array(16), 4, 4)).toBe(1);
  });

  it('mass on a region: the mask-weighted share', () => {
    const m: Gray = { width: 2, height: 2, data: Float32Array.from([1, 0.5, 0, 0.5]) };
    // region = the left column of the 4×4 image (upsampled mask cells 0 and 2)
    const left = rect(4, 4, 0, 0, 2, 4);
    expect(maskMassOn(m, left, 4, 4)).toBeCloseTo(1 / 2, 10);
    expect(maskMassOn(m, new Uint8Array(16), 4, 4)).toBe(0);
    expect(maskMassOn({ width: 2, height: 2, data: new Float32Array(4) }, left, 4, 4)).toBe(0);
  });

  it('uses the support of a continuous mask; soft IoU weighs it', () => {
    const half: Gray = { width: 2, height: 2, data: Float32Array.from([0.5, 0, 0, 0]) };
    const r = rect(4, 4, 0, 0, 2, 2);
    expect(maskIoU(half, r, 4, 4)).toBe(1);
    expect(softIoU(half, r, 4, 4)).toBeCloseTo(0.5, 6);
    expect(softIoU(mask, r, 4, 4)).toBe(1);
  });
});

describe('CLIP-I-like pieces', () => {
  it('crops a square around the region with a margin, inside the image', () => {
    const img = canvas(32, 32, GRASS);
    fill(img, 10, 20, 14, 26, TEAL); // 4 wide, 6 tall
    const crop = cropToRegion(img, rect(32, 32, 10, 20, 14, 26), 0.15);
    expect(crop.width).toBe(Math.ceil(6 * 1.3));
    expect(crop.height).toBe(crop.width);
    // centred on the box: the box's centre pixel is the crop's centre pixel's colour
    const mid = Math.floor(crop.width / 2);
    expect([...crop.data.subarray((mid * crop.width + mid) * 4, (mid * crop.width + mid) * 4 + 3)]).toEqual([...TEAL]);
    // at the border it is shifted to stay inside
    const edge = cropToRegion(img, rect(32, 32, 28, 28, 32, 32), 0.5);
    expect(edge.width).toBe(8);
    expect([...edge.data.subarray(edge.data.length - 4, edge.data.length - 1)]).toEqual([...GRASS]);
    // empty region: the whole image
    expect(cropToRegion(img, new Uint8Array(1024)).width).toBe(32);
  });

  it('cosine of known vectors', () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [-1, 0])).toBe(-1);
    expect(cosine([3, 4], [4, 3])).toBeCloseTo(24 / 25, 12);
    expect(() => cosine([1], [1, 2])).toThrow();
  });
});

describe('judge-based text fidelity', () => {
  const probs = {
    background: softmax([0, 5, 1]), // says background 1
    classes: Float32Array.from([0.9, 0.2, 0.8]), // class 0 and 2 present
    colors: Float32Array.from([0.1, 0.7]), // colour 1 present
    objects: null,
  };

  it('checks the background and each non-target object’s class and colour', () => {
    const all = textFidelity(probs, { background: 1, others: [{ cls: 0, color: 1 }], targetClass: 2 });
    expect(all).toEqual({ score: 1, background: 1, otherClass: 1, otherColor: 1, targetClass: 1 });
    const some = textFidelity(probs, {
      background: 0,
      others: [
        { cls: 0, color: 0 },
        { cls: 1, color: 1 },
      ],
      targetClass: 1,
    });
    // checks: bg 0; classes 1, 0; colours 0, 1 → 2 of 5
    expect(some.score).toBeCloseTo(2 / 5, 10);
    expect(some.otherClass).toBe(0.5);
    expect(some.otherColor).toBe(0.5);
    expect(some.targetClass).toBe(0);
  });

  it('binds the colour to the object when the judge gives per-object presence', () => {
    // classes 0..2 × colours 0..1: only class 2 is drawn in colour 1 (colour 1 is present overall)
    const bound = { ...probs, objects: Float32Array.from([0.1, 0.2, 0.1, 0.1, 0.1, 0.9]) };
    const truth = { background: 1, others: [{ cls: 0, color: 1 }], targetClass: 2 };
    expect(textFidelity(probs, truth).otherColor).toBe(1); // unbound: some object is colour 1
    expect(textFidelity(bound, truth).otherColor).toBe(0); // bound: class 0 is not drawn in colour 1
    expect(textFidelity(bound, { ...truth, others: [{ cls: 2, color: 1 }] }).otherColor).toBe(1);
  });

  it('softmax / sigmoid / argmax', () => {
    const s = softmax([1, 1, 1, 1]);
    expect([...s].every((v) => Math.abs(v - 0.25) < 1e-7)).toBe(true);
    expect(argmax(softmax([1000, 1001, 0]))).toBe(1);
    expect(sigmoid([0])[0]).toBe(0.5);
  });
});

describe('statistics', () => {
  it('mean with a 95% t-interval', () => {
    const m = meanCI([1, 2, 3]);
    expect(m.mean).toBe(2);
    expect(m.hi - m.mean).toBeCloseTo(4.303 / Math.sqrt(3), 10);
    expect(m.mean - m.lo).toBeCloseTo(4.303 / Math.sqrt(3), 10);
    const constant = meanCI([0.5, 0.5, 0.5, 0.5]);
    expect([constant.lo, constant.hi]).toEqual([0.5, 0.5]);
    expect(meanCI([1, NaN]).mean).toBeNaN();
    expect(meanCI([]).n).toBe(0);
    expect(tQuantile975(19)).toBe(2.093);
    expect(tQuantile975(199)).toBe(1.96);
  });

  it('paired differences', () => {
    const d = pairedDiffCI([1, 2, 3, 4], [0, 1, 2, 3]);
    expect([d.mean, d.lo, d.hi]).toEqual([1, 1, 1]);
    expect(() => pairedDiffCI([1], [1, 2])).toThrow();
  });
});
