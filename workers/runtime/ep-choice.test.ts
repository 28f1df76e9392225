import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { AdapterInfo, Capabilities } from '../protocol';
import { wasmThreadCount } from './capabilities';
import { chooseEp, isSoftwareAdapter } from './ep-choice';

const swiftshader: AdapterInfo = {
  name: 'SwiftShader Device (Subzero)',
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Device (Subzero)',
  isSoftware: true,
  features: ['float32-filterable', 'shader-f16'],
  limits: { maxBufferSize: 268435456, maxStorageBufferBindingSize: 134217728 },
};
const nvidia: AdapterInfo = {
  ...swiftshader,
  name: 'NVIDIA GeForce RTX 3060',
  vendor: 'nvidia',
  architecture: 'ampere',
  description: 'NVIDIA GeForce RTX 3060',
  isSoftware: false,
  features: [],
};
const caps = (adapter: AdapterInfo | null): Capabilities => ({
  webgpu: adapter ? { available: true, adapter } : { available: false, reason: 'navigator.gpu is missing' },
  crossOriginIsolated: true,
  wasmThreads: 4,
});

describe('isSoftwareAdapter', () => {
  it('recognizes CPU adapters and the fallback flag', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: '' })).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' }),
    ).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'microsoft', architecture: '', description: 'Microsoft Basic Render Driver' }),
    ).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'x', architecture: 'y', description: 'z', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: '' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: '' })).toBe(false);
  });
});

describe('chooseEp', () => {
  it('auto: WebGPU on a hardware adapter', () => {
    expect(chooseEp(caps(nvidia), 'auto')).toEqual({ ep: 'webgpu', reason: 'WebGPU on NVIDIA GeForce RTX 3060' });
  });
  it('auto: WASM on a software adapter, saying why', () => {
    const c = chooseEp(caps(swiftshader), 'auto');
    expect(c.ep).toBe('wasm');
    expect(c.reason).toMatch(/SwiftShader.*software adapter/);
  });
  it('auto: WASM without WebGPU, with the reason', () => {
    expect(chooseEp(caps(null), 'auto')).toEqual({
      ep: 'wasm',
      reason: 'WebGPU unavailable (navigator.gpu is missing): running on WASM',
    });
  });
  it('forced choices are obeyed, even on a software adapter', () => {
    expect(chooseEp(caps(nvidia), 'wasm').ep).toBe('wasm');
    const c = chooseEp(caps(swiftshader), 'webgpu');
    expect(c.ep).toBe('webgpu');
    expect(c.reason).toMatch(/chosen by the user.*software adapter/);
  });
  it('forcing WebGPU where there is none is a typed error', () => {
    expect(() => chooseEp(caps(null), 'webgpu')).toThrow(EngineError);
    try {
      chooseEp(caps(null), 'webgpu');
    } catch (e) {
      expect((e as EngineError).kind).toBe('WebGpuUnavailable');
    }
  });
  it('fp16 packs need shader-f16', () => {
    expect(chooseEp(caps(nvidia), 'auto', true)).toMatchObject({
      ep: 'wasm',
      reason: expect.stringMatching(/shader-f16/),
    });
    expect(() => chooseEp(caps(nvidia), 'webgpu', true)).toThrow(/shader-f16/);
    expect(chooseEp(caps(swiftshader), 'webgpu', true).ep).toBe('webgpu');
  });
});

describe('wasmThreadCount', () => {
  it('uses threads only when cross-origin isolated, leaving a core for the page', () => {
    expect(wasmThreadCount(false, 16)).toBe(1);
    expect(wasmThreadCount(true, 16)).toBe(8);
    expect(wasmThreadCount(true, 4)).toBe(3);
    expect(wasmThreadCount(true, 2)).toBe(1);
    expect(wasmThreadCount(true, undefined)).toBe(1);
  });
});
