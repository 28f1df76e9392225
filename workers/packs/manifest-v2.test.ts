import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { memoryFetch } from '../testing/pack-fixture';
import { makeFixturePackV2, SD15_LCM } from '../testing/pack-v2-fixture';
import { deviceBudget } from './limits';
import { loadPack } from './loader';
import { parseManifest, validateManifest } from './parse';
import { engineErrorOf } from '../testing/engine-error';

async function goodJson(): Promise<Record<string, unknown>> {
  const { manifest } = await makeFixturePackV2();
  return structuredClone(manifest) as unknown as Record<string, unknown>;
}

/** The fixture as `--taesd --lcm-lora` would write it: a previewDecoder graph and an LCM scheduler. */
async function withPreviewDecoderAndLcm(): Promise<Record<string, unknown>> {
  const json = await goodJson();
  const f32 = (name: string, shape: number[]) => ({ name, dtype: 'float32', shape });
  (json.graphs as Record<string, unknown>).previewDecoder = {
    file: 'preview_decoder.onnx',
    inputs: [f32('latent', [1, 4, 16, 16])],
    outputs: [f32('image', [1, 3, 128, 128])],
  };
  (json.files as Record<string, unknown>)['preview_decoder.onnx'] = { bytes: 4_900_000, sha256: 'a'.repeat(64) };
  json.scheduler = { ...SD15_LCM };
  (json.defaults as Record<string, unknown>).steps = 4;
  return json;
}

function packError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).kind).toBe('PackInvalid');
    return e as EngineError;
  }
  throw new Error('expected a PackInvalid error');
}

