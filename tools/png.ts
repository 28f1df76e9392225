/** PNG in and out for the CLI (fast-png): any common PNG → RGBA8, RGBA8 or gray maps → PNG. */
import { readFile, writeFile } from 'node:fs/promises';
import { convertIndexedToRgb, decode, encode } from 'fast-png';
import type { Gray, Rgba } from '../workers/protocol';

export async function readPng(path: string): Promise<Rgba> {
  const png = decode(await readFile(path));
  const { width, height } = png;
  let data: ArrayLike<number> = png.data;
  let depth: number = png.depth;
  if (png.palette !== undefined) {
    data = convertIndexedToRgb(png);
    depth = 8;
  } else if (depth < 8) {
    throw new Error(`${path}: ${depth}-bit grayscale PNGs are not supported; save it as 8-bit RGB(A)`);
  }
  const channels = data.length / (width * height);
  const shift = depth === 16 ? 8 : 0;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const px = (c: number) => data[p * channels + c]! >> shift;
    const [r, g, b, a] =
      channels >= 3
        ? [px(0), px(1), px(2), channels === 4 ? px(3) : 255]
        : [px(0), px(0), px(0), channels === 2 ? px(1) : 255];
    out.set([r, g, b, a], p * 4);
  }
  return { width, height, data: out };
}

export async function writePng(path: string, image: Rgba): Promise<void> {
  await writeFile(path, encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 }));
}

/**
 * A grid of gray maps (rows × columns, each upscaled by `zoom`, nearest neighbour, 1 px
 * gaps): the CLI's mask strip, one column per step, the combined mask on top and one row
 * per layer below.
 */
export async function writeGrayGrid(path: string, grid: (Gray | null)[][], zoom: number): Promise<void> {
  const cells = grid.flat().filter((g): g is Gray => g !== null);
  if (cells.length === 0) return;
  const cw = Math.max(...cells.map((c) => c.width)) * zoom;
  const ch = Math.max(...cells.map((c) => c.height)) * zoom;
  const columns = Math.max(...grid.map((r) => r.length));
  const width = columns * (cw + 1) - 1;
  const height = grid.length * (ch + 1) - 1;
  const data = new Uint8Array(width * height).fill(64);
  grid.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell === null) return;
      for (let y = 0; y < ch; y++) {
        for (let x = 0; x < cw; x++) {
          const v = cell.data[Math.floor((y * cell.height) / ch) * cell.width + Math.floor((x * cell.width) / cw)]!;
          data[(r * (ch + 1) + y) * width + c * (cw + 1) + x] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
      }
    }),
  );
  await writeFile(path, encode({ width, height, data, channels: 1, depth: 8 }));
}
