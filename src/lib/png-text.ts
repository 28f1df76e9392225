/**
 * PNG tEXt chunks: write key/value text into a PNG (the parameters of a result travel with
 * the downloaded file) and read them back. Latin-1 keys and values, as the PNG spec asks;
 * anything outside Latin-1 is escaped as \u{hex} so a prompt never breaks the file.
 */
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function latin1(text: string): Uint8Array {
  const escaped = [...text]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code > 0xff ? `\\u{${code.toString(16)}}` : ch;
    })
    .join('');
  return Uint8Array.from(escaped, (c) => c.charCodeAt(0));
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Chunk {
  type: string;
  offset: number; // of the length field
  dataStart: number;
  dataLength: number;
}

function* chunks(bytes: Uint8Array): Generator<Chunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const dataLength = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    yield { type, offset, dataStart: offset + 8, dataLength };
    offset += 12 + dataLength;
  }
}

function textChunk(key: string, value: string): Uint8Array {
  if (!/^[\u0020-\u007e\u00a1-\u00ff]{1,79}$/u.test(key)) throw new Error(`Invalid PNG text key ‘${key}’.`);
  const data = new Uint8Array([...latin1(key), 0, ...latin1(value)]);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set([116, 69, 88, 116], 4); // "tEXt"
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** A copy of `png` with one tEXt chunk per entry, just before IEND. */
export function addPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array<ArrayBuffer> {
  if (!isPng(png)) throw new Error('Not a PNG file.');
  const iend = [...chunks(png)].find((c) => c.type === 'IEND');
  if (!iend) throw new Error('The PNG file has no end chunk.');
  const added = Object.entries(entries).map(([k, v]) => textChunk(k, v));
  const size = png.length + added.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  out.set(png.subarray(0, iend.offset), 0);
  let at = iend.offset;
  for (const c of added) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(iend.offset), at);
  return out;
}

/** Every tEXt entry of a PNG (later duplicates win); chunks with a bad CRC are skipped. */
export function readPngText(png: Uint8Array): Record<string, string> {
  if (!isPng(png)) throw new Error('Not a PNG file.');
  const out: Record<string, string> = {};
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (const c of chunks(png)) {
    if (c.type !== 'tEXt' || c.dataStart + c.dataLength + 4 > png.length) continue;
    const crc = view.getUint32(c.dataStart + c.dataLength);
    if (crc !== crc32(png.subarray(c.offset + 4, c.dataStart + c.dataLength))) continue;
    const data = png.subarray(c.dataStart, c.dataStart + c.dataLength);
    const zero = data.indexOf(0);
    if (zero <= 0) continue;
    const decode = (b: Uint8Array) => String.fromCharCode(...b);
    out[decode(data.subarray(0, zero))] = decode(data.subarray(zero + 1)).replace(
      /\\u\{([0-9a-f]{1,6})\}/gu,
      (_, hex) => String.fromCodePoint(parseInt(hex as string, 16)),
    );
  }
  return out;
}
