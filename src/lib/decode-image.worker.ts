/**
 * Decodes one reference image off the main thread: createImageBitmap (EXIF orientation
 * applied), downscale on an OffscreenCanvas to at most MAX_SIDE per side, composite any
 * transparency over white. An 8000×8000 photo is decoded here, so the page never freezes.
 */
import type { DecodeReply, DecodeRequest } from './decode-image';

function reply(message: DecodeReply, transfer: Transferable[] = []): void {
  postMessage(message, { transfer });
}

async function decode({ blob, maxSide }: DecodeRequest): Promise<void> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch (err) {
    reply({ ok: false, reason: 'undecodable', detail: err instanceof Error ? err.message : String(err) });
    return;
  }
  const original = { width: bitmap.width, height: bitmap.height };
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    bitmap.close();
    reply({ ok: false, reason: 'undecodable', detail: 'no 2D context' });
    return;
  }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const data = ctx.getImageData(0, 0, width, height).data;
  // Composite over white by hand so we also learn whether anything was transparent.
  let transparent = false;
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    if (a === 255) continue;
    transparent = true;
    const k = a / 255;
    data[i] = data[i]! * k + 255 * (1 - k);
    data[i + 1] = data[i + 1]! * k + 255 * (1 - k);
    data[i + 2] = data[i + 2]! * k + 255 * (1 - k);
    data[i + 3] = 255;
  }
  reply({ ok: true, width, height, data, original, transparent }, [data.buffer]);
}

addEventListener('message', (event: MessageEvent<DecodeRequest>) => {
  void decode(event.data);
});
