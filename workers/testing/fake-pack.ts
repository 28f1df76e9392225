/**
 * A tiny pack built with the engine's own ONNX writer, for loop tests on onnxruntime-node
 * before (and independently of) the exported packs. The graphs have the contract's I/O
 * and cheap arithmetic that depends on every input, so wrong feeds change the result:
 * the UNet's `word_attention` follows the latent (masks move between steps), and its
 * output adds image_scale · mask · mean(reference).
 */
import { TEST_SCHEDULER } from './pack-fixture';
import type { GraphSpec, Manifest, TensorSpec } from '../packs/manifest';
import { GraphBuilder } from '../engine/onnx/builder';
import type { GraphKey } from '../packs/graph-io';

const L = 8;
const DT = 4;
const C = 4;
const HW = 4; // latent 4×4 = image 4×4 = mask resolution
const NI = 12;
const DI = 4;
const SIZE = 4; // 3·4·4 = 48 = NI·DI: the image encoder is a reshape

export interface FakePackOptions {
  /** The UNet outputs NaN (numerical error path). */
  poison?: boolean;
  /** Extra input the engine does not know (PackInvalid path). */
  extraInput?: string;
  /** Omit `unetGlobal`. */
  noGlobal?: boolean;
}

const spec = (name: string, dtype: TensorSpec['dtype'], shape: TensorSpec['shape']): TensorSpec => ({
  name,
  dtype,
  shape,
});

function graph(file: string, inputs: TensorSpec[], outputs: TensorSpec[]): GraphSpec {
  return { file, bytes: 1, sha256: '0'.repeat(64), inputs, outputs };
}

function textEncoder(): Uint8Array {
  const g = new GraphBuilder('fake-text');
  const ids = g.op('Cast', [g.input('input_ids', 'int64', ['batch', L])], { to: 1 });
  const scaled = g.op('Mul', [g.op('Unsqueeze', [ids, g.ints([2])]), g.scalar(0.1)]);
  g.output('text_embeds', g.op('Expand', [scaled, g.ints([1, 1, DT])]), 'float', ['batch', L, DT]);
  return g.build();
}

function imageEncoder(): Uint8Array {
  const g = new GraphBuilder('fake-image');
  const tokens = g.op('Reshape', [g.input('pixels', 'float', [1, 3, SIZE, SIZE]), g.ints([1, NI, DI])]);
  g.output('patch_tokens', tokens, 'float', [1, NI, DI]);
  g.output('image_embed', g.op('ReduceMean', [tokens], { axes: [1], keepdims: 0 }), 'float', [1, DI]);
  return g.build();
}

function unet(global: boolean, options: FakePackOptions): Uint8Array {
  const g = new GraphBuilder('fake-unet');
  const latent = g.input('latent', 'float', ['batch', C, HW, HW]);
  const perBatch = (name: string) => g.op('Unsqueeze', [g.input(name, 'float', ['batch']), g.ints([1, 2, 3])]);
  const t = perBatch('timestep');
  const text = g.input('text_embeds', 'float', ['batch', L, DT]);
  const image = global
    ? g.input('image_embed', 'float', ['batch', DI])
    : g.input('image_tokens', 'float', ['batch', NI, DI]);
  const scale = perBatch('image_scale');
  const mask = g.input('mask', 'float', ['batch', 1, HW, HW]);
  const target = g.op('Cast', [g.input('target_tokens', 'int64', ['batch', L])], { to: 1 });
  let extra = g.scalar(0);
  if (!global) {
    extra = g.op('Add', [g.op('Add', [perBatch('alpha_bar'), perBatch('gamma_num')]), perBatch('scoring')]);
  }
  if (options.extraInput !== undefined) g.input(options.extraInput, 'float', ['batch']);

  const imageMean = g.op('ReduceMean', [image], { axes: global ? [1] : [1, 2], keepdims: 0 }); // [B]
  const imageTerm = g.op('Mul', [g.op('Mul', [scale, mask]), g.op('Unsqueeze', [imageMean, g.ints([1, 2, 3])])]);
  const textMean = g.op('Unsqueeze', [g.op('ReduceMean', [text], { axes: [1, 2], keepdims: 0 }), g.ints([1, 2, 3])]);
  const small = g.op('Mul', [
    g.op('Add', [g.op('Add', [textMean, extra]), g.op('Mul', [t, g.scalar(0.001)])]),
    g.scalar(0.01),
  ]);
  let out = g.op('Add', [g.op('Add', [g.op('Mul', [latent, g.scalar(0.5)]), imageTerm]), small]);
  if (options.poison === true) out = g.op('Div', [out, g.scalar(0)]);
  g.output('model_output', out, 'float', ['batch', C, HW, HW]);

  // Attention follows |latent| channels, scaled by how many target tokens are selected.
  const targetCount = g.op('Unsqueeze', [g.op('ReduceSum', [target, g.ints([1])], { keepdims: 0 }), g.ints([1, 2, 3])]);
  const channel = (c: number) => g.op('Abs', [g.op('Slice', [latent, g.ints([c]), g.ints([c + 1]), g.ints([1])])]);
  const a0 = g.op('Mul', [channel(0), targetCount]);
  const attention = g.op('Concat', [a0, g.op('Mul', [a0, g.scalar(2)]), channel(1)], { axis: 1 });
  g.output('word_attention', attention, 'float', ['batch', 3, HW, HW]);
  return g.build();
}

