/**
 * What the engine and the GPU mask graph (graphs/mask-graph.ts) share of the mask math:
 * how many positions to keep, and the guard of the division by the max. The whole math's
 * CPU reference, for tests, is workers/testing/reference-math.ts.
 */

/** k = round(γ·n), at least 1: how many positions the mask keeps. */
export function keepCount(gammaScope: number, positions: number): number {
  return Math.max(1, Math.min(positions, Math.round(gammaScope * positions)));
}

/** Guards the division when a map is all zeros (the mask is then zero: no reference). */
export const MIN_MAX = 1e-12;
