/**
 * CPU references of what the GPU graphs compute, for tests only (the engine never calls
 * them): the mask math of graphs/mask-graph.ts per the method (mean over layers → keep the
 * top γ_scope fraction → divide by the max), the guidance sum of graphs/step-graph.ts and
 * the DDIM update. Tests compare the graphs, and the exported packs, against these.
 */
import { MIN_MAX } from '../engine/mask-math';
import type { DdimStep } from '../engine/scheduler';

/**
 * Mean of `layers` maps of `n` values each, stored one after the other. Summed then
 * divided, in float32, like ReduceMean: the ranking is sensitive to the last bit at ties.
 */
export function meanOverLayers(maps: Float32Array, layers: number): Float32Array {
  const n = maps.length / layers;
  const out = new Float32Array(n);
  for (let l = 0; l < layers; l++) for (let i = 0; i < n; i++) out[i]! += maps[l * n + i]!;
  return out.map((v) => v / layers);
}

/**
 * Keeps position i iff fewer than k positions are strictly greater (so ties at the k-th
 * value are all kept: no arbitrary tie-break, and the GPU ranks the same way), zeroes the
 * rest, divides by the max (continuous) or sets kept positions to 1 (binary ablation).
 */
export function scopeMask(map: Float32Array, k: number, binary: boolean): Float32Array {
  const n = map.length;
  const out = new Float32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    let greater = 0;
    for (let j = 0; j < n; j++) if (map[j]! > map[i]!) greater++;
    if (greater < k) {
      out[i] = binary ? 1 : map[i]!;
      max = Math.max(max, out[i]!);
    }
  }
  if (!binary) for (let i = 0; i < n; i++) out[i] = out[i]! / Math.max(max, MIN_MAX);
  return out;
}

/** Each layer divided by its own max, for display. */
export function normalizeLayers(maps: Float32Array, layers: number): Float32Array {
  const n = maps.length / layers;
  const out = new Float32Array(maps.length);
  for (let l = 0; l < layers; l++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, maps[l * n + i]!);
    for (let i = 0; i < n; i++) out[l * n + i] = maps[l * n + i]! / Math.max(max, MIN_MAX);
  }
  return out;
}

/** CPU reference: rows are consecutive blocks of `rowSize` values. */
export function combineRows(rows: Float32Array, weights: readonly number[]): Float32Array {
  const size = rows.length / weights.length;
  const out = new Float32Array(size);
  weights.forEach((w, b) => {
    for (let i = 0; i < size; i++) out[i]! += w * rows[b * size + i]!;
  });
  return out;
}

/** CPU reference of the step graph's update. */
export function ddimUpdate(step: DdimStep, x: ArrayLike<number>, modelOutput: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: x.length }, (_, i) => step.a * x[i]! + step.b * modelOutput[i]!);
}