function decoder(): Uint8Array {
  const g = new GraphBuilder('fake-decoder');
  const rgb = g.op('Slice', [g.input('latent', 'float', [1, C, HW, HW]), g.ints([0]), g.ints([3]), g.ints([1])]);
  g.output('image', g.op('Tanh', [rgb]), 'float', [1, 3, SIZE, SIZE]);
  return g.build();
}

export function fakePack(options: FakePackOptions = {}): {
  manifest: Manifest;
  graphs: Partial<Record<GraphKey, Uint8Array>>;
} {
  const vocab = ['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'red', 'star', 'on', 'grass', 'blue', 'ball'];
  const unetInputs = (global: boolean): TensorSpec[] => [
    spec('latent', 'float32', ['batch', C, HW, HW]),
    spec('timestep', 'float32', ['batch']),
    ...(global ? [] : [spec('alpha_bar', 'float32', ['batch'])]),
    spec('text_embeds', 'float32', ['batch', L, DT]),
    global ? spec('image_embed', 'float32', ['batch', DI]) : spec('image_tokens', 'float32', ['batch', NI, DI]),
    spec('image_scale', 'float32', ['batch']),
    spec('mask', 'float32', ['batch', 1, HW, HW]),
    spec('target_tokens', 'int64', ['batch', L]),
    ...(global ? [] : [spec('gamma_num', 'float32', ['batch']), spec('scoring', 'float32', ['batch'])]),
    ...(options.extraInput !== undefined && !global ? [spec(options.extraInput, 'float32', ['batch'])] : []),
  ];
  const unetOutputs = [
    spec('model_output', 'float32', ['batch', C, HW, HW]),
    spec('word_attention', 'float32', ['batch', 3, HW, HW]),
  ];
  const manifest: Manifest = {
    format: 'realcustom-pack',
    formatVersion: 1,
    name: 'fake',
    version: '0.0.0',
    license: 'MIT',
    description: 'engine test pack',
    dtype: 'float32',
    image: { size: SIZE },
    reference: { size: SIZE },
    latent: { shape: [C, HW, HW], scale: 1 },
    scheduler: { ...TEST_SCHEDULER },
    tokenizer: { type: 'word', vocab, maxLength: L, pad: 0, bos: 1, eos: 2, unk: 3 },
    adapter: { kind: 'realcustom', imageTokens: NI, imageTokenDim: DI },
    layers: [
      { name: 'down.4', resolution: [4, 4] },
      { name: 'mid.2', resolution: [2, 2] },
      { name: 'up.4', resolution: [4, 4] },
    ],
    maskResolution: [HW, HW],
    graphs: {
      textEncoder: graph(
        'text_encoder.onnx',
        [spec('input_ids', 'int64', ['batch', L])],
        [spec('text_embeds', 'float32', ['batch', L, DT])],
      ),
      imageEncoder: graph(
        'image_encoder.onnx',
        [spec('pixels', 'float32', [1, 3, SIZE, SIZE])],
        [spec('patch_tokens', 'float32', [1, NI, DI]), spec('image_embed', 'float32', [1, DI])],
      ),
      unet: graph('unet.onnx', unetInputs(false), unetOutputs),
      ...(options.noGlobal === true ? {} : { unetGlobal: graph('unet_global.onnx', unetInputs(true), unetOutputs) }),
      decoder: graph(
        'decoder.onnx',
        [spec('latent', 'float32', [1, C, HW, HW])],
        [spec('image', 'float32', [1, 3, SIZE, SIZE])],
      ),
    },
    defaults: {
      steps: 4,
      guidanceText: 7.5,
      guidanceImage: 12.5,
      gammaScope: 0.25,
      gammaNum: 0.8,
      maskReuseStep: 2,
      globalScale: 0.6,
      seed: 1,
      previewEvery: 1,
      mode: 'realcustom',
      binaryMask: false,
      scoring: true,
    },
  };
  const graphs: Partial<Record<GraphKey, Uint8Array>> = {
    textEncoder: textEncoder(),
    imageEncoder: imageEncoder(),
    unet: unet(false, options),
    decoder: decoder(),
  };
  if (options.noGlobal !== true) graphs.unetGlobal = unet(true, options);
  return { manifest, graphs };
}
