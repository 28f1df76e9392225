/**
 * The graph I/O rules of docs/pack-contract.md ("Graph I/O"), in one table: which inputs
 * each graph may and must have, with which shapes and dtypes, and which outputs it must
 * produce. Both doors use it: `manifest-checks.ts` before any download, and the engine
 * (`engine/pack-graphs.ts`) before it creates a session from a manifest it was handed.
 */
import type { Dim, GraphSpec, Manifest, TensorSpec } from './manifest';
import type { GraphNameV2, GraphSpecV2, ManifestV2 } from './manifest-v2';

/** The graphs the engine runs (`judge` is evaluation-only; `previewDecoder` is version 2's optional TAESD). */
export type GraphKey = 'textEncoder' | 'imageEncoder' | 'unet' | 'unetGlobal' | 'decoder' | 'previewDecoder';
/** Version 1's graphs (it has no preview decoder). */
export type GraphKeyV1 = Exclude<GraphKey, 'previewDecoder'>;

/** Every input a UNet may have: what `engine/unet-feeds.ts` knows how to feed. */
export const UNET_INPUTS = [
  'latent',
  'timestep',
  'alpha_bar',
  'text_embeds',
  'image_tokens',
  'image_embed',
  'image_scale',
  'mask',
  'target_tokens',
  'gamma_num',
  'scoring',
] as const;
export type UnetInput = (typeof UNET_INPUTS)[number];

/** Expected shape; `null` = any dimension (symbolic such as `batch`, or not fixed by the contract). */
type Want = readonly (number | null)[];
type DType = TensorSpec['dtype'];
interface IoRule {
  required: boolean;
  shape: Want;
  /** The dtypes allowed; absent: the pack's float dtype (see graphIoProblems). */
  dtypes?: readonly DType[];
}
interface GraphRules {
  inputs: Record<string, IoRule>;
  outputs: Record<string, IoRule>;
}

function rulesFor(m: Manifest): Record<GraphKeyV1, GraphRules> {
  const L = m.tokenizer.maxLength;
  const [C, H, W] = m.latent.shape;
  const [Hm, Wm] = m.maskResolution;
  const S = m.image.size;
  const R = m.reference.size;
  const nL = m.layers.length;
  const req = (shape: Want, dtypes?: readonly DType[]): IoRule => ({
    required: true,
    shape,
    ...(dtypes && { dtypes }),
  });
  const opt = (shape: Want, dtypes?: readonly DType[]): IoRule => ({
    required: false,
    shape,
    ...(dtypes && { dtypes }),
  });
  const b = null; // batch
  const unetCommon: Partial<Record<UnetInput, IoRule>> = {
    latent: req([b, C, H, W]),
    timestep: req([b]),
    text_embeds: req([b, L, null]),
    image_scale: opt([b]),
    mask: opt([b, 1, Hm, Wm]),
    target_tokens: opt([b, L], ['float32', 'int64']), // a 0/1 row: the engine feeds either
  };
  const unetOutputs = { model_output: req([b, C, H, W]), word_attention: req([b, nL, Hm, Wm]) };
  const realcustomInputs: Partial<Record<UnetInput, IoRule>> = {
    ...unetCommon,
    alpha_bar: opt([b]),
    image_tokens: req([b, m.adapter.imageTokens, m.adapter.imageTokenDim]),
    gamma_num: opt([b]),
    scoring: opt([b]),
  };
  const realcustom: GraphRules = { inputs: realcustomInputs, outputs: unetOutputs };
  // Without word_attention a global UNet still serves `global` mode, just not `masked-global`.
  const globalInputs: Partial<Record<UnetInput, IoRule>> = { ...unetCommon, image_embed: req([b, null]) };
  const global: GraphRules = {
    inputs: globalInputs,
    outputs: { ...unetOutputs, word_attention: opt([b, nL, Hm, Wm]) },
  };
  return {
    textEncoder: {
      inputs: { input_ids: req([b, L], ['int64']) },
      outputs: { text_embeds: req([b, L, null]) },
    },
    imageEncoder: {
      inputs: { pixels: req([1, 3, R, R]) },
      outputs: {
        patch_tokens: req([1, m.adapter.imageTokens, m.adapter.imageTokenDim]),
        image_embed: req([1, null]),
      },
    },
    // adapter.kind says which of the two the main `unet` graph is.
    unet: m.adapter.kind === 'realcustom' ? realcustom : global,
    unetGlobal: global,
    decoder: {
      inputs: { latent: req([1, C, H, W]) },
      outputs: { image: req([1, 3, S, S]) },
    },
  };
}

