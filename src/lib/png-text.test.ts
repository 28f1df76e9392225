import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { addPngText, crc32, readPngText } from './png-text';

const png = () => encode({ width: 2, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), channels: 4 });

describe('crc32', () => {
  it('matches the reference value of the PNG spec', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('PNG text chunks', () => {
  it('round-trips entries, including text outside Latin-1', () => {
    const params = JSON.stringify({ steps: 20, seed: 7, prompt: 'a ★abc and a ball 🎲' });
    const out = addPngText(png(), { 'realcustom:params': params, Software: 'RealCustom Web' });
    expect(readPngText(out)).toEqual({ 'realcustom:params': params, Software: 'RealCustom Web' });
  });

  it('leaves a PNG that decoders still read, with the same pixels and the text', () => {
    const out = addPngText(png(), { Comment: 'hello' });
    const image = decode(out);
    expect([image.width, image.height]).toEqual([2, 1]);
    expect([...image.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    expect(image.text).toEqual({ Comment: 'hello' });
  });

  it('reads text other writers put in', () => {
    const other = encode({
      width: 1,
      height: 1,
      data: new Uint8Array([1, 2, 3, 4]),
      channels: 4,
      text: { Title: 'x' },
    });
    expect(readPngText(other)).toEqual({ Title: 'x' });
  });

  it('refuses what is not a PNG and keys the spec forbids', () => {
    expect(() => addPngText(new Uint8Array([1, 2, 3]), {})).toThrow(/Not a PNG/);
    expect(() => addPngText(png(), { '': 'x' })).toThrow(/key/);
    expect(() => addPngText(png(), { ['k'.repeat(80)]: 'x' })).toThrow(/key/);
  });

  it('skips a chunk whose CRC does not match', () => {
    const out = addPngText(png(), { Comment: 'hello' });
    const at = out.length - 12 - 4 - 1; // last byte of the text data, before its CRC
    out[at] = out[at]! ^ 1;
    expect(readPngText(out)).toEqual({});
  });
});
