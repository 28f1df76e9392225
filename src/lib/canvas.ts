import type { Gray, Rgba } from '../../workers/protocol';
import { heatmapPixels } from './heatmap';

/** Sizes the canvas to the frame and draws it 1:1; CSS scales it. `null` clears. */
export function drawRgba(canvas: HTMLCanvasElement, frame: Rgba | null): void {
  if (!frame) return clear(canvas);
  resize(canvas, frame.width, frame.height);
  const data = new Uint8ClampedArray(frame.data.buffer as ArrayBuffer, frame.data.byteOffset, frame.data.length);
  canvas.getContext('2d')?.putImageData(new ImageData(data, frame.width, frame.height), 0, 0);
}

/** A mask or attention map as a heat map; `overlay` keeps low values transparent. */
export function drawHeatmap(canvas: HTMLCanvasElement, map: Gray | null, overlay: boolean): void {
  if (!map) return clear(canvas);
  resize(canvas, map.width, map.height);
  canvas.getContext('2d')?.putImageData(new ImageData(heatmapPixels(map, overlay), map.width, map.height), 0, 0);
}

function resize(canvas: HTMLCanvasElement, width: number, height: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

function clear(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}
