import { describe, expect, it } from 'vitest';
import { deterministicLog, gaussian, uint32Stream } from './rng';

describe('seeded Gaussian noise', () => {
  it('is the same for the same seed and differs across seeds', () => {
    expect(gaussian(7, 1000)).toEqual(gaussian(7, 1000));
    expect(gaussian(7, 16)).not.toEqual(gaussian(8, 16));
    // A prefix does not depend on how many samples are drawn.
    expect(gaussian(7, 5)).toEqual(gaussian(7, 6).subarray(0, 5));
  });

  it('has pinned values (a change here changes every image ever generated)', () => {
    const first = Array.from(gaussian(1, 4), (v) => Number(v.toFixed(6)));
    expect(first).toMatchInlineSnapshot(`
      [
        0.418079,
        1.547422,
        0.999048,
        -0.025604,
      ]
    `);
    const ints = uint32Stream(0);
    expect([ints(), ints(), ints()]).toMatchInlineSnapshot(`
      [
        3809008728,
        1133695204,
        53579671,
      ]
    `);
  });

  it('is standard normal', () => {
    const x = gaussian(123, 200_000);
    let mean = 0;
    let sq = 0;
    let tail = 0;
    for (const v of x) {
      mean += v;
      sq += v * v;
      if (Math.abs(v) > 1.959964) tail++;
    }
    mean /= x.length;
    const variance = sq / x.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(Math.abs(tail / x.length - 0.05)).toBeLessThan(0.003);
  });

  it('computes ln within 1 ulp-ish of Math.log', () => {
    for (const x of [1e-300, 1e-9, 0.001, 0.25, 0.5, 0.7071, 0.99999, 1, 1.5, 2, 10, 12345.678]) {
      expect(deterministicLog(x)).toBeCloseTo(Math.log(x), 13);
    }
  });
});
