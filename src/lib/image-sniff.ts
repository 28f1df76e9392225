/**
 * What a file really is, from its first bytes (never from its name or its declared MIME
 * type), plus the structural checks that catch a cut-off PNG/JPEG/GIF before decoding.
 * Pure functions on bytes, so Vitest covers them.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif';

export type SniffResult =
  { kind: 'image'; format: ImageFormat } | { kind: 'svg' } | { kind: 'other'; looksLike: string | null };

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

const NON_IMAGES: readonly { sig: readonly number[]; name: string }[] = [
  { sig: [0x25, 0x50, 0x44, 0x46], name: 'PDF' }, // %PDF
  { sig: [0x50, 0x4b, 0x03, 0x04], name: 'ZIP' }, // PK.. (also docx/xlsx)
  { sig: [0x1f, 0x8b], name: 'gzip' },
  { sig: [0x7f, 0x45, 0x4c, 0x46], name: 'executable (ELF)' },
  { sig: [0x4d, 0x5a], name: 'executable (Windows)' },
  { sig: [0x00, 0x61, 0x73, 0x6d], name: 'WebAssembly' },
  { sig: [0x08, 0x00, 0x00, 0x00], name: 'ONNX model' },
  { sig: [0x49, 0x44, 0x33], name: 'MP3 audio' },
  { sig: [0x1a, 0x45, 0xdf, 0xa3], name: 'video (WebM/MKV)' },
  { sig: [0x4f, 0x67, 0x67, 0x53], name: 'Ogg audio' },
];

export function sniffType(head: Uint8Array): SniffResult {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'image', format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return { kind: 'other', looksLike: 'WAV audio' };
  if (ascii(head, 0, 2) === 'BM') return { kind: 'image', format: 'bmp' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'avif' || brand === 'avis') return { kind: 'image', format: 'avif' };
    return { kind: 'other', looksLike: brand.startsWith('hei') || brand === 'mif1' ? 'HEIC' : 'video (MP4/MOV)' };
  }
  for (const { sig, name } of NON_IMAGES) if (startsWith(head, sig)) return { kind: 'other', looksLike: name };
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  const lower = text.toLowerCase();
  if (lower.startsWith('<svg') || (lower.startsWith('<?xml') && lower.includes('<svg'))) return { kind: 'svg' };
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html')) return { kind: 'other', looksLike: 'HTML' };
  if (lower.startsWith('<?xml')) return { kind: 'other', looksLike: 'XML' };
  if (lower.startsWith('{') || lower.startsWith('[')) return { kind: 'other', looksLike: 'JSON' };
  if (
    head.length > 0 &&
    [...head.subarray(0, 64)].every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))
  )
    return { kind: 'other', looksLike: 'text' };
  return { kind: 'other', looksLike: null };
}

/** Null when the file is complete as far as its format's end marker can tell; else why not. */
export function truncation(format: ImageFormat, bytes: Uint8Array): string | null {
  if (format === 'png') {
    // The last chunk is IEND: length 0, type IEND, CRC AE 42 60 82.
    const tail = ascii(bytes, Math.max(0, bytes.length - 8), Math.max(0, bytes.length - 4));
    return tail === 'IEND' ? null : 'the PNG ends before its last chunk (IEND)';
  }
  if (format === 'jpeg') {
    // EOI (FF D9), allowing a little trailing padding some cameras add.
    for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 1024); i--)
      if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return null;
    return 'the JPEG ends before its end marker';
  }
  if (format === 'gif') return bytes[bytes.length - 1] === 0x3b ? null : 'the GIF ends before its trailer';
  return null;
}

/** True for an animated GIF (several frames, or a loop extension) or an APNG. */
export function isAnimated(format: ImageFormat, bytes: Uint8Array): boolean {
  if (format === 'png') {
    // acTL comes before the first IDAT in an APNG.
    const idat = indexOfAscii(bytes, 'IDAT');
    const actl = indexOfAscii(bytes, 'acTL');
    return actl >= 0 && (idat < 0 || actl < idat);
  }
  if (format === 'gif') {
    if (indexOfAscii(bytes, 'NETSCAPE2.0') >= 0) return true;
    let controls = 0;
    for (let i = 0; i + 2 < bytes.length; i++)
      if (bytes[i] === 0x21 && bytes[i + 1] === 0xf9 && bytes[i + 2] === 0x04 && ++controls > 1) return true;
    return false;
  }
  if (format === 'webp') return indexOfAscii(bytes.subarray(0, 64), 'ANIM') >= 0 || indexOfAscii(bytes, 'ANMF') >= 0;
  return false;
}

function indexOfAscii(bytes: Uint8Array, needle: string): number {
  const codes = [...needle].map((c) => c.charCodeAt(0));
  outer: for (let i = 0; i + codes.length <= bytes.length; i++) {
    for (let j = 0; j < codes.length; j++) if (bytes[i + j] !== codes[j]) continue outer;
    return i;
  }
  return -1;
}

/** A PNG's width and height from its IHDR chunk (bytes 16–23), or null when the header is not there. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || ascii(bytes, 12, 16) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 24);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
