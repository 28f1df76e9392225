import { describe, expect, it } from 'vitest';
import { inParallel } from './in-parallel';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('inParallel', () => {
  it('keeps at most `limit` calls in flight and answers in the items’ order', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const out = await inParallel([5, 1, 4, 2, 3], 2, async (x, i) => {
      started.push(i);
      inFlight++;
      most = Math.max(most, inFlight);
      for (let k = 0; k < x; k++) await tick();
      inFlight--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects with the first failure once the calls in flight have ended, starting nothing after it', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = inParallel([0, 1, 2, 3, 4], 2, async (_x, i) => {
      started.push(i);
      await tick();
      if (i === 1) throw new Error('file 1 refused');
      await tick();
      await tick();
      ended.push(i);
      return i;
    });
    await expect(run).rejects.toThrow('file 1 refused');
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([0]); // item 0 was running when 1 failed: it ended before the rejection
  });

  it('answers an empty list with an empty list', async () => {
    expect(await inParallel([], 3, async () => 1)).toEqual([]);
  });
});
