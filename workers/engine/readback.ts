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

/** Which graph draws a step's preview. */
export type PreviewRoute = 'vae' | 'preview-decoder' | 'latent-rgb';

/**
 * The last step's preview is the image, so the VAE draws it. Before that: the pack's preview
 * decoder (TAESD, version 2's `graphs.previewDecoder`) when it has one, else its latent → RGB
 * projection (version 2's `preview`), else the VAE (version 1).
 */
export function previewRoute(isLast: boolean, hasPreviewDecoder: boolean, hasLatentRgb: boolean): PreviewRoute {
  if (isLast) return 'vae';
  if (hasPreviewDecoder) return 'preview-decoder';
  return hasLatentRgb ? 'latent-rgb' : 'vae';
}

export class Readback {
  constructor(
    private readonly backend: TrackedBackend,
    private readonly helpers: HelperGraphs,
    private readonly decoder: PackGraph,
    private readonly latentScale: number,
    private readonly imageSize: number,
    /** TAESD: diffusion-space latent → image [1, 3, size, size] in [−1, 1]; null when the pack has none. */
    private readonly previewDecoder: PackGraph | null = null,
  ) {}

  /** A step's preview of `latent` (the x̂₀ estimate before the last step), by `previewRoute`. */
  async preview(latent: TensorHandle, scope: Scope, step: number, isLast: boolean): Promise<Rgba> {
    switch (previewRoute(isLast, this.previewDecoder !== null, this.helpers.hasLatentRgb)) {
      case 'vae':
        return this.decode(latent, scope, step);
      case 'preview-decoder':
        return this.previewDecoded(latent, scope, step);
      case 'latent-rgb':
        return this.latentPreview(latent, scope, step);
    }
  }

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

  /** The preview decoder (TAESD) on the diffusion-space latent itself (no division by the scale). */
  async previewDecoded(latent: TensorHandle, scope: Scope, step: number): Promise<Rgba> {
    if (this.previewDecoder === null) throw new EngineError('Internal', 'This pack has no preview decoder.');
    const out = scope.trackAll(await this.previewDecoder.session.run({ latent }));
    const data = await this.backend.read(out.image!);
    assertFinite(data, 'preview', step);
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
