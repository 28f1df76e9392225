import { describe, expect, it } from 'vitest';
import { estimateStepMs, etaMs } from './eta';

describe('etaMs', () => {
  it('is unknown before the first step', () => {
    expect(etaMs([], 10)).toBeNull();
  });
  it('uses the first step alone until there is another', () => {
    expect(etaMs([2000], 4)).toBe(6000);
  });
  it('leaves the slow first step out once later steps exist', () => {
    expect(estimateStepMs([25_000, 4000, 4200])).toBe(4100);
    expect(etaMs([25_000, 4000, 4200], 5)).toBe(8200);
  });
  it('takes the median so one slow step does not swing it', () => {
    expect(estimateStepMs([9000, 1000, 1100, 9000, 1050])).toBe(1075);
    expect(estimateStepMs([9000, 1000, 5000, 1100])).toBe(1100);
  });
  it('is zero at the end', () => {
    expect(etaMs([3000, 1000], 2)).toBe(0);
  });
});
