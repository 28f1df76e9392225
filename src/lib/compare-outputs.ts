/**
 * How far two runs of the same graph are apart (WebGPU against WASM): per output, the largest
 * element-wise difference, judged against the output's own scale so that a logit of 40 and a
 * mask in [0, 1] are held to the same relative standard.
 */
export interface NamedValues {
  name: string;
  values: Float32Array;
}

export interface OutputDifference {
  name: string;
  maxAbsDiff: number;
  /** max |reference value|, at least 1: the scale the tolerance is relative to. */
  scale: number;
  withinTolerance: boolean;
}

/** fp32 on two backends differs by summation order; 1e-3 of the output's scale is generous. */
export const RELATIVE_TOLERANCE = 1e-3;

export function compareOutputs(reference: NamedValues[], candidate: NamedValues[]): OutputDifference[] {
  return reference.map(({ name, values: ref }) => {
    const other = candidate.find((c) => c.name === name)?.values;
    if (!other || other.length !== ref.length) return { name, maxAbsDiff: Infinity, scale: 1, withinTolerance: false };
    let maxAbsDiff = 0;
    let scale = 1;
    for (let i = 0; i < ref.length; i++) {
      const diff = Math.abs(ref[i]! - other[i]!);
      maxAbsDiff = Number.isNaN(diff) ? Infinity : Math.max(maxAbsDiff, diff);
      scale = Math.max(scale, Math.abs(ref[i]!));
    }
    return { name, maxAbsDiff, scale, withinTolerance: maxAbsDiff <= RELATIVE_TOLERANCE * scale };
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
