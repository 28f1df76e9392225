/**
 * A finished result as files: the image as PNG with its settings in a tEXt chunk
 * (`parameters`, JSON), and the masks as a second PNG (the combined mask, then each
 * layer's, side by side as heat maps), plus a small reference thumbnail for the gallery.
 */
import type { Gray, Params, Rgba } from '../../workers/protocol';
import { heatmapPixels } from './heatmap';
import { addPngText } from './png-text';

export const PARAMETERS_KEY = 'parameters';
const MASK_TILE = 128;
const MASK_GAP = 4;

export interface ResultSettings {
  prompt: string;
  targetWord: string;
  /** Word index of the target in the prompt (which copy of the word). */
  targetIndex?: number;
  params: Params;
  packName: string;
}

function canvasOf(image: Rgba): OffscreenCanvas {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const data = new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.length);
  canvas.getContext('2d')?.putImageData(new ImageData(data, image.width, image.height), 0, 0);
  return canvas;
}

async function pngWithText(canvas: OffscreenCanvas, text: Record<string, string>): Promise<Blob> {
  const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  return new Blob([addPngText(png, { Software: 'RealCustom Web', ...text })], { type: 'image/png' });
}

export function imagePng(image: Rgba, settings: ResultSettings): Promise<Blob> {
  return pngWithText(canvasOf(image), { [PARAMETERS_KEY]: JSON.stringify(settings) });
}

/** Masks as one strip of heat-map tiles; null when the mode has no mask. */
export function masksPng(mask: Gray | null, layerMasks: Gray[], tileNames: string[]): Promise<Blob> | null {
  if (!mask) return null;
  const maps = [mask, ...layerMasks];
  const strip = new OffscreenCanvas(maps.length * MASK_TILE + (maps.length - 1) * MASK_GAP, MASK_TILE);
  const ctx = strip.getContext('2d');
  if (!ctx) return null;
  ctx.imageSmoothingEnabled = false;
  maps.forEach((map, i) => {
    const tile = canvasOf({ width: map.width, height: map.height, data: heatmapPixels(map, false) });
    ctx.drawImage(tile, i * (MASK_TILE + MASK_GAP), 0, MASK_TILE, MASK_TILE);
  });
  return pngWithText(strip, { Comment: `Masks, left to right: ${['combined', ...tileNames].join(', ')}` });
}

/** The reference as the encoder saw it, small, for the gallery card. */
export function thumbnailPng(image: Rgba, side = 96): Promise<Blob> {
  const thumb = new OffscreenCanvas(side, side);
  thumb.getContext('2d')?.drawImage(canvasOf(image), 0, 0, side, side);
  return thumb.convertToBlob({ type: 'image/png' });
}

/** Starts a download of `blob` under `name` (an object URL that lives one tick). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name from the prompt's words: `realcustom-red-star-on-grass-seed7.png`. */
export function resultFileName(settings: ResultSettings, suffix = ''): string {
  const words = settings.prompt.toLowerCase().match(/[a-z0-9]+/gu) ?? [];
  const stem = words.slice(0, 6).join('-') || 'image';
  return `realcustom-${stem}-seed${settings.params.seed}${suffix}.png`;
}
