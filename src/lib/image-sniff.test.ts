import { describe, expect, it } from 'vitest';
import { isAnimated, pngSize, sniffType, truncation } from './image-sniff';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('sniffType', () => {
  it.each([
    [bytes(...PNG_HEAD, 0), 'png'],
    [bytes(0xff, 0xd8, 0xff, 0xe0), 'jpeg'],
    [text('GIF89a....'), 'gif'],
    [text('RIFF\0\0\0\0WEBPVP8 '), 'webp'],
    [text('BM\0\0'), 'bmp'],
    [text('\0\0\0\x1cftypavif'), 'avif'],
  ])('recognizes images from their bytes (%#)', (head, format) => {
    expect(sniffType(head)).toEqual({ kind: 'image', format });
  });

  it.each([
    [text('%PDF-1.7'), 'PDF'],
    [bytes(0x50, 0x4b, 0x03, 0x04), 'ZIP'],
    [text('<!DOCTYPE html><html>'), 'HTML'],
    [text('{"a": 1}'), 'JSON'],
    [text('hello world, plain text'), 'text'],
    [text('\0\0\0\x18ftypheic'), 'HEIC'],
  ])('names what a non-image looks like (%#)', (head, looksLike) => {
    expect(sniffType(head)).toEqual({ kind: 'other', looksLike });
  });

  it('sees SVG, with or without an XML prolog', () => {
    expect(sniffType(text('<svg xmlns="http://www.w3.org/2000/svg">'))).toEqual({ kind: 'svg' });
    expect(sniffType(text('\uFEFF<?xml version="1.0"?>\n<svg>'))).toEqual({ kind: 'svg' });
  });

  it('gives up on unknown binary without guessing', () => {
    expect(sniffType(bytes(1, 2, 3, 250, 251))).toEqual({ kind: 'other', looksLike: null });
  });
});

describe('pngSize', () => {
  it('reads IHDR width and height, big-endian', () => {
    const ihdr = [0, 0, 0, 13, ...text('IHDR'), 0, 0, 0xea, 0x60, 0, 0, 0x01, 0x2c];
    expect(pngSize(bytes(...PNG_HEAD, ...ihdr))).toEqual({ width: 60000, height: 300 });
    expect(pngSize(bytes(...PNG_HEAD, 0, 0, 0, 13))).toBeNull();
  });
});

describe('truncation', () => {
  const iend = [0, 0, 0, 0, ...text('IEND'), 0xae, 0x42, 0x60, 0x82];
  it('PNG needs IEND at the end', () => {
    expect(truncation('png', bytes(...PNG_HEAD, ...iend))).toBeNull();
    expect(truncation('png', bytes(...PNG_HEAD, 1, 2, 3))).toMatch(/IEND/);
  });
  it('JPEG needs its end marker', () => {
    expect(truncation('jpeg', bytes(0xff, 0xd8, 0xff, 0xd9))).toBeNull();
    expect(truncation('jpeg', bytes(0xff, 0xd8, 0xff, 0xd9, 0, 0))).toBeNull();
    expect(truncation('jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 1))).toMatch(/end marker/);
  });
});

describe('isAnimated', () => {
  it('GIF with a loop extension or two frames', () => {
    expect(isAnimated('gif', text('GIF89a..NETSCAPE2.0..;'))).toBe(true);
    expect(isAnimated('gif', bytes(0x21, 0xf9, 0x04, 0, 0x21, 0xf9, 0x04))).toBe(true);
    expect(isAnimated('gif', bytes(0x21, 0xf9, 0x04, 0, 0x3b))).toBe(false);
  });
  it('APNG has acTL before IDAT', () => {
    expect(isAnimated('png', text('....acTL....IDAT'))).toBe(true);
    expect(isAnimated('png', text('....IDAT....'))).toBe(false);
  });
});
