import { describe, expect, it } from 'vitest';
import { createFrameChannel, paintOnAnimationFrames } from './frame-channel';

function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    schedule: (cb: () => void) => {
      queue.set(next, cb);
      return next++;
    },
    unschedule: (handle: number) => void queue.delete(handle),
    tick() {
      const callbacks = [...queue.values()];
      queue.clear();
      callbacks.forEach((cb) => cb());
    },
    pending: () => queue.size,
  };
}

describe('paintOnAnimationFrames', () => {
  it('paints the newest frame once per animation frame', () => {
    const channel = createFrameChannel<number>();
    const frames = manualFrames();
    const painted: (number | null)[] = [];
    paintOnAnimationFrames(channel, (f) => painted.push(f), frames.schedule, frames.unschedule);
    frames.tick();
    channel.publish(1);
    channel.publish(2);
    channel.publish(3);
    expect(frames.pending()).toBe(1);
    frames.tick();
    expect(painted).toEqual([null, 3]);
  });

  it('stops painting after dispose', () => {
    const channel = createFrameChannel<number>();
    const frames = manualFrames();
    const painted: (number | null)[] = [];
    const dispose = paintOnAnimationFrames(channel, (f) => painted.push(f), frames.schedule, frames.unschedule);
    channel.publish(7);
    dispose();
    frames.tick();
    channel.publish(8);
    frames.tick();
    expect(painted).toEqual([]);
  });
});
