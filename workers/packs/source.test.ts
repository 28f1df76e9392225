import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { resolvePackSource } from './source';

const APP = 'http://localhost:4173/';

describe('resolvePackSource', () => {
  it('maps a shipped pack name to the app folder', () => {
    expect(resolvePackSource('test-tiny', APP)).toBe('http://localhost:4173/models/test-tiny/');
  });
  it('accepts folder and pack.json URLs', () => {
    expect(resolvePackSource('https://x.org/p/toy', APP)).toBe('https://x.org/p/toy/');
    expect(resolvePackSource('https://x.org/p/toy/pack.json?v=2', APP)).toBe('https://x.org/p/toy/');
    expect(resolvePackSource('/models/toyworld/', APP)).toBe('http://localhost:4173/models/toyworld/');
  });
  it('takes http: only from the app’s own origin, naming the Content-Security-Policy otherwise', () => {
    expect(resolvePackSource('http://localhost:4173/models/toyworld', APP)).toBe(
      'http://localhost:4173/models/toyworld/',
    );
    const refusal = (() => {
      try {
        resolvePackSource('http://packs.example.com/toy/pack.json', APP);
      } catch (e) {
        return e;
      }
    })();
    expect(refusal).toBeInstanceOf(EngineError);
    expect((refusal as EngineError).message).toMatch(/Content-Security-Policy.*https:\/\/packs\.example\.com\/toy\//);
    expect((refusal as EngineError).message).not.toMatch(/CORS/);
  });
  it('outside a page (Node tools and tests: no CSP) takes http: from any server', () => {
    expect(resolvePackSource('http://127.0.0.1:9999/models/test-tiny/', APP, false)).toBe(
      'http://127.0.0.1:9999/models/test-tiny/',
    );
  });
  it('refuses other schemes and empty input', () => {
    for (const s of ['javascript:alert(1)', 'data:application/json,{}', 'file:///etc/', '  ']) {
      expect(() => resolvePackSource(s, APP)).toThrow(EngineError);
    }
  });
});
