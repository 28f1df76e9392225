import { describe, expect, it } from 'vitest';
import type { Rgba } from '../protocol';
import { chwToRgba, referencePixels } from './image';

function rgba(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('reference resize + centre crop', () => {
  it('is the identity (up to [−1, 1] mapping) at the target size', () => {
    const img = rgba(4, 4, (x, y) => [x * 60, y * 60, 255, 255]);
    const px = referencePixels(img, 4);
    expect(px[0 * 16 + 1 * 4 + 3]).toBeCloseTo((3 * 60 * 2) / 255 - 1, 6); // R at (x=3, y=1)
    expect(px[1 * 16 + 2 * 4 + 0]).toBeCloseTo((2 * 60 * 2) / 255 - 1, 6); // G at (x=0, y=2)
    expect(px[2 * 16]).toBeCloseTo(1, 6);
  });

  it('averages when shrinking (no aliasing of a 1-px checkerboard)', () => {
    const img = rgba(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    for (const v of referencePixels(img, 8)) expect(Math.abs(v)).toBeLessThan(0.02);
  });

  it('crops the centre of a wide image', () => {
    // Left and right quarters red, centre half blue: the centre square is all blue.
    const img = rgba(8, 4, (x) => (x < 2 || x >= 6 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
    const px = referencePixels(img, 2);
    expect(Array.from(px.subarray(0, 4))).toEqual([-1, -1, -1, -1]);
    expect(Array.from(px.subarray(8, 12))).toEqual([1, 1, 1, 1]);
  });

  it('composites transparency over white and upsamples smoothly', () => {
    const img = rgba(2, 2, () => [0, 0, 0, 0]);
    expect(Array.from(referencePixels(img, 5)).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });
});

describe('decoder output → RGBA', () => {
  it('maps [−1, 1] to 0…255, clamps, alpha 255', () => {
    const out = chwToRgba(Float32Array.from([-1, 1, 0, 2, 0.5, -3]), 2, 1);
    expect(Array.from(out.data)).toEqual([0, 128, 191, 255, 255, 255, 0, 255]);
  });
});
