/**
 * The per-step GPU graph: guidance combination + sampler update, so the latent never leaves
 * the device. ε = Σ_b weights[b]·model_output[b]; next = a·latent + b·ε + noise_scale·noise
 * (sampler.ts: DDIM is two scalars; LCM adds fresh noise, which DDIM feeds as a [1, 1, 1, 1]
 * zero that broadcasts). `nonfinite` is Σ(next·0): 0 when every value is finite,
 * NaN otherwise; reading it costs 4 bytes, so the engine checks the latent cheaply.
 * `next_tiled` is the new latent already tiled to the next step's batch (`tile_shape` =
 * [B, 1, 1, 1]), which saves a separate expand run per step.
 *
 * Two variants: one model_output tensor (batched passes), or two that are concatenated
 * on the batch axis (the unbatched realcustom step: [∅, T] from the text pass, [TI] from
 * the customized pass).
 */
import { GraphBuilder } from '../onnx/builder';

export type StepVariant = 'one' | 'two';

export function buildStepGraph(variant: StepVariant): Uint8Array {
  const g = new GraphBuilder(`engine-step-${variant}`);
  const rows =
    variant === 'one'
      ? g.input('model_output', 'float', ['batch', 'c', 'h', 'w'])
      : g.op(
          'Concat',
          [
            g.input('output_a', 'float', ['batch_a', 'c', 'h', 'w']),
            g.input('output_b', 'float', ['batch_b', 'c', 'h', 'w']),
          ],
          { axis: 0 },
        );
  const weights = g.input('weights', 'float', ['batch']);
  const latent = g.input('latent', 'float', [1, 'c', 'h', 'w']);
  const a = g.input('a', 'float', [1]);
  const b = g.input('b', 'float', [1]);
  const noise = g.input('noise', 'float', ['noise_batch', 'noise_c', 'noise_h', 'noise_w']);
  const noiseScale = g.input('noise_scale', 'float', [1]);
  const tileShape = g.input('tile_shape', 'int64', [4]);

  const w4 = g.op('Unsqueeze', [weights, g.ints([1, 2, 3])]);
  const guided = g.op('ReduceSum', [g.op('Mul', [rows, w4]), g.ints([0])], { keepdims: 1 });
  const update = g.op('Add', [g.op('Mul', [latent, a]), g.op('Mul', [guided, b])]);
  const next = g.op('Add', [update, g.op('Mul', [noise, noiseScale])]);
  const nonfinite = g.op('ReduceSum', [g.op('Mul', [next, g.scalar(0)])], { keepdims: 0 });

  g.output('next_latent', next, 'float', [1, 'c', 'h', 'w']);
  g.output('nonfinite', nonfinite, 'float', []);
  g.output('next_tiled', g.op('Expand', [next, tileShape]), 'float', ['next_batch', 'c', 'h', 'w']);
  return g.build();
}
