/**
 * With `?testHooks` in the URL the page exposes the worker's failure switches and a job
 * driver to e2e tests and `npm run bench:browser` (window.__realcustomTest), so a lost GPU
 * device or an out-of-memory error is produced the way it happens for real (inside the
 * worker, on the running engine) and whole jobs are timed through the real page and worker.
 * `?testHooks&wasmThreads=N` also sets the worker's WASM thread count (the 1 vs N figure;
 * read by src/lib/url-options.ts).
 * Without the flag nothing is exposed and nothing is overridden.
 */
import type { BenchJobResult, Job, LoadTimings, Params, StepTimings } from '../../workers/protocol';
import { useStore } from '../store';
import { engineBridge } from './session';

export interface TestHooks {
  loseDevice(): Promise<void>;
  failNextRunOutOfMemory(): Promise<void>;
  stats(): ReturnType<ReturnType<typeof engineBridge>['stats']>;
  /** The loaded pack's load timings (null before the pack is ready). */
  loadTimings(): LoadTimings | null;
  /**
   * Runs one job on the loaded pack with its first example's prompt and word, a synthetic
   * reference and the pack's defaults overridden by `params`; straight to the worker.
   */
  benchJob(params: Partial<Params>): Promise<BenchJobResult>;
}

/** A smooth colour ramp of the pack's reference size: content does not change the timings. */
function syntheticReference(size: number): Job['reference'] {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    data.set([(i % size) * 4, Math.floor(i / size) * 4, 128, 255], i * 4);
  }
  return { width: size, height: size, data };
}

async function benchJob(params: Partial<Params>): Promise<BenchJobResult> {
  const { pack } = useStore.getState();
  if (pack.status !== 'done') throw new Error('benchJob: no pack is loaded');
  const { summary } = pack;
  const example = summary.examples.references[0];
  const p: Params = { ...summary.defaults, ...params };
  const job: Job = {
    id: crypto.randomUUID(),
    prompt: example?.prompt ?? summary.examples.prompts[0] ?? summary.vocabulary.slice(0, 3).join(' '),
    targetWord: example?.word ?? summary.vocabulary[0] ?? '',
    reference: p.mode === 'text' ? null : syntheticReference(summary.referenceSize),
    params: p,
  };
  const steps: StepTimings[] = [];
  let bytesReadBack = 0;
  const start = performance.now();
  const final = await engineBridge().generate(job, (e) => {
    if (e.type !== 'step') return;
    steps.push(e.timings);
    bytesReadBack += e.bytesReadBack;
  });
  const pageMs = performance.now() - start;
  if (final.type !== 'done') {
    const error = final.type === 'error' ? final.error.message : 'cancelled';
    return { status: final.type, totalMs: NaN, timeToFirstPreviewMs: NaN, pageMs, steps, bytesReadBack, error };
  }
  return {
    status: 'done',
    totalMs: final.totalMs,
    timeToFirstPreviewMs: final.timeToFirstPreviewMs,
    pageMs,
    steps,
    bytesReadBack,
  };
}

export function installTestHooks(search: string): void {
  if (!new URLSearchParams(search).has('testHooks')) return;
  const hooks: TestHooks = {
    loseDevice: () => engineBridge().simulateDeviceLoss(),
    failNextRunOutOfMemory: () => engineBridge().simulateOutOfMemory(),
    stats: () => engineBridge().stats(),
    loadTimings: () => {
      const { pack } = useStore.getState();
      return pack.status === 'done' ? pack.summary.loadTimings : null;
    },
    benchJob,
  };
  (window as unknown as { __realcustomTest: TestHooks }).__realcustomTest = hooks;
}
