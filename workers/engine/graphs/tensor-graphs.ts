/**
 * Generic batch plumbing graphs (any rank, float32): tile a batch-1 tensor to batch B,
 * take a range of batch rows, stack two tensors' rows, multiply by a scalar. They keep batch assembly on the device.
 */
import { GraphBuilder } from '../onnx/builder';

/** y = Expand(x, shape): `shape` is [B, 1, 1, …] to tile a batch-1 tensor. */
export function buildExpandGraph(): Uint8Array {
  const g = new GraphBuilder('engine-expand');
  const y = g.op('Expand', [g.input('x', 'float'), g.input('shape', 'int64', ['rank'])]);
  g.output('y', y, 'float');
  return g.build();
}

/** y = x[start:end] along the batch axis. */
export function buildRowsGraph(): Uint8Array {
  const g = new GraphBuilder('engine-rows');
  const y = g.op('Slice', [
    g.input('x', 'float'),
    g.input('start', 'int64', [1]),
    g.input('end', 'int64', [1]),
    g.ints([0]),
  ]);
  g.output('y', y, 'float');
  return g.build();
}

/** y = [a; b] along the batch axis. */
export function buildConcatGraph(): Uint8Array {
  const g = new GraphBuilder('engine-concat');
  const y = g.op('Concat', [g.input('a', 'float'), g.input('b', 'float')], { axis: 0 });
  g.output('y', y, 'float');
  return g.build();
}

/** y = x · s (the decoder's 1/scale). */
export function buildScaleGraph(): Uint8Array {
  const g = new GraphBuilder('engine-scale');
  const y = g.op('Mul', [g.input('x', 'float'), g.input('s', 'float', [1])]);
  g.output('y', y, 'float');
  return g.build();
}
