import { describe, expect, it } from 'vitest';
import { EngineError, classifyError, deserializeError, isEngineErrorInfo, packInvalid, serializeError } from './errors';
import type { EngineErrorInfo } from './protocol';

describe('classifyError', () => {
  it.each([
    ['Error: failed to allocate a buffer of size 1073741824', 'OutOfMemory'],
    ['RangeError: Array buffer allocation failed', 'OutOfMemory'],
    ['Aborted(OOM)', 'OutOfMemory'],
    ['GPUOutOfMemoryError: Out of memory', 'OutOfMemory'],
    ['Buffer size (3000000000) exceeds the max buffer size limit (2147483648)', 'OutOfMemory'],
    ['The GPU device was lost: destroyed', 'DeviceLost'],
    ['Device is lost', 'DeviceLost'],
    ['WebGPU is not supported in current environment', 'WebGpuUnavailable'],
    ['no available backend found. ERR: [webgpu] Error: Failed to get GPU adapter.', 'WebGpuUnavailable'],
    ['Something odd', 'Internal'],
  ] as const)('%s → %s', (message, kind) => {
    const err = classifyError(new Error(message), 'running unet');
    expect(err.kind).toBe(kind);
    expect(err.detail).toContain(message);
  });

  it('keeps EngineErrors as they are and maps AbortError to Cancelled', () => {
    const original = new EngineError('BadInput', 'no prompt');
    expect(classifyError(original)).toBe(original);
    expect(classifyError(new DOMException('aborted', 'AbortError')).kind).toBe('Cancelled');
  });

  it('handles non-Error throws', () => {
    expect(classifyError('out of memory').kind).toBe('OutOfMemory');
    expect(classifyError({ code: 7 }).detail).toBe('{"code":7}');
  });

  it('says where it happened and what to do', () => {
    expect(classifyError(new Error('bad_alloc'), 'creating the unet session').message).toMatch(
      /^Out of memory while creating the unet session\. .*WASM/,
    );
  });
});

describe('serialize / deserialize across the worker boundary', () => {
  it('round-trips an EngineError with its kind, file and detail', () => {
    const err = packInvalid('unet.onnx', 'expected sha256 aa, got bb — the file is corrupt or stale', 'x');
    const info = serializeError(err);
    expect(info).toEqual({
      kind: 'PackInvalid',
      message: 'unet.onnx: expected sha256 aa, got bb — the file is corrupt or stale',
      file: 'unet.onnx',
      detail: 'x',
    });
    const back = deserializeError(structuredClone(info));
    expect(back).toBeInstanceOf(EngineError);
    expect(back.toInfo()).toEqual(info);
  });

  it('turns foreign errors into typed ones before they cross', () => {
    const info = serializeError(new TypeError('x is undefined'));
    expect(info.kind).toBe('Internal');
    expect(isEngineErrorInfo(info)).toBe(true);
  });

  it('refuses malformed data on the page side', () => {
    expect(deserializeError({ kind: 'Nope', message: 'x' }).kind).toBe('Internal');
    expect(deserializeError('boom').detail).toBe('boom');
    const minimal: EngineErrorInfo = { kind: 'OutOfMemory', message: 'm' };
    expect(deserializeError(minimal).toInfo()).toEqual(minimal);
  });
});
