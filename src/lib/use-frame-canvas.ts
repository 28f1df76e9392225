import { useEffect, useRef } from 'react';
import { paintOnAnimationFrames, type FrameChannel } from './frame-channel';

/** A canvas ref that repaints from `channel` on animation frames, with no React re-render. */
export function useFrameCanvas<T>(
  channel: FrameChannel<T>,
  paint: (canvas: HTMLCanvasElement, frame: T | null) => void,
) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    return paintOnAnimationFrames(channel, (frame) => paint(canvas, frame));
  }, [channel, paint]);
  return ref;
}
