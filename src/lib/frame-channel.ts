/**
 * Latest-value channel for pixels: the engine session publishes every frame, canvases paint
 * at most once per animation frame and only the newest frame. Pixels never pass through
 * React state, so a 20-step run re-renders nothing.
 */
export interface FrameChannel<T> {
  publish(frame: T | null): void;
  latest(): T | null;
  subscribe(listener: (frame: T | null) => void): () => void;
}

export function createFrameChannel<T>(): FrameChannel<T> {
  let current: T | null = null;
  const listeners = new Set<(frame: T | null) => void>();
  return {
    publish(frame) {
      current = frame;
      for (const listener of listeners) listener(frame);
    },
    latest: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Calls `paint` with the channel's newest frame on the next animation frame after any
 * publish, coalescing bursts. Paints once at start so a remounted canvas is not blank.
 */
export function paintOnAnimationFrames<T>(
  channel: FrameChannel<T>,
  paint: (frame: T | null) => void,
  schedule: (cb: () => void) => number = requestAnimationFrame,
  unschedule: (handle: number) => void = cancelAnimationFrame,
): () => void {
  let handle: number | null = null;
  const flush = () => {
    handle = null;
    paint(channel.latest());
  };
  const request = () => {
    if (handle === null) handle = schedule(flush);
  };
  const unsubscribe = channel.subscribe(request);
  request();
  return () => {
    unsubscribe();
    if (handle !== null) unschedule(handle);
  };
}
