import { describe, expect, it } from 'vitest';
import { meanOverLayers, normalizeLayers, scopeMask } from '../testing/reference-math';
import { keepCount } from './mask-math';

describe('mask math on hand-made maps', () => {
  it('keeps round(γ·n) positions, at least one', () => {
    expect(keepCount(0.25, 256)).toBe(64);
    expect(keepCount(0.2, 10)).toBe(2);
    expect(keepCount(0.01, 10)).toBe(1);
    expect(keepCount(1, 10)).toBe(10);
  });

  it('means over layers', () => {
    const maps = Float32Array.from([1, 2, 3, 4, /* layer 2 */ 3, 2, 1, 0]);
    expect(Array.from(meanOverLayers(maps, 2))).toEqual([2, 2, 2, 2]);
  });

  it('keeps the top k, zeroes the rest, divides by the max', () => {
    const map = Float32Array.from([0.1, 0.8, 0.4, 0.2]);
    expect(Array.from(scopeMask(map, 2, false))).toEqual([0, 1, 0.5, 0]);
    expect(Array.from(scopeMask(map, 2, true))).toEqual([0, 1, 1, 0]);
    expect(Array.from(scopeMask(map, 4, false))).toEqual([0.125, 1, 0.5, 0.25]);
  });

  it('keeps all ties at the k-th value', () => {
    const map = Float32Array.from([0.5, 0.5, 0.5, 0.1]);
    expect(Array.from(scopeMask(map, 1, true))).toEqual([1, 1, 1, 0]);
  });

  it('normalizes each layer by its own max, zero layers stay zero', () => {
    const maps = Float32Array.from([1, 2, 4, 0, 0, 0]);
    expect(Array.from(normalizeLayers(maps, 2))).toEqual([0.25, 0.5, 1, 0, 0, 0]);
  });
});
