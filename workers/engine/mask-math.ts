/**
 * CPU reference of the mask math the GPU mask graph runs (graphs/mask-graph.ts), per the
 * method: mean over layers → keep the top γ_scope fraction → divide by the max. Tests
 * compare the graph against these functions; the engine itself never calls them on the
 * per-step path.
 */

/** k = round(γ·n), at least 1: how many positions the mask keeps. */
export function keepCount(gammaScope: number, positions: number): number {
  return Math.max(1, Math.min(positions, Math.round(gammaScope * positions)));
}

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

/** Guards the division when a map is all zeros (the mask is then zero: no reference). */
export const MIN_MAX = 1e-12;
