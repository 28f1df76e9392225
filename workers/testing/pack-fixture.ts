/**
 * Test helper (Vitest only): a small, consistent manifest with fake ONNX bytes and a fetch
 * that serves them, so the loader's tests need no binary blobs. Pure TS like the loader.
 */
import type { FetchFn } from '../packs/fetch-file';
import { sha256Hex } from '../packs/integrity';
import type { GraphSpec, Manifest, TensorSpec } from '../packs/manifest';

const f32 = (name: string, shape: (number | string)[]): TensorSpec => ({ name, dtype: 'float32', shape });

/** The DDIM schedule of the test packs built in code (the toy world's own). */
export const TEST_SCHEDULER: Manifest['scheduler'] = {
  type: 'ddim',
  trainTimesteps: 1000,
  betaSchedule: 'linear',
  betaStart: 0.0001,
  betaEnd: 0.02,
  prediction: 'v_prediction',
  timestepSpacing: 'leading',
  stepsOffset: 0,
  setAlphaToOne: false,
};

/** Deterministic bytes that look like an ONNX ModelProto (field 1 varint first). */
export function fakeOnnx(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  b[0] = 0x08;
  b[1] = 0x08;
  return b;
}

export interface FixturePack {
  manifest: Manifest;
  files: Map<string, Uint8Array>;
}

export async function makeFixturePack(): Promise<FixturePack> {
  const files = new Map<string, Uint8Array>();
  const graph = async (file: string, seed: number, inputs: TensorSpec[], outputs: TensorSpec[]): Promise<GraphSpec> => {
    const bytes = fakeOnnx(1000 + seed * 10, seed);
    files.set(file, bytes);
    return { file, bytes: bytes.length, sha256: await sha256Hex(bytes), inputs, outputs };
  };
  const manifest: Manifest = {
    format: 'realcustom-pack',
    formatVersion: 1,
    name: 'fixture',
    version: '0.0.1',
    license: 'MIT',
    description: 'test fixture',
    dtype: 'float32',
    image: { size: 32 },
    reference: { size: 32 },
    latent: { shape: [4, 8, 8], scale: 1 },
    scheduler: { ...TEST_SCHEDULER },
    tokenizer: {
      type: 'word',
      vocab: ['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'star'],
      maxLength: 8,
      pad: 0,
      bos: 1,
      eos: 2,
      unk: 3,
    },
    adapter: { kind: 'realcustom', imageTokens: 16, imageTokenDim: 8 },
    layers: [
      { name: 'down.8', resolution: [8, 8] },
      { name: 'mid.4', resolution: [4, 4] },
    ],
    maskResolution: [8, 8],
    graphs: {
      textEncoder: await graph(
        'text_encoder.onnx',
        1,
        [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 8] }],
        [f32('text_embeds', ['batch', 8, 16])],
      ),
      imageEncoder: await graph(
        'image_encoder.onnx',
        2,
        [f32('pixels', [1, 3, 32, 32])],
        [f32('patch_tokens', [1, 16, 8]), f32('image_embed', [1, 8])],
      ),
      unet: await graph(
        'unet.onnx',
        3,
        [
          f32('latent', ['batch', 4, 8, 8]),
          f32('timestep', ['batch']),
          f32('alpha_bar', ['batch']),
          f32('text_embeds', ['batch', 8, 16]),
          f32('image_tokens', ['batch', 16, 8]),
          f32('image_scale', ['batch']),
          f32('mask', ['batch', 1, 8, 8]),
          f32('target_tokens', ['batch', 8]),
          f32('gamma_num', ['batch']),
          f32('scoring', ['batch']),
        ],
        [f32('model_output', ['batch', 4, 8, 8]), f32('word_attention', ['batch', 2, 8, 8])],
      ),
      decoder: await graph('decoder.onnx', 4, [f32('latent', [1, 4, 8, 8])], [f32('image', [1, 3, 32, 32])]),
    },
    defaults: {
      steps: 20,
      guidanceText: 7.5,
      guidanceImage: 12.5,
      gammaScope: 0.25,
      gammaNum: 0.8,
      maskReuseStep: 6,
      globalScale: 0.6,
      seed: 1,
      previewEvery: 1,
      mode: 'realcustom',
    },
  };
  files.set('pack.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return { manifest, files };
}

/** `files.get` for tests: throws instead of returning undefined. */
export function fileOf(files: Map<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`fixture has no ${name}`);
  return bytes;
}

/** A fetch over an in-memory file map that records every URL requested. */
export function memoryFetch(base: string, files: Map<string, Uint8Array>, requested: string[] = []): FetchFn {
  return async (url) => {
    requested.push(url);
    const bytes = url.startsWith(base) ? files.get(url.slice(base.length)) : undefined;
    if (!bytes)
      return new Response('<!doctype html><title>Not found</title>', {
        status: 404,
        headers: { 'content-type': 'text/html' },
      });
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.length) } });
  };
}
