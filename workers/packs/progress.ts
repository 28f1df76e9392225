/**
 * Progress events cross the worker boundary; a fast cache read or a quick network would
 * send one per chunk (thousands). This keeps one per file change, one per interval, and
 * always the final one, so the page's bar is smooth and the channel stays quiet.
 */
import type { PackProgress } from '../protocol';

export function throttleProgress(
  onProgress: (p: PackProgress) => void,
  intervalMs = 50,
  now: () => number = () => performance.now(),
): (p: PackProgress) => void {
  let lastAt = -Infinity;
  let lastFile = '';
  return (p) => {
    const t = now();
    if (p.file !== lastFile || t - lastAt >= intervalMs || p.loadedBytes >= p.totalBytes) {
      lastAt = t;
      lastFile = p.file;
      const delivered: unknown = onProgress(p);
      if (delivered instanceof Promise) delivered.catch(() => undefined);
    }
  };
}
