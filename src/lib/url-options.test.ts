import { describe, expect, it } from 'vitest';
import { DEFAULT_PACK, readEpPreference, readPackSource, withEpPreference, withoutPack } from './url-options';

describe('readEpPreference', () => {
  it('reads webgpu and wasm', () => {
    expect(readEpPreference('?ep=webgpu')).toBe('webgpu');
    expect(readEpPreference('?pack=x&ep=wasm')).toBe('wasm');
  });
  it('falls back to auto for missing or unknown values', () => {
    expect(readEpPreference('')).toBe('auto');
    expect(readEpPreference('?ep=webgl')).toBe('auto');
    expect(readEpPreference('?ep=WEBGPU')).toBe('auto');
  });
});

describe('readPackSource', () => {
  it('defaults to the embedded pack', () => {
    expect(readPackSource('')).toBe(DEFAULT_PACK);
    expect(readPackSource('?pack=%20')).toBe(DEFAULT_PACK);
  });
  it('takes a pack URL', () => {
    expect(readPackSource('?pack=https%3A%2F%2Fexample.org%2Fpacks%2Fa%2F')).toBe('https://example.org/packs/a/');
  });
});

describe('withEpPreference', () => {
  it('sets, replaces and removes ep, keeping other parameters', () => {
    expect(withEpPreference('http://h/?pack=p', 'wasm')).toBe('http://h/?pack=p&ep=wasm');
    expect(withEpPreference('http://h/?ep=wasm&pack=p', 'webgpu')).toBe('http://h/?ep=webgpu&pack=p');
    expect(withEpPreference('http://h/?ep=wasm&pack=p', 'auto')).toBe('http://h/?pack=p');
  });
});

describe('withoutPack', () => {
  it('removes pack, keeping other parameters', () => {
    expect(withoutPack('http://h/?ep=wasm&pack=http%3A%2F%2Fx%2Fp%2F&steps=4')).toBe('http://h/?ep=wasm&steps=4');
    expect(withoutPack('http://h/?ep=wasm')).toBe('http://h/?ep=wasm');
  });
});
