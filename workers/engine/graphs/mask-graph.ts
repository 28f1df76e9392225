/**
 * word_attention → RealCustom mask on the GPU (CPU reference: mask-math.ts).
 *
 * Picks one batch row (the text row of the guidance pass), means over layers, keeps the
 * positions with fewer than k strictly greater values (top-k without TopK: an N×N pairwise
 * comparison, 64 K compares at 16×16, trivial for the GPU), divides by the max, or keeps
 * 0/1 when `binary` is 1. Also returns each layer divided by its max for display.
 */
import { GraphBuilder } from '../onnx/builder';
import { MIN_MAX } from '../mask-math';

export function buildMaskGraph(layers: number, height: number, width: number): Uint8Array {
  const n = height * width;
  const g = new GraphBuilder('engine-mask');
  const attention = g.input('word_attention', 'float', ['batch', layers, height, width]);
  const row = g.input('row', 'int64', [1]);
  const keep = g.input('keep', 'float', [1]);
  const binary = g.input('binary', 'float', [1]);

  const picked = g.op('Slice', [attention, row, g.op('Add', [row, g.ints([1])]), g.ints([0])]);
  const mean = g.op('ReduceMean', [picked], { axes: [1], keepdims: 1 });
  const asRow = g.op('Reshape', [mean, g.ints([1, n])]);
  const asCol = g.op('Reshape', [mean, g.ints([n, 1])]);
  // greater[i][j] = map[j] > map[i]; summing over j counts values above position i.
  const greater = g.op('Cast', [g.op('Greater', [asRow, asCol])], { to: 1 });
  const above = g.op('ReduceSum', [greater, g.ints([1])], { keepdims: 0 });
  const kept = g.op('Cast', [g.op('Less', [above, keep])], { to: 1 });

  const flat = g.op('Reshape', [mean, g.ints([n])]);
  const masked = g.op('Mul', [flat, kept]);
  const max = g.op('Max', [g.op('ReduceMax', [masked], { keepdims: 0 }), g.scalar(MIN_MAX)]);
  const continuous = g.op('Div', [masked, max]);
  const blended = g.op('Add', [
    g.op('Mul', [kept, binary]),
    g.op('Mul', [continuous, g.op('Sub', [g.scalar(1), binary])]),
  ]);
  g.output('mask', g.op('Reshape', [blended, g.ints([1, 1, height, width])]), 'float', [1, 1, height, width]);

  const perLayer = g.op('Reshape', [picked, g.ints([layers, n])]);
  const layerMax = g.op('Max', [g.op('ReduceMax', [perLayer], { axes: [1], keepdims: 1 }), g.scalar(MIN_MAX)]);
  const normalized = g.op('Div', [perLayer, layerMax]);
  g.output('layer_maps', g.op('Reshape', [normalized, g.ints([layers, height, width])]), 'float', [
    layers,
    height,
    width,
  ]);
  return g.build();
}
