import { describe, expect, it } from 'vitest';
import { RELATIVE_TOLERANCE, compareOutputs, median } from './compare-outputs';

const out = (name: string, ...values: number[]) => ({ name, values: new Float32Array(values) });

describe('compareOutputs', () => {
  it('reports the largest difference per output, relative to its scale', () => {
    const [small, big] = compareOutputs(
      [out('mask', 0.1, 0.9), out('logits', 40, -10)],
      [out('logits', 40.02, -10), out('mask', 0.1, 0.9005)],
    );
    expect(small).toMatchObject({ name: 'mask', scale: 1, withinTolerance: true });
    expect(small!.maxAbsDiff).toBeCloseTo(0.0005, 6);
    expect(big).toMatchObject({ name: 'logits', scale: 40, withinTolerance: true }); // 0.02 ≤ 1e-3 · 40
  });

  it('fails beyond the tolerance, on NaN, and on a missing or resized output', () => {
    expect(compareOutputs([out('y', 0)], [out('y', 2 * RELATIVE_TOLERANCE)])[0]!.withinTolerance).toBe(false);
    expect(compareOutputs([out('y', 0)], [out('y', Number.NaN)])[0]!.maxAbsDiff).toBe(Infinity);
    expect(compareOutputs([out('y', 0)], [out('z', 0)])[0]!.withinTolerance).toBe(false);
    expect(compareOutputs([out('y', 0)], [out('y', 0, 0)])[0]!.withinTolerance).toBe(false);
  });
});

describe('median', () => {
  it('takes the middle value or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
