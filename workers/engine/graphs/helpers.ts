/**
 * The engine-owned helper graphs for one pack, as typed calls. Each call feeds its small
 * CPU-side scalars, runs, frees those scalars, and hands back device tensors the caller
 * owns (and must dispose).
 */
import { EngineError } from '../../errors';
import type { GraphSession, TensorHandle } from '../backend';
import type { TrackedBackend } from '../tracked-backend';
import { buildMaskGraph } from './mask-graph';
import { buildLatentRgbGraph, type LatentRgb } from './preview-graph';
import { buildStepGraph } from './step-graph';
import { buildConcatGraph, buildExpandGraph, buildRowsGraph, buildScaleGraph } from './tensor-graphs';

export interface MaskShape {
  layers: number;
  height: number;
  width: number;
}

type HelperName = 'expand' | 'rows' | 'concat' | 'scale' | 'stepOne' | 'stepTwo' | 'mask';

export class HelperGraphs {
  private constructor(
    private readonly backend: TrackedBackend,
    private readonly sessions: Record<HelperName, GraphSession>,
    /** The pack's latent → RGB preview projection, if it has one. */
    private readonly latentRgbSession: GraphSession | null,
  ) {}

  static async create(
    backend: TrackedBackend,
    mask: MaskShape,
    preview: LatentRgb | null = null,
  ): Promise<HelperGraphs> {
    const [expand, rows, concat, scale, stepOne, stepTwo, maskSession] = await Promise.all([
      backend.createSession('engine-expand', buildExpandGraph()),
      backend.createSession('engine-rows', buildRowsGraph()),
      backend.createSession('engine-concat', buildConcatGraph()),
      backend.createSession('engine-scale', buildScaleGraph()),
      backend.createSession('engine-step-one', buildStepGraph('one')),
      backend.createSession('engine-step-two', buildStepGraph('two')),
      backend.createSession('engine-mask', buildMaskGraph(mask.layers, mask.height, mask.width)),
    ]);
    const latentRgb =
      preview === null ? null : await backend.createSession('engine-latent-rgb', buildLatentRgbGraph(preview));
    return new HelperGraphs(backend, { expand, rows, concat, scale, stepOne, stepTwo, mask: maskSession }, latentRgb);
  }

  /** Whether `latentRgb` can run (the pack has a latent → RGB preview projection). */
  get hasLatentRgb(): boolean {
    return this.latentRgbSession !== null;
  }

  /** Diffusion-space latent [1, C, h, w] → approximate RGB [1, 3, h, w] in ≈ [−1, 1]. */
  async latentRgb(latent: TensorHandle): Promise<TensorHandle> {
    if (this.latentRgbSession === null)
      throw new EngineError('Internal', 'This pack has no latent → RGB preview projection.');
    return (await this.latentRgbSession.run({ latent })).rgb!;
  }

  /** Tiles a batch-1 tensor to `batch` rows. */
  async expand(x: TensorHandle, batch: number): Promise<TensorHandle> {
    const shape = [batch, ...x.dims.slice(1).map(() => 1)];
    return this.single('expand', { x }, { shape: this.ints(shape) }, 'y');
  }

  /** Rows [start, end) of the batch axis. */
  async rows(x: TensorHandle, start: number, end: number): Promise<TensorHandle> {
    return this.single('rows', { x }, { start: this.ints([start]), end: this.ints([end]) }, 'y');
  }

  /** The rows of `a`, then those of `b` (same trailing dims). */
  async concat(a: TensorHandle, b: TensorHandle): Promise<TensorHandle> {
    return this.single('concat', { a, b }, {}, 'y');
  }

  async scale(x: TensorHandle, s: number): Promise<TensorHandle> {
    return this.single('scale', { x }, { s: this.floats([s]) }, 'y');
  }

  /**
   * Guided sampler update a·latent + b·ε (+ scale·z: LCM's fresh noise, a [1, C, h, w] device
   * tensor); `outputs` are one or two model_output tensors whose rows match `weights`. Also
   * returns the new latent tiled to `nextBatch` rows for the next step.
   */
  async step(
    outputs: readonly [TensorHandle] | readonly [TensorHandle, TensorHandle],
    weights: readonly number[],
    latent: TensorHandle,
    coefficients: { a: number; b: number },
    nextBatch: number,
    noise: { z: TensorHandle; scale: number } | null = null,
  ): Promise<{ next: TensorHandle; nextTiled: TensorHandle; nonfinite: TensorHandle }> {
    const rows: Record<string, TensorHandle> =
      outputs.length === 1 ? { model_output: outputs[0] } : { output_a: outputs[0], output_b: outputs[1] };
    const out = await this.run(
      outputs.length === 1 ? 'stepOne' : 'stepTwo',
      { ...rows, latent, ...(noise && { noise: noise.z }) },
      {
        weights: this.floats(weights),
        a: this.floats([coefficients.a]),
        b: this.floats([coefficients.b]),
        ...(noise === null && { noise: this.backend.float32(new Float32Array(1), [1, 1, 1, 1]) }),
        noise_scale: this.floats([noise?.scale ?? 0]),
        tile_shape: this.ints([nextBatch, 1, 1, 1]),
      },
    );
    return { next: out.next_latent!, nextTiled: out.next_tiled!, nonfinite: out.nonfinite! };
  }

  /** RealCustom mask from row `row` of word_attention; k positions kept. */
  async mask(
    wordAttention: TensorHandle,
    row: number,
    keep: number,
    binary: boolean,
  ): Promise<{ mask: TensorHandle; layerMaps: TensorHandle }> {
    const out = await this.run(
      'mask',
      { word_attention: wordAttention },
      {
        row: this.ints([row]),
        keep: this.floats([keep]),
        binary: this.floats([binary ? 1 : 0]),
      },
    );
    return { mask: out.mask!, layerMaps: out.layer_maps! };
  }

  async release(): Promise<void> {
    await Promise.all(
      [...Object.values(this.sessions), ...(this.latentRgbSession ? [this.latentRgbSession] : [])].map((s) =>
        s.release(),
      ),
    );
  }

  private ints(values: readonly number[]): TensorHandle {
    return this.backend.int64(
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
    );
  }

  private floats(values: readonly number[]): TensorHandle {
    return this.backend.float32(Float32Array.from(values), [values.length]);
  }

  private async single(
    name: HelperName,
    device: Record<string, TensorHandle>,
    scalars: Record<string, TensorHandle>,
    output: string,
  ): Promise<TensorHandle> {
    return (await this.run(name, device, scalars))[output]!;
  }

  /** Runs with device inputs (kept) and freshly made scalar inputs (freed here). */
  private async run(
    name: HelperName,
    device: Record<string, TensorHandle>,
    scalars: Record<string, TensorHandle>,
  ): Promise<Record<string, TensorHandle>> {
    try {
      return await this.sessions[name].run({ ...device, ...scalars });
    } finally {
      for (const t of Object.values(scalars)) this.backend.dispose(t);
    }
  }
}
