/**
 * Test helper (Vitest only): a consistent format-version-2 manifest (the shapes of the
 * narrow SD pack at 128², docs/pack-contract-v2.md) with fake file bytes, for the loader's
 * and the parser's tests.
 */
import { sha256Hex } from '../packs/integrity';
import type { TensorSpec } from '../packs/manifest';
import type { ManifestV2 } from '../packs/manifest-v2';
import { fakeOnnx } from './pack-fixture';

const f32 = (name: string, shape: (number | string)[]): TensorSpec => ({ name, dtype: 'float32', shape });

/** SD-1.5's own DDIM scheduler (diffusers' scheduler_config.json), as converted packs carry it. */
export const SD15_DDIM: ManifestV2['scheduler'] = {
  type: 'ddim',
  trainTimesteps: 1000,
  betaSchedule: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  prediction: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 1,
  setAlphaToOne: false,
};

/** SD-1.5's LCM scheduler as an LCM-LoRA pack declares it (diffusers' LCMScheduler config). */
export const SD15_LCM = {
  type: 'lcm',
  trainTimesteps: 1000,
  betaSchedule: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  prediction: 'epsilon',
  originalSteps: 50,
  timestepScaling: 10,
} as const satisfies ManifestV2['scheduler'];

export interface FixturePackV2 {
  manifest: ManifestV2;
  files: Map<string, Uint8Array>;
}

export async function makeFixturePackV2(opts: { dtype?: 'float32' | 'float16' } = {}): Promise<FixturePackV2> {
  const dtype = opts.dtype ?? 'float32';
  const raw = new Map<string, Uint8Array>([
    ['text_encoder.onnx', fakeOnnx(900, 1)],
    ['image_encoder.onnx', fakeOnnx(800, 2)],
    ['unet.onnx', fakeOnnx(1200, 3)],
    ['unet.onnx.data', new Uint8Array(3000).fill(7)],
    ['vae_decoder.onnx', fakeOnnx(700, 4)],
    ['image_tokens_uncond.bin', new Uint8Array(4 * 4 * 32)],
    ['tokenizer/vocab.json', new TextEncoder().encode('{"a</w>": 0, "<|startoftext|>": 1, "<|endoftext|>": 2}')],
    ['tokenizer/merges.txt', new TextEncoder().encode('#version: 0.2\n')],
  ]);
  const files: ManifestV2['files'] = {};
  for (const [path, bytes] of raw) files[path] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  const b = 'batch';
  const manifest: ManifestV2 = {
    format: 'realcustom-pack',
    formatVersion: 2,
    name: 'fixture-v2',
    version: '1.0.0',
    license: 'CreativeML OpenRAIL-M (test)',
    description: 'Stable Diffusion 1.5 (test) with ip-adapter_sd15.bin',
    dtype,
    requiresShaderF16: dtype === 'float16',
    image: { size: 128 },
    reference: { size: 224, normalize: 'clip' },
    latent: { shape: [4, 16, 16], scale: 0.18215 },
    preview: {
      type: 'latent-rgb',
      factors: [
        [0.3512, 0.2297, 0.3227],
        [0.325, 0.4974, 0.235],
        [-0.2829, 0.1762, 0.2721],
        [-0.212, -0.2616, -0.7177],
      ],
      bias: [0, 0, 0],
    },
    scheduler: SD15_DDIM,
    tokenizer: {
      type: 'clip-bpe',
      vocab: 'tokenizer/vocab.json',
      merges: 'tokenizer/merges.txt',
      maxLength: 77,
      lowercase: true,
      bos: 49406,
      eos: 49407,
      pad: 49407,
    },
    adapter: {
      kind: 'ip-adapter',
      variant: 'ip-adapter_sd15',
      imageTokens: 4,
      imageTokenDim: 32,
      uncondImageTokens: { file: 'image_tokens_uncond.bin', dtype: 'float32', shape: [1, 4, 32] },
    },
    modes: ['text', 'global', 'masked-global'],
    maskLayers: [
      { name: 'down_blocks.0.attentions.0', resolution: [16, 16] },
      { name: 'mid_block.attentions.0', resolution: [2, 2] },
    ],
    maskResolution: [8, 8],
    wordAttention: 'mean-of-maskLayers',
    graphs: {
      textEncoder: {
        file: 'text_encoder.onnx',
        inputs: [{ name: 'input_ids', dtype: 'int64', shape: [b, 77] }],
        outputs: [f32('text_embeds', [b, 77, 32])],
      },
      imageEncoder: {
        file: 'image_encoder.onnx',
        inputs: [f32('pixels', [1, 3, 224, 224])],
        outputs: [f32('image_tokens', [1, 4, 32])],
      },
      unet: {
        file: 'unet.onnx',
        externalData: ['unet.onnx.data'],
        inputs: [
          f32('latent', [b, 4, 16, 16]),
          f32('timestep', [b]),
          f32('text_embeds', [b, 77, 32]),
          f32('image_tokens', [b, 4, 32]),
          f32('image_scale', [b]),
          f32('mask', [b, 1, 8, 8]),
          f32('target_tokens', [b, 77]),
        ],
        outputs: [f32('model_output', [b, 4, 16, 16]), f32('word_attention', [b, 1, 8, 8])],
      },
      decoder: {
        file: 'vae_decoder.onnx',
        inputs: [f32('latent', [1, 4, 16, 16])],
        outputs: [f32('image', [1, 3, 128, 128])],
      },
    },
    files,
    defaults: {
      steps: 25,
      guidanceText: 7.5,
      guidanceImage: 7.5,
      gammaScope: 0.25,
      maskReuseStep: 12,
      globalScale: 0.6,
      seed: 1,
      previewEvery: 1,
      mode: 'masked-global',
    },
    source: {
      sd: 'stable-diffusion-v1-5',
      ipAdapter: 'ip-adapter_sd15.bin',
      imageEncoder: 'image_encoder',
      keys: { unet: { used: 718, notNeeded: 0 } },
    },
  };
  return { manifest, files: raw };
}
