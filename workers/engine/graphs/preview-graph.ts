/**
 * Live previews without the VAE (version-2 packs' `preview`, type `latent-rgb`): a per-pixel
 * linear map of the diffusion-space latent to RGB in ≈ [−1, 1],
 * `rgb[c] = Σ_k latent[k] · factors[k][c] + bias[c]`, as one 1×1 Conv. The factors are the
 * pack's (for SD-1.5 the widely used ones from ComfyUI's `comfy/latent_formats.py`, class SD15
 * `latent_rgb_factors`, which models/convert.py writes). Reading back [3, h, w] instead of the
 * decoded [3, size, size] image is 64× fewer bytes at 512² and skips the VAE's run.
 */
import { GraphBuilder } from '../onnx/builder';

export interface LatentRgb {
  /** One [r, g, b] row per latent channel. */
  factors: readonly (readonly [number, number, number])[];
  bias: readonly [number, number, number];
}

/** latent [1, C, h, w] → rgb [1, 3, h, w]. */
export function buildLatentRgbGraph({ factors, bias }: LatentRgb): Uint8Array {
  const channels = factors.length;
  const g = new GraphBuilder('engine-latent-rgb');
  // Conv weight [3, C, 1, 1]: output channel c, input channel k = factors[k][c].
  const weight = Array.from({ length: 3 * channels }, (_, i) => factors[i % channels]![Math.floor(i / channels)]!);
  // Every geometry attribute spelled out, defaults included: onnxruntime-web's WebGPU Conv
  // fails a Conv without them at its first run ("dilations should be 2D").
  const y = g.op(
    'Conv',
    [g.input('latent', 'float', [1, channels, 'h', 'w']), g.floats(weight, [3, channels, 1, 1]), g.floats(bias, [3])],
    { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
  );
  g.output('rgb', y, 'float', [1, 3, 'h', 'w']);
  return g.build();
}
