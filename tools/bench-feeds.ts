/**
 * What the graph benchmarks share (tools/bench-graphs.ts, bench-sd-graphs.ts,
 * bench-sd-browser.ts): a graph input as pack.json describes it, plausible deterministic
 * inputs for it, and the median of timings.
 */

/** One graph input as pack.json lists it; a string dimension is the batch. */
export interface IoSpec {
  name: string;
  dtype: 'float32' | 'int64';
  shape: (number | string)[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Plausible, deterministic inputs: token ids below `vocab`, smooth floats in [0, 1] elsewhere.
 * `make` builds the runtime's tensor (onnxruntime-node's, onnxruntime-web's, or plain data
 * to send into a page).
 */
export function makeFeeds<T>(
  inputs: IoSpec[],
  batch: number,
  vocab: number,
  make: (dtype: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => T,
): Record<string, T> {
  const feeds: Record<string, T> = {};
  for (const input of inputs) {
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] =
      input.dtype === 'int64'
        ? make(
            'int64',
            BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7) % vocab)),
            dims,
          )
        : make(
            'float32',
            Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5 + 0.5),
            dims,
          );
  }
  return feeds;
}
