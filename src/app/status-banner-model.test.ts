import { describe, expect, it } from 'vitest';
import type { Capabilities, EngineErrorInfo, PackSource, PackSummary } from '../../workers/protocol';
import { DEFAULT_PACK } from '../lib/url-options';
import { bannerFor } from './status-banner-model';

const caps = (webgpu: boolean): Capabilities => ({
  webgpu: webgpu ? { available: true, adapter: {} as never } : { available: false, reason: 'navigator.gpu is missing' },
  crossOriginIsolated: true,
  wasmThreads: 4,
});
const packDone = { status: 'done', source: 'test-tiny', summary: {} as PackSummary } as const;
const engineDone = (webgpu = true) => ({ status: 'done', capabilities: caps(webgpu) }) as const;
const jobError = (kind: EngineErrorInfo['kind']) =>
  ({ status: 'error', jobId: 'j', error: { kind, message: `${kind} happened.` } }) as const;

describe('bannerFor', () => {
  it('is silent when all is well', () => {
    expect(bannerFor(engineDone(), packDone, { status: 'idle' })).toBeNull();
  });

  it('a lost device or out of memory: an error with Retry', () => {
    for (const kind of ['DeviceLost', 'OutOfMemory'] as const) {
      const banner = bannerFor(engineDone(), packDone, jobError(kind));
      expect(banner).toMatchObject({ tone: 'error', kind, retry: true });
      expect(banner?.message).toMatch(/Retry/);
    }
  });

  it('other job errors stay with the job (no banner)', () => {
    expect(bannerFor(engineDone(), packDone, jobError('BadInput'))).toBeNull();
    expect(bannerFor(engineDone(), packDone, jobError('NumericalError'))).toBeNull();
  });

  it('a refused pack and a failed engine come first', () => {
    const error = { kind: 'PackInvalid', message: 'unet.onnx: wrong hash' } as const;
    expect(bannerFor(engineDone(), { status: 'error', source: 'x', error }, jobError('DeviceLost'))).toMatchObject({
      kind: 'PackInvalid',
      title: 'The model pack ‘x’ was refused',
      backToDefault: true,
    });
    expect(bannerFor({ status: 'error', error }, { status: 'idle' }, { status: 'idle' })?.title).toMatch(
      /engine could not start/,
    );
  });

  it('names a refused pack by its name or address, and offers the default pack unless it was the one refused', () => {
    const error = { kind: 'BadInput', message: 'no' } as const;
    const refused = (source: PackSource) =>
      bannerFor(engineDone(), { status: 'error', source, error }, { status: 'idle' });
    expect(refused('https://x.org/p/')).toMatchObject({
      title: 'The model pack at https://x.org/p/ was refused',
      backToDefault: true,
    });
    expect(refused(DEFAULT_PACK)).toMatchObject({
      title: `The model pack ‘${DEFAULT_PACK}’ was refused`,
      backToDefault: false,
      retry: true,
    });
    expect(refused({ kind: 'folder', name: 'my-pack', files: [] })).toMatchObject({
      title: 'The model pack in the folder ‘my-pack’ was refused',
      backToDefault: true,
    });
  });

  it('no WebGPU: a notice once the pack runs on WASM', () => {
    const banner = bannerFor(engineDone(false), packDone, { status: 'idle' });
    expect(banner).toMatchObject({ tone: 'notice', kind: 'WebGpuUnavailable', retry: false });
    expect(banner?.message).toContain('navigator.gpu is missing');
  });
});
