/**
 * Builds the feeds of a UNet run: exactly the inputs the graph's pack.json entry lists.
 *
 * What stays fixed for a job (text embeddings, reference features tiled to the batch,
 * image scales, target tokens, γ_num, scoring, the all-ones mask) is made once per batch
 * layout and kept on the device; per step only the tiled latent, the timestep, ᾱ and a
 * fresh mask change.
 */
import type { GraphSpec, TensorSpec } from '../packs/manifest';
import { EngineError, packInvalid } from '../errors';
import type { Params } from '../protocol';
import type { TensorHandle } from './backend';
import type { HelperGraphs } from './graphs/helpers';
import type { RowKind } from './modes';
import type { UnetInput } from '../packs/graph-io';
import type { Scope } from './scope';
import type { TrackedBackend } from './tracked-backend';

export interface JobTensors {
  /** text_embeds for rows [∅, T, T]; any batch layout is a contiguous slice of it. */
  textEmbeds: TensorHandle;
  /** [1, Ni, Di] and [1, De], null without a reference (`text` mode). */
  patchTokens: TensorHandle | null;
  imageEmbed: TensorHandle | null;
  /** [1, Ni, Di]: the pack's negative image tokens, for a `negative` row; null when unused. */
  negativeTokens: TensorHandle | null;
}

export interface FeedSettings {
  params: Params;
  imageScale: number;
  /** 0/1 per token position (length L). */
  targetTokens: readonly number[];
  maskResolution: readonly [number, number];
  imageTokens: number;
  imageTokenDim: number;
}

export interface StepInputs {
  timestep: number;
  alphaBar: number;
  /** The latent tiled to the batch (batch 1: the latent itself). */
  latent: TensorHandle;
  /** [B, 1, Hm, Wm]; null = all ones. */
  mask: TensorHandle | null;
}

type Constant = Exclude<UnetInput, 'latent' | 'timestep' | 'alpha_bar'>;

export class UnetFeeder {
  private readonly constants = new Map<string, TensorHandle>();

  constructor(
    private readonly backend: TrackedBackend,
    private readonly helpers: HelperGraphs,
    /** Owns every constant made here: the job's scope. */
    private readonly jobScope: Scope,
    private readonly spec: Pick<GraphSpec, 'file' | 'inputs'>,
    private readonly tensors: JobTensors,
    private readonly settings: FeedSettings,
  ) {}

  async feeds(rows: readonly RowKind[], step: StepInputs, stepScope: Scope): Promise<Record<string, TensorHandle>> {
    const b = rows.length;
    const feeds: Record<string, TensorHandle> = {};
    for (const input of this.spec.inputs) {
      const name = input.name as UnetInput;
      switch (name) {
        case 'latent':
          feeds[name] = step.latent;
          break;
        case 'timestep':
          feeds[name] = stepScope.track(this.make(input, [b], new Array<number>(b).fill(step.timestep)));
          break;
        case 'alpha_bar':
          feeds[name] = stepScope.track(this.make(input, [b], new Array<number>(b).fill(step.alphaBar)));
          break;
        case 'mask':
          feeds[name] = step.mask ?? (await this.constant(name, input, rows));
          break;
        default:
          feeds[name] = await this.constant(name, input, rows);
      }
    }
    return feeds;
  }

  private async constant(name: Constant, input: TensorSpec, rows: readonly RowKind[]): Promise<TensorHandle> {
    const key = `${name}:${rows.join(',')}`;
    let t = this.constants.get(key);
    if (t === undefined) {
      t = this.jobScope.track(await this.makeConstant(name, input, rows));
      this.constants.set(key, t);
    }
    return t;
  }

  private async makeConstant(name: Constant, input: TensorSpec, rows: readonly RowKind[]): Promise<TensorHandle> {
    const b = rows.length;
    const s = this.settings;
    const perRow = (v: (r: RowKind) => number) => this.make(input, [b], rows.map(v));
    switch (name) {
      case 'text_embeds': {
        // Rows are ∅ first (if present) then prompt rows: a slice of [∅, T, T].
        const start = rows[0] === 'uncond' || rows[0] === 'negative' ? 0 : 1;
        return this.helpers.rows(this.tensors.textEmbeds, start, start + b);
      }
      case 'image_tokens':
        return this.imageTokens(rows, input);
      case 'image_embed': {
        const dim = input.shape[1];
        if (typeof dim !== 'number')
          throw packInvalid(this.spec.file, `'image_embed' needs a fixed size, got ${String(dim)}`);
        return this.image(this.tensors.imageEmbed, b, [dim], input);
      }
      case 'image_scale':
        return perRow((r) => (r === 'image' || r === 'negative' ? s.imageScale : 0));
      case 'mask': {
        const [h, w] = s.maskResolution;
        return this.make(input, [b, 1, h, w], new Array<number>(b * h * w).fill(1));
      }
      case 'target_tokens':
        return this.make(
          input,
          [b, s.targetTokens.length],
          rows.flatMap(() => s.targetTokens),
        );
      case 'gamma_num':
        return perRow(() => s.params.gammaNum);
      case 'scoring':
        return perRow(() => (s.params.scoring ? 1 : 0));
    }
  }

  /** The reference's tokens on every row, but the pack's negative tokens on a leading `negative` row. */
  private async imageTokens(rows: readonly RowKind[], input: TensorSpec): Promise<TensorHandle> {
    const s = this.settings;
    const rest = [s.imageTokens, s.imageTokenDim];
    if (rows.slice(1).includes('negative'))
      throw new EngineError('Internal', `A 'negative' row must come first (rows: ${rows.join(', ')}).`);
    if (rows[0] !== 'negative') return this.image(this.tensors.patchTokens, rows.length, rest, input);
    const negative = this.tensors.negativeTokens;
    if (negative === null)
      throw new EngineError('Internal', "A 'negative' row needs the pack's negative image tokens.");
    if (rows.length === 1) return this.helpers.rows(negative, 0, 1);
    const reference = await this.image(this.tensors.patchTokens, rows.length - 1, rest, input);
    try {
      return await this.helpers.concat(negative, reference);
    } finally {
      this.backend.dispose(reference);
    }
  }

  /** Reference features tiled to the batch; zeros when there is no reference (image_scale is 0 then). */
  private async image(
    feature: TensorHandle | null,
    b: number,
    rest: number[],
    input: TensorSpec,
  ): Promise<TensorHandle> {
    if (feature === null) {
      const dims = [b, ...rest];
      return this.make(input, dims, new Array<number>(dims.reduce((x, y) => x * y)).fill(0));
    }
    // Batch 1 still gets its own handle so every constant is owned (and freed) the same way.
    return b === 1 ? this.helpers.rows(feature, 0, 1) : this.helpers.expand(feature, b);
  }

  private make(input: TensorSpec, dims: number[], values: number[]): TensorHandle {
    if (input.dtype === 'int64')
      return this.backend.int64(
        BigInt64Array.from(values, (v) => BigInt(Math.round(v))),
        dims,
      );
    return this.backend.float32(Float32Array.from(values), dims);
  }
}
