import { describe, expect, it } from 'vitest';
import { verdict } from './targets';

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
