import { describe, expect, it } from 'vitest';
import type { EvalResult } from './run';
import type { Summary } from './score';
import { targetRows, verdict } from './targets';

describe('verdict of a target row', () => {
  it('says met or missed, by how much, for bars above and below', () => {
    expect(verdict({ target: 'iou', value: 0.461, bar: 0.6, better: 'higher' })).toBe('missed by 0.139');
    expect(verdict({ target: 'iou', value: 0.61, bar: 0.6, better: 'higher' })).toBe('met');
    expect(verdict({ target: 'leak', value: 0.371, bar: 0.5, better: 'lower' })).toBe('met');
    expect(verdict({ target: 'leak', value: 0.146, bar: 0.1, better: 'lower' })).toBe('missed by 0.046');
  });
  it('calls a figure the run did not make “not measured”', () => {
    expect(verdict({ target: 'x', value: null, bar: 0.5, better: 'higher' })).toBe('not measured');
    expect(verdict({ target: 'x', value: Number.NaN, bar: 0.5, better: 'higher' })).toBe('not measured');
  });
});

describe('the mask IoU row', () => {
  const result = (summary: Summary) =>
    ({
      configs: [{ config: { key: 'realcustom' }, summary }],
      oracle: { summary: {} },
    }) as unknown as EvalResult;
  const ci = (mean: number) => ({ mean, lo: mean, hi: mean, n: 1 });
  const row = (res: EvalResult) => targetRows(res).find((r) => r.target.includes('mask IoU'))!;

  it('names the best mask of its size beside the value, when the run measured it', () => {
    const r = row(result({ maskIoU: ci(0.394), maskIoUCeiling: ci(0.588) }));
    expect(r.value).toBe(0.394);
    expect(r.note).toBe('the best mask of its size: 0.588');
    expect(verdict(r)).toBe('missed by 0.206');
  });
  it('has no note when it did not', () => {
    expect(row(result({ maskIoU: ci(0.4) })).note).toBeUndefined();
  });
});