/** Version 2 (docs/pack-contract-v2.md, "Graph I/O"): every input required, all float32 but input_ids. */
function rulesForV2(m: ManifestV2): Record<GraphNameV2, GraphRules> {
  const L = m.tokenizer.maxLength;
  const [C, H, W] = m.latent.shape;
  const [Hm, Wm] = m.maskResolution;
  const S = m.image.size;
  const R = m.reference.size;
  const { imageTokens: Ni, imageTokenDim: Di } = m.adapter;
  const f32 = ['float32'] as const;
  const req = (shape: Want, dtypes: readonly DType[] = f32): IoRule => ({ required: true, shape, dtypes });
  const b = null; // batch
  return {
    textEncoder: {
      inputs: { input_ids: req([b, L], ['int64']) },
      outputs: { text_embeds: req([b, L, Di]) },
    },
    imageEncoder: {
      inputs: { pixels: req([1, 3, R, R]) },
      outputs: { image_tokens: req([1, Ni, Di]) },
    },
    unet: {
      inputs: {
        latent: req([b, C, H, W]),
        timestep: req([b]),
        text_embeds: req([b, L, Di]),
        image_tokens: req([b, Ni, Di]),
        image_scale: req([b]),
        mask: req([b, 1, Hm, Wm]),
        target_tokens: req([b, L], ['float32', 'int64']),
      },
      outputs: { model_output: req([b, C, H, W]), word_attention: req([b, 1, Hm, Wm]) },
    },
    decoder: {
      inputs: { latent: req([1, C, H, W]) },
      outputs: { image: req([1, 3, S, S]) },
    },
    // TAESD: the same I/O, on the diffusion-space latent (no division by latent.scale)
    previewDecoder: {
      inputs: { latent: req([1, C, H, W]) },
      outputs: { image: req([1, 3, S, S]) },
    },
  };
}

export function fmtShape(shape: readonly Dim[] | Want): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}

function checkTensors(
  graph: string,
  side: 'input' | 'output',
  specs: readonly TensorSpec[],
  rules: Record<string, IoRule>,
  floatDtype: 'float32' | null,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of specs) {
    if (seen.has(t.name)) problems.push(`${graph}: ${side} "${t.name}" is listed twice`);
    seen.add(t.name);
    const rule = rules[t.name];
    // Extra outputs are harmless (the engine ignores them); unknown inputs cannot be fed.
    if (rule === undefined) {
      if (side === 'input') problems.push(`${graph}: unknown input "${t.name}" (the engine cannot feed it)`);
      continue;
    }
    const want = rule.shape;
    const ok =
      t.shape.length === want.length &&
      want.every((w, i) => w === null || typeof t.shape[i] === 'string' || t.shape[i] === w);
    if (!ok) problems.push(`${graph}: ${side} "${t.name}" has shape ${fmtShape(t.shape)}, expected ${fmtShape(want)}`);
    const allowed = rule.dtypes ?? (floatDtype === null ? null : [floatDtype]);
    if (allowed !== null && !allowed.includes(t.dtype)) {
      problems.push(`${graph}: ${side} "${t.name}" is ${t.dtype}, expected ${allowed.join(' or ')}`);
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && !seen.has(name)) problems.push(`${graph}: missing ${side} "${name}"`);
  }
  return problems;
}

/**
 * Human-readable problems of one graph's declared I/O; empty when it follows the contract.
 * The engine feeds float32 (and int64) only, so float inputs are float32 in every pack; an
 * fp16 pack may have float16 outputs, an fp32 pack has float32 everywhere.
 */
export function graphIoProblems(key: GraphKeyV1, spec: GraphSpec, m: Manifest): string[] {
  const rules = rulesFor(m)[key];
  return [
    ...checkTensors(key, 'input', spec.inputs, rules.inputs, 'float32'),
    ...checkTensors(key, 'output', spec.outputs, rules.outputs, m.dtype === 'float32' ? 'float32' : null),
  ];
}

/** The same for a version-2 graph: inputs and outputs exactly as docs/pack-contract-v2.md fixes them. */
export function graphIoProblemsV2(key: GraphNameV2, spec: GraphSpecV2, m: ManifestV2): string[] {
  const rules = rulesForV2(m)[key];
  return [
    ...checkTensors(key, 'input', spec.inputs, rules.inputs, 'float32'),
    ...checkTensors(key, 'output', spec.outputs, rules.outputs, 'float32'),
  ];
}
