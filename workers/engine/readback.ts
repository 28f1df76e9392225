/**
 * The only GPU→CPU copies the loop makes: decoded previews, masks as small maps, and the
 * 4-byte finiteness flag. Everything read is checked for NaN/Inf here, so a diverging
 * run stops with a NumericalError instead of streaming garbage.
 */
import { EngineError } from '../errors';
import type { Gray, Rgba } from '../protocol';
import type { TensorHandle } from './backend';
import type { HelperGraphs } from './graphs/helpers';
import { chwToRgba, gray, upscaleRgba } from './image';
import type { PackGraph } from './pack-graphs';
import type { Scope } from './scope';
import type { TrackedBackend } from './tracked-backend';

function numerical(what: string, step: number): EngineError {
  return new EngineError(
    'NumericalError',
    `The ${what} became NaN or infinite at step ${step}. Lower the guidance weights or try another seed.`,
  );
}

function assertFinite(data: Float32Array, what: string, step: number): void {
  for (const v of data) if (!Number.isFinite(v)) throw numerical(what, step);
}

export class Readback {
  constructor(
    private readonly backend: TrackedBackend,
    private readonly helpers: HelperGraphs,
    private readonly decoder: PackGraph,
    private readonly latentScale: number,
    private readonly imageSize: number,
  ) {}

  /** The step graph's Σ(latent·0): NaN iff the latent holds NaN/Inf. */
  async checkLatent(nonfinite: TensorHandle, step: number): Promise<void> {
    const [flag] = await this.backend.read(nonfinite);
    if (flag !== 0) throw numerical('latent', step);
  }

  /** Decoder(latent / scale) → RGBA. */
  async decode(latent: TensorHandle, scope: Scope, step: number): Promise<Rgba> {
    const input = this.latentScale === 1 ? latent : scope.track(await this.helpers.scale(latent, 1 / this.latentScale));
    const out = scope.trackAll(await this.decoder.session.run({ latent: input }));
    const data = await this.backend.read(out.image!);
    assertFinite(data, 'decoded image', step);
    return chwToRgba(data, this.imageSize, this.imageSize);
  }

  /**
   * The pack's latent → RGB projection of a diffusion-space latent, read at the latent's
   * resolution ([3, h, w]) and upscaled to the image size: a preview without the VAE.
   */
  async latentPreview(latent: TensorHandle, scope: Scope, step: number): Promise<Rgba> {
    const rgb = scope.track(await this.helpers.latentRgb(latent));
    const [h, w] = rgb.dims.slice(2) as [number, number];
    const data = await this.backend.read(rgb);
    assertFinite(data, 'preview', step);
    return upscaleRgba(chwToRgba(data, w, h), this.imageSize);
  }

  /** Mask [1, 1, H, W] and layer maps [nL, H, W] → CPU maps. */
  async masks(mask: TensorHandle, layerMaps: TensorHandle, step: number): Promise<{ mask: Gray; layers: Gray[] }> {
    const [h, w] = mask.dims.slice(2) as [number, number];
    const m = await this.backend.read(mask);
    const l = await this.backend.read(layerMaps);
    assertFinite(m, 'mask', step);
    assertFinite(l, 'attention map', step);
    const n = h * w;
    const layers = Array.from({ length: l.length / n }, (_, i) => gray(l.slice(i * n, (i + 1) * n), w, h));
    return { mask: gray(m, w, h), layers };
  }
}
