/**
 * The engine parts version-2 (SD-1.5 + IP-Adapter) packs add, on onnxruntime-node: the
 * latent → RGB preview graph against the contract's formula, the bilinear upscale of a
 * preview, the batch concat graph, and the `negative` row of `global` mode (IP-Adapter's
 * own unconditional pass: empty prompt + the pack's negative image tokens at the same scale).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeBackend } from '../../tools/node-backend';
import type { Params } from '../protocol';
import { HelperGraphs } from './graphs/helpers';
import { buildLatentRgbGraph } from './graphs/preview-graph';
import { upscaleRgba } from './image';
import { planFor } from './modes';
import { Scope } from './scope';
import { TrackedBackend } from './tracked-backend';
import { UnetFeeder } from './unet-feeds';

// ComfyUI's SD15 latent_rgb_factors (what models/convert.py writes into pack.json `preview`).
const FACTORS: [number, number, number][] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];
const BIAS: [number, number, number] = [0.1, -0.2, 0.05];

let backend: TrackedBackend;
let helpers: HelperGraphs;
beforeAll(async () => {
  backend = new TrackedBackend(new NodeBackend({ threads: 1 }));
  helpers = await HelperGraphs.create(backend, { layers: 1, height: 2, width: 2 }, { factors: FACTORS, bias: BIAS });
});
afterAll(async () => {
  await helpers.release();
});

const params = { mode: 'global', guidanceText: 7.5, guidanceImage: 7.5, globalScale: 0.6 } as Params;

describe('latent → RGB preview', () => {
  it('computes rgb[c] = Σ_k latent[k]·factors[k][c] + bias[c] per pixel', async () => {
    const [h, w] = [3, 5];
    const latent = Float32Array.from({ length: 4 * h * w }, (_, i) => Math.sin(i * 1.7));
    const x = backend.float32(latent, [1, 4, h, w]);
    const y = await helpers.latentRgb(x);
    expect(y.dims).toEqual([1, 3, h, w]);
    const got = await backend.read(y);
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < h * w; p++) {
        const want = BIAS[c]! + FACTORS.reduce((s, f, k) => s + latent[k * h * w + p]! * f[c]!, 0);
        expect(got[c * h * w + p]).toBeCloseTo(want, 5);
      }
    backend.dispose(x);
    backend.dispose(y);
    expect(backend.liveTensors).toBe(0);
  });

  it("spells out the Conv's geometry (the WebGPU EP fails a Conv without it: 'dilations should be 2D')", () => {
    // Found by e2e/sd-pack.spec.ts on WebGPU; onnxruntime-node fills the defaults in, so only the
    // graph's bytes show it here: each attribute name is in the serialized node.
    const text = new TextDecoder('latin1').decode(buildLatentRgbGraph({ factors: FACTORS, bias: BIAS }));
    for (const attr of ['kernel_shape', 'strides', 'pads', 'dilations']) expect(text).toContain(attr);
  });

  it('is absent for packs without a projection', async () => {
    const plain = await HelperGraphs.create(backend, { layers: 1, height: 2, width: 2 });
    expect(plain.hasLatentRgb).toBe(false);
    expect(helpers.hasLatentRgb).toBe(true);
    const x = backend.float32(new Float32Array(4), [1, 4, 1, 1]);
    await expect(plain.latentRgb(x)).rejects.toThrow(/no latent/);
    backend.dispose(x);
    await plain.release();
  });

  it('upscales bilinearly: corners kept, the middle interpolated, size×size', () => {
    const img = { width: 2, height: 1, data: Uint8ClampedArray.from([0, 0, 0, 255, 200, 100, 40, 255]) };
    const up = upscaleRgba(img, 8);
    expect([up.width, up.height, up.data.length]).toEqual([8, 8, 8 * 8 * 4]);
    const px = (x: number, y: number) => [...up.data.slice((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)];
    expect(px(0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(7, 7)).toEqual([200, 100, 40, 255]);
    // Output x = 3 samples source x (3 + 0.5)·2/8 − 0.5 = 0.375: 37.5 % of the way from pixel 0 to 1.
    expect(px(3, 4)).toEqual([75, 38, 15, 255]);
  });
});

describe('global mode with the pack negative image tokens', () => {
  it('plans [negative, image] when the pack has them, [uncond, image] otherwise', () => {
    expect(planFor(params, { negativeImageTokens: true }).rows).toEqual(['negative', 'image']);
    expect(planFor(params).rows).toEqual(['uncond', 'image']);
    expect(planFor({ ...params, mode: 'masked-global' }, { negativeImageTokens: true }).rows).toEqual([
      'uncond',
      'text',
      'image',
    ]);
  });

  it('feeds the negative tokens and the image scale on the unconditional row, the empty prompt first', async () => {
    const [Ni, D, L] = [2, 3, 4];
    const text = Float32Array.from({ length: 3 * L * D }, (_, i) => i); // rows [∅, T, T]
    const reference = Float32Array.from({ length: Ni * D }, (_, i) => 100 + i);
    const negative = Float32Array.from({ length: Ni * D }, (_, i) => -1 - i);
    const scope = new Scope(backend);
    const tensors = {
      textEmbeds: scope.track(backend.float32(text, [3, L, D])),
      patchTokens: scope.track(backend.float32(reference, [1, Ni, D])),
      imageEmbed: null,
      negativeTokens: scope.track(backend.float32(negative, [1, Ni, D])),
    };
    const f32 = (name: string, shape: (number | string)[]) => ({ name, dtype: 'float32' as const, shape });
    const spec = {
      file: 'unet.onnx',
      inputs: [
        f32('text_embeds', ['batch', L, D]),
        f32('image_tokens', ['batch', Ni, D]),
        f32('image_scale', ['batch']),
      ],
    };
    const feeder = new UnetFeeder(backend, helpers, scope, spec, tensors, {
      params,
      imageScale: 0.6,
      targetTokens: [0, 1, 0, 0],
      maskResolution: [2, 2],
      imageTokens: Ni,
      imageTokenDim: D,
    });
    const stepScope = new Scope(backend);
    const latent = stepScope.track(backend.float32(new Float32Array(2), [2, 1]));
    const feeds = await feeder.feeds(
      ['negative', 'image'],
      { timestep: 1, alphaBar: 0.5, latent, mask: null },
      stepScope,
    );
    expect([...(await backend.read(feeds.image_tokens!))]).toEqual([...negative, ...reference]);
    expect([...(await backend.read(feeds.image_scale!))].map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.6]);
    expect([...(await backend.read(feeds.text_embeds!))]).toEqual([...text.slice(0, 2 * L * D)]);
    stepScope.disposeAll();
    scope.disposeAll();
    expect(backend.liveTensors).toBe(0);
  });
});
