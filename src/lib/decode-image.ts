/**
 * A reference file from the person → RGBA pixels the engine accepts, or an
 * ImageDecodeError whose message says what is wrong with the file.
 *
 * Decisions (README, "Reference images"):
 * - The type is sniffed from the bytes; the name and declared MIME type are ignored.
 * - Decoding runs in a short-lived module worker (decode-image.worker.ts), so big images
 *   never freeze the page; the result is downscaled to ≤ MAX_SIDE per side (the engine
 *   resizes again to the pack's reference size).
 * - EXIF orientation is applied (the image is shown and used upright).
 * - Transparency is composited over white; animated GIF/PNG/WebP use their first frame;
 *   a very small image (< MIN_USEFUL_SIDE) is accepted with a note: each says so in `notes`.
 * - An image so long and thin that, scaled to MAX_SIDE, its shorter side falls below
 *   MIN_USEFUL_SIDE is refused with the reason: the encoder's square would be a few pixels.
 * - SVG is refused: a vector drawing has no pixel size of its own and may reference
 *   outside resources; rasterizing it is left to the person's editor (export as PNG).
 * - CMYK JPEG: Chromium's decoder converts it to RGB; e2e covers it.
 */
import type { Rgba } from '../../workers/protocol';
import { isAnimated, pngSize, sniffType, truncation, type ImageFormat } from './image-sniff';

export const MAX_SIDE = 1024;
/** Below this (shorter side) an image is accepted but carries little of a design. */
export const MIN_USEFUL_SIDE = 16;
/** PNGs declaring more pixels than this are refused from their header (8000×8000 is accepted). */
export const MAX_PIXELS = 100_000_000;
/** Files larger than this are refused before any decoding. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const DECODE_TIMEOUT_MS = 60_000;

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** Rgba plus what the person should know about how the file was read. */
export interface DecodedImage extends Rgba {
  format: ImageFormat;
  original: { width: number; height: number };
  /** Sentences for the person, e.g. "Transparent areas were filled with white." */
  notes: string[];
}

/** Worker protocol (decode-image.worker.ts). */
export interface DecodeRequest {
  blob: Blob;
  maxSide: number;
}
export type DecodeReply =
  | {
      ok: true;
      width: number;
      height: number;
      data: Uint8ClampedArray;
      original: { width: number; height: number };
      transparent: boolean;
    }
  | { ok: false; reason: 'undecodable'; detail: string };

const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
};

function decodeInWorker(blob: Blob): Promise<DecodeReply> {
  const worker = new Worker(new URL('./decode-image.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decode-image',
  });
  return new Promise<DecodeReply>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new ImageDecodeError('Decoding this image took too long; try a smaller image.'));
    }, DECODE_TIMEOUT_MS);
    worker.onmessage = (event: MessageEvent<DecodeReply>) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      reject(new ImageDecodeError(`The image could not be decoded (${event.message || 'decoder crashed'}).`));
    };
    const request: DecodeRequest = { blob, maxSide: MAX_SIDE };
    worker.postMessage(request);
    // Whatever happens, the worker goes: one worker per file keeps memory from piling up.
  }).finally(() => worker.terminate());
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export async function decodeImage(file: Blob): Promise<DecodedImage> {
  if (file.size === 0) throw new ImageDecodeError('This file is empty.');
  if (file.size > MAX_FILE_BYTES)
    throw new ImageDecodeError(
      `This file is ${megabytes(file.size)}; images up to ${megabytes(MAX_FILE_BYTES)} are accepted.`,
    );
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sniffed = sniffType(bytes.subarray(0, 512));
  if (sniffed.kind === 'svg')
    throw new ImageDecodeError(
      'SVG drawings are not accepted as a reference: export it as PNG or JPEG and upload that.',
    );
  if (sniffed.kind === 'other')
    throw new ImageDecodeError(
      sniffed.looksLike
        ? `This file is not an image (it looks like ${sniffed.looksLike}). Use a PNG, JPEG, WebP or GIF.`
        : 'This file is not an image this app can read. Use a PNG, JPEG, WebP or GIF.',
    );
  const name = FORMAT_NAMES[sniffed.format];
  // A PNG says its size up front: a huge one is refused as too large, before a decoder fails on it.
  const declared = sniffed.format === 'png' ? pngSize(bytes) : null;
  if (declared && declared.width * declared.height > MAX_PIXELS)
    throw new ImageDecodeError(
      `This image is ${declared.width}×${declared.height} pixels, too large to read here; images up to ${MAX_PIXELS / 1e6} megapixels are accepted. Scale it down first.`,
    );
  const cut = truncation(sniffed.format, bytes);
  if (cut)
    throw new ImageDecodeError(
      `This ${name} file is incomplete (${cut}): it was probably cut off while copying or downloading.`,
    );

  // Hand the decoder a Blob with the sniffed type, not whatever the file claimed.
  const reply = await decodeInWorker(new Blob([bytes], { type: `image/${sniffed.format}` }));
  if (!reply.ok) throw new ImageDecodeError(`This ${name} file is damaged and could not be decoded (${reply.detail}).`);

  const { original } = reply;
  const shorter = Math.min(reply.width, reply.height);
  if (shorter < MIN_USEFUL_SIDE && Math.min(original.width, original.height) >= MIN_USEFUL_SIDE)
    throw new ImageDecodeError(
      `This image is ${original.width}×${original.height}, too long and thin: scaled to fit ${MAX_SIDE} px, the square the encoder sees would be only ${shorter} px across. Crop it closer to square (at most ${MAX_SIDE / MIN_USEFUL_SIDE}:1) and upload that.`,
    );
  const notes: string[] = [];
  if (Math.min(original.width, original.height) < MIN_USEFUL_SIDE)
    notes.push(
      `This image is only ${original.width}×${original.height} pixels: too small to carry a design; it is used, enlarged.`,
    );
  if (reply.width !== original.width)
    notes.push(`Scaled down from ${original.width}×${original.height} to ${reply.width}×${reply.height}.`);
  if (reply.transparent) notes.push('Transparent areas were filled with white.');
  if (isAnimated(sniffed.format, bytes)) notes.push(`This ${name} is animated: its first frame is used.`);
  return {
    width: reply.width,
    height: reply.height,
    data: reply.data,
    format: sniffed.format,
    original,
    notes,
  };
}
