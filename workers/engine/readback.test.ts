/**
 * Which graph draws a step's preview: the VAE on the last step; before it the pack's TAESD
 * preview decoder when it has one (fed the diffusion-space latent itself), else the latent →
 * RGB projection, else the VAE. Fake sessions record what ran with which tensor.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, GraphSession, TensorHandle } from './backend';
import type { HelperGraphs } from './graphs/helpers';
import type { PackGraph } from './pack-graphs';
import { Readback, previewRoute } from './readback';
import { Scope } from './scope';
import { TrackedBackend } from './tracked-backend';

const SIZE = 4;
const LATENT = 2;

interface Fake extends TensorHandle {
  data: Float32Array;
}

function fakeBackend(): Backend {
  return {
    ep: 'cpu',
    bytesReadBack: 0,
    createSession: () => Promise.reject(new Error('not here')),
    float32: (data, dims) => ({ dtype: 'float32', dims, data }) as Fake,
    int64: () => {
      throw new Error('not here');
    },
    read: async (t) => (t as Fake).data,
    dispose: () => undefined,
  };
}

/** A session that records its feeds and answers with an image of one value (or an rgb map). */
function session(name: string, runs: { name: string; feeds: Record<string, TensorHandle> }[], value: number) {
  const s: GraphSession = {
    name,
    inputNames: ['latent'],
    outputNames: ['image'],
    run: async (feeds): Promise<Record<string, TensorHandle>> => {
      runs.push({ name, feeds: { ...feeds } });
      const side = name === 'latent-rgb' ? LATENT : SIZE;
      const t: Fake = {
        dtype: 'float32',
        dims: [1, 3, side, side],
        data: new Float32Array(3 * side * side).fill(value),
      };
      return name === 'latent-rgb' ? { rgb: t } : { image: t };
    },
    release: async () => undefined,
  };
  return s;
}

function setup(opts: { previewDecoder: boolean; latentRgb: boolean }) {
  const runs: { name: string; feeds: Record<string, TensorHandle> }[] = [];
  const backend = new TrackedBackend(fakeBackend());
  const rgb = session('latent-rgb', runs, 0);
  const helpers = {
    hasLatentRgb: opts.latentRgb,
    latentRgb: async (latent: TensorHandle) => (await rgb.run({ latent })).rgb!,
    scale: async (x: TensorHandle, s: number) => {
      runs.push({ name: `scale ${s}`, feeds: { x } });
      return x;
    },
  } as unknown as HelperGraphs;
  const graph = (name: string, value: number): PackGraph => ({
    spec: { file: `${name}.onnx`, inputs: [], outputs: [] } as unknown as PackGraph['spec'],
    session: session(name, runs, value),
  });
  const readback = new Readback(
    backend,
    helpers,
    graph('vae', -1),
    0.5,
    SIZE,
    opts.previewDecoder ? graph('taesd', 1) : null,
  );
  const latent = backend.float32(new Float32Array(4 * LATENT * LATENT), [1, 4, LATENT, LATENT]);
  return { runs, readback, latent, scope: new Scope(backend) };
}

describe('preview route', () => {
  it('is the VAE on the last step, else TAESD, else the projection, else the VAE', () => {
    expect(previewRoute(true, true, true)).toBe('vae');
    expect(previewRoute(false, true, true)).toBe('preview-decoder');
    expect(previewRoute(false, true, false)).toBe('preview-decoder');
    expect(previewRoute(false, false, true)).toBe('latent-rgb');
    expect(previewRoute(false, false, false)).toBe('vae');
  });

  it('a pack with a preview decoder previews through it, on the unscaled latent', async () => {
    const { runs, readback, latent, scope } = setup({ previewDecoder: true, latentRgb: true });
    const img = await readback.preview(latent, scope, 3, false);
    expect(runs.map((r) => r.name)).toEqual(['taesd']);
    expect(runs[0]!.feeds.latent).toBe(latent);
    expect([img.width, img.height]).toEqual([SIZE, SIZE]);
    expect(img.data[0]).toBe(255); // image 1 → white
  });

  it('its last step still goes through the VAE (latent / scale)', async () => {
    const { runs, readback, latent, scope } = setup({ previewDecoder: true, latentRgb: true });
    const img = await readback.preview(latent, scope, 4, true);
    expect(runs.map((r) => r.name)).toEqual(['scale 2', 'vae']);
    expect(img.data[0]).toBe(0); // image −1 → black
  });

  it('without a preview decoder the projection is kept (upscaled to the image size)', async () => {
    const { runs, readback, latent, scope } = setup({ previewDecoder: false, latentRgb: true });
    const img = await readback.preview(latent, scope, 1, false);
    expect(runs.map((r) => r.name)).toEqual(['latent-rgb']);
    expect([img.width, img.height]).toEqual([SIZE, SIZE]);
    expect(img.data[0]).toBe(128); // rgb 0 → mid grey
  });

  it('a non-finite preview stops the job with a NumericalError', async () => {
    const backend = new TrackedBackend(fakeBackend());
    const nan: PackGraph = { spec: {} as PackGraph['spec'], session: session('taesd', [], Number.NaN) };
    const r = new Readback(backend, { hasLatentRgb: false } as HelperGraphs, nan, 1, SIZE, nan);
    const latent = backend.float32(new Float32Array(4 * LATENT * LATENT), [1, 4, LATENT, LATENT]);
    await expect(r.preview(latent, new Scope(backend), 2, false)).rejects.toMatchObject({ kind: 'NumericalError' });
  });
});
