/**
 * The reference's pixels, outside React (the store keeps only its size, name and crop).
 * Kept at decode size (≤ 1024 px); the square the engine gets is cut on demand.
 */
import type { Rgba } from '../../../workers/protocol';
import { cropRgba, squareCrop } from '../../lib/crop';
import { useStore } from '../../store';

let pixels: Rgba | null = null;
let version = 0;

export function setReferencePixels(image: Rgba, name: string, notes: string[]): void {
  pixels = image;
  version++;
  useStore.getState().setReference({
    status: 'ready',
    name,
    width: image.width,
    height: image.height,
    notes,
    cropPosition: 0.5,
    version,
  });
}

export function referencePixels(): Rgba | null {
  return pixels;
}

export function clearReference(): void {
  pixels = null;
  useStore.getState().setReference({ status: 'empty' });
}

/** The square crop the person chose, or null without a reference. */
export function croppedReference(): Rgba | null {
  const { reference } = useStore.getState();
  if (!pixels || reference.status !== 'ready') return null;
  return cropRgba(pixels, squareCrop(pixels.width, pixels.height, reference.cropPosition));
}
