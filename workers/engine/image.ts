/**
 * Pixel conversions at the engine's edges: the user's RGBA reference → the image encoder's
 * [1, 3, S, S] input in [−1, 1], and decoder output (or a latent preview) → RGBA for the page.
 */
import type { Gray, Rgba } from '../protocol';

interface Tap {
  index: number;
  weight: number;
}

/**
 * 1-D resampling taps from `srcLen` source pixels starting at `srcStart` (fractional)
 * onto `dstLen` pixels: a triangle (bilinear) kernel widened by the downscale factor, as
 * PIL's BILINEAR does, so shrinking a photo averages instead of aliasing.
 */
function taps(srcStart: number, srcLen: number, dstLen: number): Tap[][] {
  const scale = srcLen / dstLen;
  const support = Math.max(1, scale);
  return Array.from({ length: dstLen }, (_, o) => {
    const centre = srcStart + (o + 0.5) * scale; // in source pixel units, pixel i spans [i, i+1)
    const list: Tap[] = [];
    let total = 0;
    // Only pixels inside the crop window contribute, so a crop never bleeds in what it cut.
    const lo = Math.max(Math.floor(centre - support), Math.floor(srcStart));
    const hi = Math.min(Math.ceil(centre + support), Math.ceil(srcStart + srcLen) - 1);
    for (let i = lo; i <= hi; i++) {
      const weight = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      if (weight > 0) {
        list.push({ index: i, weight });
        total += weight;
      }
    }
    return list.map((t) => ({ index: t.index, weight: t.weight / total }));
  });
}

/**
 * Cover-resize and centre-crop to size×size, composite alpha over white (transparent
 * backgrounds read as the white studio backdrop references usually have), map to [−1, 1].
 * Returns CHW float32, ready for the `pixels` input.
 */
export function referencePixels(image: Rgba, size: number): Float32Array {
  const { width: w, height: h, data } = image;
  const side = Math.min(w, h);
  const xs = taps((w - side) / 2, side, size);
  const ys = taps((h - side) / 2, side, size);

  // Straight RGB composited over white, as floats in [0, 1].
  const rgb = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const a = data[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = (data[p * 4 + c]! / 255) * a + (1 - a);
  }

  // Horizontal pass over every row, then vertical.
  const rows = new Float32Array(h * size * 3);
  for (let y = 0; y < h; y++) {
    xs.forEach((list, x) => {
      for (const { index, weight } of list) {
        for (let c = 0; c < 3; c++) rows[(y * size + x) * 3 + c]! += weight * rgb[(y * w + index) * 3 + c]!;
      }
    });
  }
  const out = new Float32Array(3 * size * size);
  ys.forEach((list, y) => {
    for (let x = 0; x < size; x++) {
      for (const { index, weight } of list) {
        for (let c = 0; c < 3; c++) out[c * size * size + y * size + x]! += weight * rows[(index * size + x) * 3 + c]!;
      }
    }
  });
  return out.map((v) => v * 2 - 1);
}

/** Decoder output (CHW, [−1, 1]) → opaque RGBA. */
export function chwToRgba(chw: Float32Array, width: number, height: number): Rgba {
  const n = width * height;
  const data = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(((chw[c * n + p]! + 1) / 2) * 255);
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

/**
 * Bilinear upscale (half-pixel centres, edges clamped) of an RGBA image to size×size: the
 * latent-resolution preview shown at the image's size.
 */
export function upscaleRgba(image: Rgba, size: number): Rgba {
  const { width: w, height: h, data } = image;
  const out = new Uint8ClampedArray(size * size * 4);
  const axis = (len: number) =>
    Array.from({ length: size }, (_, o) => {
      const x = Math.min(Math.max(((o + 0.5) * len) / size - 0.5, 0), len - 1);
      const i = Math.min(Math.floor(x), len - 2 < 0 ? 0 : len - 2);
      return { i, j: Math.min(i + 1, len - 1), t: x - i };
    });
  const xs = axis(w);
  const ys = axis(h);
  for (let y = 0; y < size; y++) {
    const { i: y0, j: y1, t: ty } = ys[y]!;
    for (let x = 0; x < size; x++) {
      const { i: x0, j: x1, t: tx } = xs[x]!;
      for (let c = 0; c < 4; c++) {
        const at = (yy: number, xx: number) => data[(yy * w + xx) * 4 + c]!;
        const top = at(y0, x0) * (1 - tx) + at(y0, x1) * tx;
        const bottom = at(y1, x0) * (1 - tx) + at(y1, x1) * tx;
        out[(y * size + x) * 4 + c] = Math.round(top * (1 - ty) + bottom * ty);
      }
    }
  }
  return { width: size, height: size, data: out };
}

export function gray(data: Float32Array, width: number, height: number): Gray {
  return { width, height, data };
}

export function cloneGray(g: Gray): Gray {
  return { width: g.width, height: g.height, data: g.data.slice() };
}

export function cloneRgba(i: Rgba): Rgba {
  return { width: i.width, height: i.height, data: i.data.slice() };
}
