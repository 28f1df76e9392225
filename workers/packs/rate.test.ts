import { describe, expect, it } from 'vitest';
import { DownloadRate } from './rate';

describe('DownloadRate', () => {
  it('says nothing before half a second of data, then the time left at the recent rate', () => {
    let t = 0;
    const rate = new DownloadRate(() => t);
    rate.add(1000);
    t = 200;
    rate.add(1000);
    expect(rate.etaMs(10_000)).toBeNull();
    t = 1000;
    rate.add(4000); // 5000 bytes in 1 s since the first sample
    expect(rate.etaMs(10_000)).toBe(2000);
    expect(rate.etaMs(0)).toBeNull();
  });

  it('forgets samples older than its window, so a slowdown shows soon', () => {
    let t = 0;
    const rate = new DownloadRate(() => t, 10_000);
    for (; t <= 10_000; t += 1000) rate.add(1_000_000); // 1 MB/s
    for (; t <= 40_000; t += 1000) rate.add(10_000); // then 10 KB/s
    expect(rate.etaMs(100_000)).toBe(10_000);
  });
});
