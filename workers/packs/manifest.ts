/**
 * The executable form of docs/pack-contract.md (format version 1): the zod schema of
 * `pack.json`. Every object is strict, so a misspelt field is refused instead of silently
 * ignored. Cross-field checks (shapes against the tokenizer, latent and layers) live in
 * `manifest-checks.ts`; `parseManifest` in `parse.ts` runs both.
 *
 * Pure TypeScript: the Node CLI in tools/ imports it too.
 */
import { z } from 'zod/mini';
import { MODES, PARAM_RANGES, type NumericParam } from '../protocol';

// zod/mini ships no default locale (full zod registers English on first use), and
// parse.ts shows these messages to the user: register English once, for every schema.
z.config(z.locales.en());

export const posInt = z.number().check(z.int(), z.positive());
export const nonNegInt = z.number().check(z.int(), z.nonnegative());

/** The DDIM scheduler block, the same in every pack format version. */
export const schedulerSchema = z.strictObject({
  type: z.literal('ddim'),
  trainTimesteps: posInt,
  betaSchedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']),
  betaStart: z.number().check(z.positive()),
  betaEnd: z.number().check(z.positive(), z.lt(1)),
  prediction: z.enum(['epsilon', 'v_prediction']),
  timestepSpacing: z.enum(['leading', 'trailing']),
  stepsOffset: nonNegInt,
  setAlphaToOne: z.boolean(),
});

/**
 * `defaults`' numbers, from the one table of parameter ranges (protocol.ts); `skip`: the
 * parameters a pack format has none of (version 2 has no scoring module, so no gammaNum).
 */
export function rangeSchemas<K extends NumericParam = never>(
  skip: readonly K[] = [],
): Record<Exclude<NumericParam, K>, z.ZodMiniNumber<number>> {
  const entries = PARAM_RANGES.filter((r) => !(skip as readonly NumericParam[]).includes(r.key)).map((r) => {
    const n = r.integer ? z.number().check(z.int()) : z.number();
    return [r.key, n.check(r.minInclusive ? z.gte(r.min) : z.gt(r.min), z.lte(r.max))] as const;
  });
  return Object.fromEntries(entries) as Record<Exclude<NumericParam, K>, z.ZodMiniNumber<number>>;
}

/** A path inside the pack: relative, no `..`, no scheme, no query (packs from URLs are untrusted). */
export const packPath = z.string().check(
  z.regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'a relative path inside the pack'),
  z.refine((p) => !p.split('/').includes('..'), 'must not leave the pack folder'),
);

export const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'));

/** A file of the pack with its integrity data. */
export const fileRef = z.strictObject({ file: packPath, bytes: posInt, sha256: sha256Hex });
export type FileRef = z.infer<typeof fileRef>;

export const dim = z.union([posInt, z.string().check(z.minLength(1))]);
export type Dim = z.infer<typeof dim>;

export const tensorSpec = z.strictObject({
  name: z.string().check(z.minLength(1)),
  dtype: z.enum(['float32', 'float16', 'int64']),
  shape: z.array(dim),
});
export type TensorSpec = z.infer<typeof tensorSpec>;

export const graphSpec = z.extend(fileRef, {
  inputs: z.array(tensorSpec).check(z.minLength(1)),
  outputs: z.array(tensorSpec).check(z.minLength(1)),
});
export type GraphSpec = z.infer<typeof graphSpec>;

/** The grid of an attention layer or of the mask, in latent cells (both pack formats use it). */
export const resolution = z.tuple([posInt, posInt]);

export const GRAPH_NAMES = ['textEncoder', 'imageEncoder', 'unet', 'unetGlobal', 'decoder', 'judge'] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];

export const manifestSchema = z.strictObject({
  format: z.literal('realcustom-pack'),
  formatVersion: z.literal(1),
  name: z.string().check(z.regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')),
  version: z.string().check(z.minLength(1)),
  license: z.string().check(z.minLength(1)),
  description: z.string(),
  dtype: z.enum(['float32', 'float16']),

  image: z.strictObject({ size: posInt }),
  reference: z.strictObject({ size: posInt }),
  latent: z.strictObject({ shape: z.tuple([posInt, posInt, posInt]), scale: z.number().check(z.positive()) }),

  scheduler: schedulerSchema,

  tokenizer: z.strictObject({
    type: z.literal('word'),
    vocab: z.array(z.string().check(z.minLength(1))).check(z.minLength(4)),
    maxLength: z.number().check(z.int(), z.gte(3)),
    pad: nonNegInt,
    bos: nonNegInt,
    eos: nonNegInt,
    unk: nonNegInt,
  }),

  adapter: z.strictObject({
    kind: z.enum(['realcustom', 'ip-adapter']),
    imageTokens: posInt,
    imageTokenDim: posInt,
  }),

  layers: z.array(z.strictObject({ name: z.string().check(z.minLength(1)), resolution })).check(z.minLength(1)),
  maskResolution: resolution,

  graphs: z.strictObject({
    textEncoder: graphSpec,
    imageEncoder: graphSpec,
    unet: graphSpec,
    unetGlobal: z.optional(graphSpec),
    decoder: graphSpec,
    judge: z.optional(graphSpec),
  }),

  defaults: z.strictObject({
    ...rangeSchemas(),
    mode: z.enum(MODES),
    // Optional ablation switches (docs/pack-contract.md); absent means off / on.
    binaryMask: z.optional(z.boolean()),
    scoring: z.optional(z.boolean()),
  }),

  examples: z.optional(
    z.strictObject({
      references: z.array(
        z.extend(fileRef, {
          label: z.string(),
          word: z.string().check(z.minLength(1)),
          prompt: z.string().check(z.minLength(1)),
        }),
      ),
      prompts: z.array(z.string().check(z.minLength(1))),
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;
