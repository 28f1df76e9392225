import { describe, expect, it } from 'vitest';
import { RUNTIME_FILES, buildFor, loadOrt } from './ort-env';

describe('which onnxruntime build an EP loads', () => {
  it('loads the WASM-only build for WASM and the JSEP build for WebGPU', () => {
    expect(buildFor('wasm', [])).toBe('wasm');
    expect(buildFor('webgpu', [])).toBe('jsep');
    expect(buildFor('webgpu', ['wasm'])).toBe('jsep');
    expect(RUNTIME_FILES.wasm).not.toMatch(/jsep/);
  });

  it('runs WASM on the JSEP build when the worker already has it (no second runtime)', () => {
    expect(buildFor('wasm', ['jsep'])).toBe('jsep');
    expect(buildFor('wasm', ['wasm', 'jsep'])).toBe('jsep');
  });

  it('imports a build once and reports its runtime file', async () => {
    const settings = { numThreads: 1, adapter: null };
    const first = await loadOrt('wasm', settings);
    expect(await loadOrt('wasm', settings)).toBe(first);
    expect(first.build).toBe('wasm');
    expect(first.runtimeFile).toBe(RUNTIME_FILES.wasm);
    expect(typeof first.ort.InferenceSession.create).toBe('function');
  });
});
