import { describe, expect, it } from 'vitest';
import { combineRows } from '../testing/reference-math';
import { dualWeights, singleWeights } from './guidance';

describe('classifier-free guidance as row weights', () => {
  it('dual: ε∅ + ω_t(ε_T − ε∅) + ω_i(ε_TI − ε_T)', () => {
    const [e0, eT, eTI] = [0.3, -1.2, 2.5];
    const [wt, wi] = [7.5, 12.5];
    const got = combineRows(Float32Array.from([e0, eT, eTI]), dualWeights(wt, wi))[0]!;
    expect(got).toBeCloseTo(e0 + wt * (eT - e0) + wi * (eTI - eT), 4);
  });

  it('single: ε∅ + ω(ε_C − ε∅)', () => {
    const got = combineRows(Float32Array.from([1, 2, 3, 5]), singleWeights(3));
    expect(Array.from(got)).toEqual([1 + 3 * (3 - 1), 2 + 3 * (5 - 2)]);
  });

  it('weights sum to 1, so equal rows pass through unchanged', () => {
    expect(dualWeights(7.5, 12.5).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(Array.from(combineRows(Float32Array.from([4, 4, 4]), dualWeights(5, 9)))).toEqual([4]);
  });
});
