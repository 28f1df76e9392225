/**
 * The page's only door to the inference worker (and the page's only Comlink import).
 *
 * One bridge = one worker. Callbacks cross as Comlink proxies; the worker transfers big
 * payloads (pixels, masks) so they arrive here without a copy. Rejections arrive as
 * `EngineError` with their `kind` intact: both sides register the same `throw` handler,
 * built on workers/errors.ts.
 */
import * as Comlink from 'comlink';
import { engineErrorThrowHandler } from '../../workers/errors';
import type {
  EngineApi,
  EpPreference,
  FinalEvent,
  Job,
  JobProgressEvent,
  LoadOptions,
  LoadProgress,
  PackSource,
} from '../../workers/protocol';

const comlinkThrow = Comlink.transferHandlers.get('throw');
if (comlinkThrow) Comlink.transferHandlers.set('throw', engineErrorThrowHandler(comlinkThrow.canHandle));

/** How long dispose() waits for the worker to release the GPU before terminating it. */
const DISPOSE_WAIT_MS = 3000;

/** The worker's API as the page calls it (every method is already async on the worker side). */
export type EngineBridge = Pick<
  EngineApi,
  'capabilities' | 'analyzePrompt' | 'cancel' | 'selfTest' | 'stats' | 'simulateDeviceLoss' | 'simulateOutOfMemory'
> & {
  loadPack(
    source: PackSource,
    onProgress: (p: LoadProgress) => void,
    options?: LoadOptions,
  ): ReturnType<EngineApi['loadPack']>;
  generate(job: Job, onEvent: (e: JobProgressEvent) => void): ReturnType<EngineApi['generate']>;
  /** Releases the GPU in the worker, then ends the worker. The bridge is unusable after. */
  dispose(): Promise<void>;
};

/** Starts a worker; `ep` is the execution provider the user asked for (`?ep=` or the toggle). */
export function createEngineBridge(ep: EpPreference): EngineBridge {
  // Vite bundles the worker only when it sees this exact `new Worker(new URL(...))` shape.
  const worker = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), {
    type: 'module',
    name: 'inference',
  });
  const remote = Comlink.wrap<EngineApi>(worker);
  let disposed = false;
  // Jobs in flight, each with the way to end it here: a worker ended without answering (one that
  // did not release the GPU within DISPOSE_WAIT_MS) drops Comlink's pending calls, which would
  // leave the page's job running forever.
  const cutOff = new Set<() => void>();
  return {
    capabilities: () => remote.capabilities(),
    analyzePrompt: (prompt, word, wordIndex) => remote.analyzePrompt(prompt, word, wordIndex),
    selfTest: (options) => remote.selfTest(options),
    stats: () => remote.stats(),
    simulateDeviceLoss: () => remote.simulateDeviceLoss(),
    simulateOutOfMemory: () => remote.simulateOutOfMemory(),
    loadPack: (source, onProgress, options) => remote.loadPack(source, Comlink.proxy(onProgress), ep, options),
    // The job is cloned, not transferred: the page keeps its reference pixels for the next run.
    generate: (job, onEvent) =>
      new Promise<FinalEvent>((resolve, reject) => {
        let atStep = 0;
        const end = () => resolve({ type: 'cancelled', jobId: job.id, atStep });
        cutOff.add(end);
        const track = (event: JobProgressEvent) => {
          if (event.type === 'step') atStep = event.step;
          onEvent(event);
        };
        remote
          .generate(job, Comlink.proxy(track))
          .then(resolve, reject)
          .finally(() => cutOff.delete(end));
      }),
    cancel: (jobId) => remote.cancel(jobId),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        // A worker whose GPU died may never answer: wait a little, then end it regardless.
        await Promise.race([remote.dispose(), new Promise((resolve) => setTimeout(resolve, DISPOSE_WAIT_MS))]);
      } finally {
        remote[Comlink.releaseProxy]();
        worker.terminate();
        // The worker stops its job before it answers dispose(); a job still here was cut off.
        for (const end of cutOff) end();
        cutOff.clear();
      }
    },
  };
}