describe('format version 2 manifests', () => {
  it('accepts a good version-2 manifest', async () => {
    const m = parseManifest(JSON.stringify(await goodJson()));
    expect(m.formatVersion).toBe(2);
    if (m.formatVersion !== 2) throw new Error('unreachable');
    expect(m.graphs.unet.externalData).toEqual(['unet.onnx.data']);
  });

  it('is strict: a misspelt or a version-1 field is refused, naming it', async () => {
    const json = await goodJson();
    json.layers = json.maskLayers; // version 1's name
    expect(packError(() => validateManifest(json)).message).toMatch(/layers/);
    const other = await goodJson();
    (other.tokenizer as Record<string, unknown>).vocabb = 'x';
    expect(packError(() => validateManifest(other)).message).toMatch(/vocabb/);
  });

  it('refuses realcustom mode (no scoring module) and an unknown format version', async () => {
    const json = await goodJson();
    json.modes = ['realcustom', 'text'];
    expect(packError(() => validateManifest(json)).message).toMatch(/modes/);
    const future = await goodJson();
    future.formatVersion = 3;
    expect(packError(() => validateManifest(future)).message).toMatch(
      /formatVersion 3 is not one this app reads \(1 or 2\)/,
    );
  });

  it('wants a size and hash for every file the engine reads', async () => {
    const json = await goodJson();
    delete (json.files as Record<string, unknown>)['tokenizer/merges.txt'];
    delete (json.files as Record<string, unknown>)['unet.onnx.data'];
    const msg = packError(() => validateManifest(json)).message;
    expect(msg).toMatch(/files: "unet\.onnx\.data" has no size and sha256/);
    expect(msg).toMatch(/files: "tokenizer\/merges\.txt" has no size and sha256/);
  });

  it('checks the graph I/O of the contract (one-channel word_attention, image_tokens)', async () => {
    const json = await goodJson();
    const unet = (json.graphs as Record<string, { outputs: { name: string; shape: unknown[] }[] }>).unet!;
    unet.outputs[1]!.shape = ['batch', 2, 8, 8];
    expect(packError(() => validateManifest(json)).message).toMatch(
      /unet: output "word_attention" has shape \[batch, 2, 8, 8\], expected \[\*, 1, 8, 8\]/,
    );
  });

  it('accepts a TAESD preview decoder and an LCM sampler (what --taesd / --lcm-lora write)', async () => {
    const json = await withPreviewDecoderAndLcm();
    const m = parseManifest(JSON.stringify(json));
    if (m.formatVersion !== 2) throw new Error('unreachable');
    expect(m.graphs.previewDecoder?.file).toBe('preview_decoder.onnx');
    expect(m.scheduler.type).toBe('lcm');
  });

  it('checks the preview decoder like any graph: its I/O, its file, and the LCM fields', async () => {
    const bad = await withPreviewDecoderAndLcm();
    const graphs = bad.graphs as Record<string, { outputs: { shape: unknown[] }[] }>;
    graphs.previewDecoder!.outputs[0]!.shape = [1, 3, 64, 64];
    delete (bad.files as Record<string, unknown>)['preview_decoder.onnx'];
    const msg = packError(() => validateManifest(bad)).message;
    expect(msg).toMatch(/previewDecoder: output "image" has shape \[1, 3, 64, 64\], expected \[1, 3, 128, 128\]/);
    expect(msg).toMatch(/files: "preview_decoder\.onnx" has no size and sha256/);
    const steps = await withPreviewDecoderAndLcm();
    (steps.defaults as Record<string, unknown>).steps = 60;
    expect(packError(() => validateManifest(steps)).message).toMatch(/defaults\.steps 60 exceeds .* originalSteps 50/);
    const extra = await withPreviewDecoderAndLcm();
    (extra.scheduler as Record<string, unknown>).timestepSpacing = 'leading'; // a DDIM field
    expect(packError(() => validateManifest(extra)).message).toMatch(/timestepSpacing/);
  });

  it('loads every file (external data, tokenizer) verified by size and SHA-256', async () => {
    const { manifest, files } = await makeFixturePackV2();
    const base = 'https://packs.example/v2/';
    const served = new Map(files);
    served.set('pack.json', new TextEncoder().encode(JSON.stringify(manifest)));
    const pack = await loadPack(base, { budget: deviceBudget({ ep: 'wasm' }), fetchFn: memoryFetch(base, served) });
    expect([...pack.files.keys()].sort()).toEqual([...files.keys()].sort());
    expect(pack.graphs.unet).toEqual(files.get('unet.onnx'));
    expect(pack.totalBytes).toBe([...files.values()].reduce((s, b) => s + b.length, 0));

    const bad = new Map(served);
    bad.set('tokenizer/vocab.json', new TextEncoder().encode('{"a</w>": 1, "<|startoftext|>": 0, "<|endoftext|>": 2}'));
    const err = await engineErrorOf(
      loadPack(base, { budget: deviceBudget({ ep: 'wasm' }), fetchFn: memoryFetch(base, bad) }),
    );
    expect(err.file).toBe('tokenizer/vocab.json');
    expect(err.message).toMatch(/expected sha256/);
  });

  it('refuses an fp16 pack before any download where shader-f16 is missing', async () => {
    const { manifest, files } = await makeFixturePackV2({ dtype: 'float16' });
    const base = 'https://packs.example/v2/';
    const served = new Map(files);
    served.set('pack.json', new TextEncoder().encode(JSON.stringify(manifest)));
    for (const budget of [deviceBudget({ ep: 'wasm' }), deviceBudget({ ep: 'webgpu', shaderF16: false })]) {
      const requested: string[] = [];
      const err = await engineErrorOf(loadPack(base, { budget, fetchFn: memoryFetch(base, served, requested) }));
      expect(err.kind).toBe('PackInvalid');
      expect(err.message).toMatch(/float16 and needs WebGPU with the shader-f16 feature.*Nothing was downloaded/);
      expect(requested).toEqual([`${base}pack.json`]);
    }
    const ok = await loadPack(base, {
      budget: deviceBudget({ ep: 'webgpu', shaderF16: true }),
      fetchFn: memoryFetch(base, served),
    });
    expect(ok.files.size).toBe(files.size);
  });
});
