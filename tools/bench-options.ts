/**
 * What tools/bench.ts and tools/perf-report.ts share: the flags perf-report passes on to
 * the bench, their parsing, and the JSON files the benches write and the report reads.
 */

/** `--steps`, `--threads`, `--runs`, with each tool's defaults (perf-report's `--threads` is a list). */
export function benchFlags(defaults: { steps: string; threads: string; runs: string }) {
  return {
    steps: { type: 'string', default: defaults.steps },
    threads: { type: 'string', default: defaults.threads },
    runs: { type: 'string', default: defaults.runs },
  } as const;
}

/** A whole number ≥ `min` from a flag's text; a clear error naming the flag otherwise. */
export function intFlag(name: string, text: string, min = 0): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got '${text}')`);
  return n;
}

/** `1,2` → [1, 2], each checked as intFlag does. */
export function intListFlag(name: string, text: string, min = 0): number[] {
  return text
    .split(',')
    .filter((t) => t !== '')
    .map((t) => intFlag(name, t, min));
}

/** One mode's figures in bench.ts's `--json` output. */
export interface BenchRow {
  label: string;
  msPerStep: number;
  medianStepMs: number;
  overhead: number;
  bytesPerStep: number;
  timeToFirstPreviewMs: number;
  unetRunsPerStep: number;
}

/** bench.ts's `--json` output. */
export interface BenchJson {
  manifest: string;
  steps: number;
  threads: number;
  unetMs: Record<string, number>;
  rows: BenchRow[];
  peakRss: number;
}

/** bench-browser.ts's output. */
/** One whole-job case in the browser (tools/bench-browser.ts, through the page's test hook). */
export interface BrowserJobRow {
  ep: string;
  /** The worker's WASM threads as onnxruntime runs them. */
  wasmThreads: number;
  case: string;
  steps: number;
  runs: number;
  /** Median over runs of the median step wall time, ms. */
  msPerStep: number;
  /** Median over runs: job start to the first decoded preview (worker-side), ms. */
  firstPreviewMs: number;
  /** Median over runs: generate() call to its answer in the page, ms. */
  jobMs: number;
  bytesPerStep: number;
}

/** Time to ready of one page visit: navigation to the pack's ready state, and the worker's steps. */
export interface BrowserReadyRow {
  ep: string;
  wasmThreads: number;
  visit: 'first' | 'cached';
  /** Navigation start to the pack status `done`, ms (as the person waits). */
  readyMs: number;
  /** loadPack's own timings: step → ms (files, runtime, each session…). */
  steps: Record<string, number>;
}

export interface BrowserBench {
  chromium: string;
  command: string;
  pack: string;
  /** Load average (1, 5, 15 min) before and after the run: the machine is shared. */
  load?: { before: number[]; after: number[] };
  results: { ep: string; adapter: string; graph: string; createMs: number; firstRunMs: number; steadyRunMs: number }[];
  jobs?: BrowserJobRow[];
  ready?: BrowserReadyRow[];
  notes: string[];
}
