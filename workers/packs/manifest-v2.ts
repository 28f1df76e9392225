/**
 * The executable form of docs/pack-contract-v2.md (format version 2: SD-1.5 + IP-Adapter
 * packs written by `python3 -m models.convert`): the zod schema of `pack.json`. Strict like
 * version 1 (manifest.ts), and separate from it: neither version loosens the other.
 * Cross-field checks live in `manifest-checks.ts`.
 */
import { z } from 'zod/mini';
import type { Mode } from '../protocol';
import {
  nonNegInt,
  packPath,
  posInt,
  rangeSchemas,
  resolution,
  schedulerSchema,
  sha256Hex,
  tensorSpec,
  type Manifest,
} from './manifest';

const rgb = z.tuple([z.number(), z.number(), z.number()]);

export const graphSpecV2 = z.strictObject({
  file: packPath,
  /** Only for graphs over 2 GB; each is passed to ORT as `externalData: [{ path, data }]`. */
  externalData: z.optional(z.array(packPath).check(z.minLength(1))),
  inputs: z.array(tensorSpec).check(z.minLength(1)),
  outputs: z.array(tensorSpec).check(z.minLength(1)),
});
export type GraphSpecV2 = z.infer<typeof graphSpecV2>;

/** The graphs every version-2 pack has, then the optional ones (`previewDecoder`: TAESD). */
export const GRAPH_NAMES_V2 = ['textEncoder', 'imageEncoder', 'unet', 'decoder'] as const;
export const OPTIONAL_GRAPH_NAMES_V2 = ['previewDecoder'] as const;
export type GraphNameV2 = (typeof GRAPH_NAMES_V2)[number] | (typeof OPTIONAL_GRAPH_NAMES_V2)[number];

/**
 * LCM (diffusers' LCMScheduler, for packs with LCM-LoRA fused into the UNet): the betas and
 * prediction of the checkpoint, timesteps drawn from the distillation's `originalSteps`-step
 * schedule, boundary-condition scalings with `timestepScaling`, fresh noise between steps.
 */
export const lcmSchedulerSchema = z.strictObject({
  type: z.literal('lcm'),
  trainTimesteps: posInt,
  betaSchedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']),
  betaStart: z.number().check(z.positive()),
  betaEnd: z.number().check(z.positive(), z.lt(1)),
  prediction: z.enum(['epsilon', 'v_prediction']),
  originalSteps: posInt,
  timestepScaling: z.number().check(z.positive()),
});

/** Modes a version-2 pack may offer: no `realcustom` (no scoring module). */
export const MODES_V2 = ['text', 'global', 'masked-global'] as const satisfies readonly Mode[];

export const manifestV2Schema = z.strictObject({
  format: z.literal('realcustom-pack'),
  formatVersion: z.literal(2),
  name: z.string().check(z.regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')),
  version: z.string().check(z.minLength(1)),
  license: z.string().check(z.minLength(1)),
  description: z.string(),
  dtype: z.enum(['float32', 'float16']),
  requiresShaderF16: z.boolean(),

  image: z.strictObject({ size: posInt }),
  reference: z.strictObject({ size: posInt, normalize: z.literal('clip') }),
  latent: z.strictObject({ shape: z.tuple([posInt, posInt, posInt]), scale: z.number().check(z.positive()) }),
  preview: z.strictObject({
    type: z.literal('latent-rgb'),
    factors: z.array(rgb).check(z.minLength(1)),
    bias: rgb,
  }),

  scheduler: z.discriminatedUnion('type', [schedulerSchema, lcmSchedulerSchema]),

  tokenizer: z.strictObject({
    type: z.literal('clip-bpe'),
    vocab: packPath,
    merges: packPath,
    maxLength: z.number().check(z.int(), z.gte(3)),
    lowercase: z.boolean(),
    bos: nonNegInt,
    eos: nonNegInt,
    pad: nonNegInt,
  }),

  adapter: z.strictObject({
    kind: z.literal('ip-adapter'),
    variant: z.enum(['ip-adapter_sd15', 'ip-adapter-plus_sd15']),
    imageTokens: posInt,
    imageTokenDim: posInt,
    uncondImageTokens: z.strictObject({
      file: packPath,
      dtype: z.literal('float32'),
      shape: z.tuple([z.literal(1), posInt, posInt]),
    }),
  }),
  modes: z.array(z.enum(MODES_V2)).check(z.minLength(1)),

  maskLayers: z.array(z.strictObject({ name: z.string().check(z.minLength(1)), resolution })).check(z.minLength(1)),
  maskResolution: resolution,
  wordAttention: z.literal('mean-of-maskLayers'),

  graphs: z.strictObject({
    textEncoder: graphSpecV2,
    imageEncoder: graphSpecV2,
    unet: graphSpecV2,
    decoder: graphSpecV2,
    /** TAESD: the diffusion-space latent → image, for live previews (the VAE still makes the image). */
    previewDecoder: z.optional(graphSpecV2),
  }),
  files: z.record(packPath, z.strictObject({ bytes: posInt, sha256: sha256Hex })),

  defaults: z.strictObject({
    // no gammaNum: version 2 has no scoring module
    ...rangeSchemas(['gammaNum']),
    mode: z.enum(MODES_V2),
  }),

  source: z.optional(
    z.strictObject({
      sd: z.string(),
      ipAdapter: z.string(),
      imageEncoder: z.string(),
      lcmLora: z.optional(z.string()),
      taesd: z.optional(z.string()),
      keys: z.record(z.string(), z.strictObject({ used: nonNegInt, notNeeded: nonNegInt })),
    }),
  ),
});

export type ManifestV2 = z.infer<typeof manifestV2Schema>;

/** A manifest of either version; `formatVersion` tells them apart. */
export type AnyManifest = Manifest | ManifestV2;

export function isV2(m: AnyManifest): m is ManifestV2 {
  return m.formatVersion === 2;
}

/** The graphs this pack lists, required then optional, with their specs. */
export function graphsOfV2(m: ManifestV2): [GraphNameV2, GraphSpecV2][] {
  return [...GRAPH_NAMES_V2, ...OPTIONAL_GRAPH_NAMES_V2].flatMap((k) => {
    const spec = m.graphs[k];
    return spec === undefined ? [] : [[k, spec] as [GraphNameV2, GraphSpecV2]];
  });
}

/** Every file a version-2 graph needs: the .onnx file, then its external data. */
export function graphFilesV2(spec: GraphSpecV2): string[] {
  return [spec.file, ...(spec.externalData ?? [])];
}
