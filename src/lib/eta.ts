/**
 * Time left in a job, from the durations of the steps so far. The first step carries
 * one-off costs (shader compilation on WebGPU can take 20 s of a 25 s first step), so once
 * later steps exist it is left out, and the median of the rest resists a single slow step.
 */
export function estimateStepMs(stepDurations: readonly number[]): number | null {
  const usable = stepDurations.length > 1 ? stepDurations.slice(1) : stepDurations;
  if (usable.length === 0) return null;
  const sorted = [...usable].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds left after `done` of `total` steps; null before any step finished. */
export function etaMs(stepDurations: readonly number[], total: number): number | null {
  const per = estimateStepMs(stepDurations);
  if (per === null) return null;
  return Math.max(0, total - stepDurations.length) * per;
}
