/**
 * The square the engine will see: the reference is cropped to a square on the page (the
 * person moves the crop along the long side), so the engine's own centre crop is a no-op
 * and what the preview shows is what the encoder gets.
 */
import type { Rgba } from '../../workers/protocol';

export interface SquareCrop {
  x: number;
  y: number;
  side: number;
}

/** `position` in [0, 1] slides the square along the long side (0.5 = centre). */
export function squareCrop(width: number, height: number, position: number): SquareCrop {
  const side = Math.min(width, height);
  const p = Number.isFinite(position) ? Math.min(1, Math.max(0, position)) : 0.5;
  const slack = Math.max(width, height) - side;
  const offset = Math.round(slack * p);
  return width >= height ? { x: offset, y: 0, side } : { x: 0, y: offset, side };
}

/** The crop position that puts the square's centre nearest `centre` (pixels along the long side). */
export function positionFor(width: number, height: number, centre: number): number {
  const side = Math.min(width, height);
  const slack = Math.max(width, height) - side;
  if (slack <= 0) return 0.5;
  return Math.min(1, Math.max(0, (centre - side / 2) / slack));
}

export function cropRgba(image: Rgba, crop: SquareCrop): Rgba {
  const { x, y, side } = crop;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let row = 0; row < side; row++) {
    const from = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(from, from + side * 4), row * side * 4);
  }
  return { width: side, height: side, data };
}
