import { describe, expect, it } from 'vitest';
import { LoadClock } from './load-clock';

function fakeNow(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('LoadClock', () => {
  it('announces each timed step and records its start and end from the clock’s origin', async () => {
    const clock = fakeNow();
    const announced: string[] = [];
    const c = new LoadClock((s) => announced.push(s), clock.now);
    clock.advance(5);
    await c.time('runtime', async () => clock.advance(40));
    const endFiles = c.begin('files'); // recorded, not announced
    clock.advance(10);
    endFiles();
    endFiles(); // a second end changes nothing
    expect(announced).toEqual(['runtime']);
    const at = { workerStartedAt: 1_000, loadPackCalledAt: 1_200 };
    expect(c.timings({ downloadedBytes: 123, runtimeFile: 'ort.wasm', ...at })).toEqual({
      steps: [
        { step: 'runtime', startMs: 5, endMs: 45 },
        { step: 'files', startMs: 45, endMs: 55 },
      ],
      totalMs: 55,
      downloadedBytes: 123,
      runtimeFile: 'ort.wasm',
      ...at,
    });
  });

  it('records a step that throws, and leaves an unfinished one out', async () => {
    const clock = fakeNow();
    const c = new LoadClock(undefined, clock.now);
    await expect(
      c.time('unet', async () => {
        clock.advance(7);
        throw new Error('bad graph');
      }),
    ).rejects.toThrow('bad graph');
    c.begin('helpers');
    expect(c.timings({ downloadedBytes: 0, runtimeFile: '', workerStartedAt: 0, loadPackCalledAt: 0 }).steps).toEqual([
      { step: 'unet', startMs: 0, endMs: 7 },
    ]);
  });
});
