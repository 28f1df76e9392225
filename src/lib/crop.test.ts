import { describe, expect, it } from 'vitest';
import { cropRgba, positionFor, squareCrop } from './crop';

describe('squareCrop', () => {
  it('slides along the long side', () => {
    expect(squareCrop(300, 100, 0)).toEqual({ x: 0, y: 0, side: 100 });
    expect(squareCrop(300, 100, 0.5)).toEqual({ x: 100, y: 0, side: 100 });
    expect(squareCrop(300, 100, 1)).toEqual({ x: 200, y: 0, side: 100 });
    expect(squareCrop(100, 300, 1)).toEqual({ x: 0, y: 200, side: 100 });
  });
  it('clamps the position and treats nonsense as centre', () => {
    expect(squareCrop(300, 100, 7)).toEqual({ x: 200, y: 0, side: 100 });
    expect(squareCrop(300, 100, Number.NaN)).toEqual({ x: 100, y: 0, side: 100 });
    expect(squareCrop(64, 64, 0.9)).toEqual({ x: 0, y: 0, side: 64 });
  });
});

describe('positionFor', () => {
  it('inverts squareCrop for a centre point', () => {
    expect(positionFor(300, 100, 150)).toBe(0.5);
    expect(positionFor(300, 100, 0)).toBe(0);
    expect(positionFor(300, 100, 299)).toBe(1);
    expect(positionFor(50, 50, 10)).toBe(0.5);
  });
});

describe('cropRgba', () => {
  it('copies the square rows', () => {
    // 3×2 image, pixel value = its index
    const data = new Uint8ClampedArray(3 * 2 * 4).map((_, i) => Math.floor(i / 4));
    const out = cropRgba({ width: 3, height: 2, data }, { x: 1, y: 0, side: 2 });
    expect([out.width, out.height]).toEqual([2, 2]);
    expect([0, 1, 2, 3].map((p) => out.data[p * 4])).toEqual([1, 2, 4, 5]);
  });
});
