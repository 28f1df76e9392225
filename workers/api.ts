/// <reference types="vite/client" />
/**
 * The inference worker's API: what the page calls through Comlink (inference.worker.ts
 * exposes this object; `EngineApi` is its type). It owns the loaded pack, the runtime
 * backend and the engine, runs one job at a time (a new job replaces a running one), and
 * turns every failure into a typed event or a typed rejection.
 *
 * Comlink-free on purpose, so it also runs in Node tests; the worker entry plugs in
 * `Comlink.transfer` through `setTransfer` so big payloads move instead of being copied.
 */
import { Engine, type Emit } from './engine';
import { EngineError, classifyError } from './errors';
import { CacheApiStore } from './packs/cache-store';
import { deviceBudget } from './packs/limits';
import { loadPack as loadPackFiles, type LoadedPack } from './packs/loader';
import { resolvePackSource } from './packs/source';
import { summarizePack } from './packs/summary';
import type {
  Capabilities,
  EngineEvent,
  EpPreference,
  ExecutionProvider,
  Job,
  Mode,
  PackProgress,
  PackSummary,
  PromptAnalysis,
  RuntimeInfo,
} from './protocol';
import { probeCapabilities } from './runtime/capabilities';
import { chooseEp, type EpChoice } from './runtime/ep-choice';
import { OrtBackend } from './runtime/ort-backend';
import { selfTest, type SelfTestResult } from './runtime/self-test';
import { throttleProgress } from './packs/progress';

type Transfer = <T>(value: T, transfer: ArrayBuffer[]) => T;
let withTransfer: Transfer = (value) => value;

/** Set by the worker entry to `Comlink.transfer`. */
export function setTransfer(fn: Transfer): void {
  withTransfer = fn;
}

interface Loaded {
  pack: LoadedPack;
  choice: EpChoice;
  backend: OrtBackend;
  engine: Engine;
  runtime: RuntimeInfo;
}

let loaded: Loaded | null = null;
let loading: AbortController | null = null;
let running: { jobId: string; abort: AbortController; finished: Promise<void> } | null = null;
/** Bumped by every generate(): of several calls waiting for the old job to stop, only the newest runs. */
let newestJob = 0;
/** Jobs waiting for the previous one to stop: a cancel may reach them before they start. */
const waiting = new Map<string, AbortController>();

function appBase(): string {
  const location = (globalThis as { location?: { href: string } }).location;
  return location ? new URL(import.meta.env.BASE_URL, location.href).href : 'http://localhost/';
}

function deviceMemoryGiB(): number | undefined {
  return (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
}

function requireLoaded(): Loaded {
  if (!loaded) throw new EngineError('BadInput', 'No pack is loaded yet: load a pack first.');
  return loaded;
}

async function startRuntime(pack: LoadedPack, choice: EpChoice): Promise<Loaded> {
  const { caps, adapter } = await probeCapabilities();
  const backend = new OrtBackend({
    ep: choice.ep,
    numThreads: caps.wasmThreads,
    adapter,
    fileOf: (name) => pack.manifest.graphs[name as keyof typeof pack.manifest.graphs]?.file ?? name,
  });
  try {
    const engine = await Engine.create(backend, pack.manifest, pack.graphs);
    const gpuAdapter = choice.ep === 'webgpu' && caps.webgpu.available ? caps.webgpu.adapter : null;
    return { pack, choice, backend, engine, runtime: { ep: choice.ep, reason: choice.reason, adapter: gpuAdapter } };
  } catch (e) {
    await backend.release();
    throw classifyError(e, `starting the ${choice.ep} sessions`);
  }
}

async function releaseLoaded(): Promise<void> {
  const old = loaded;
  loaded = null;
  if (!old) return;
  const release = async () => {
    await old.engine.release().catch(() => undefined);
    await old.backend.release();
  };
  // After a lost device onnxruntime may never answer; the worker is about to be replaced
  // anyway (see ensureAlive), so do not let dispose() hang on it.
  if (old.backend.deadReason) void release().catch(() => undefined);
  else await release();
}

/**
 * After a lost GPU device the backend is dead, and so is this worker's onnxruntime: it sets
 * WebGPU up once per worker, and a run cut off by the loss leaves its WASM instance busy
 * for good ("Session already started"). So the only real recovery is a fresh worker: every
 * call reports DeviceLost until the page bridge replaces the worker and reloads the pack
 * (from the cache, no download).
 */
function ensureAlive(): Loaded {
  const current = requireLoaded();
  const dead = current.backend.deadReason;
  if (dead) throw dead;
  return current;
}

async function stopJob(): Promise<void> {
  const job = running;
  if (!job) return;
  job.abort.abort();
  await job.finished;
}

/** Buffers to move with an event: each once, none already moved (that would throw). */
function movable(buffers: readonly ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b) => !(b as ArrayBuffer & { detached?: boolean }).detached && b.byteLength > 0);
}

export const api = {
  /** What this device offers; cheap after the first call. */
  async capabilities(): Promise<Capabilities> {
    return (await probeCapabilities()).caps;
  },

  /**
   * Loads (or replaces) the pack: a shipped pack's name (`test-tiny`) or a URL. Cancels a
   * running job and an unfinished earlier load. Progress counts the whole pack's bytes.
   */
  async loadPack(
    source: string,
    onProgress: (p: PackProgress) => void,
    ep: EpPreference = 'auto',
  ): Promise<PackSummary> {
    loading?.abort();
    const abort = new AbortController();
    loading = abort;
    try {
      await stopJob();
      const baseUrl = resolvePackSource(source, appBase());
      const { caps } = await probeCapabilities();
      let choice: EpChoice = { ep: 'wasm', reason: '' };
      const pack = await loadPackFiles(baseUrl, {
        budget: (m) => {
          choice = chooseEp(caps, ep, m.dtype === 'float16');
          return deviceBudget({ ep: choice.ep, deviceMemoryGiB: deviceMemoryGiB() });
        },
        store: CacheApiStore.available() ? new CacheApiStore() : undefined,
        onProgress: throttleProgress(onProgress),
        signal: abort.signal,
      });
      if (abort.signal.aborted) throw new EngineError('Cancelled', 'Pack loading was replaced by a newer request.');
      await releaseLoaded();
      loaded = await startRuntime(pack, choice);
      return summarizePack(pack.manifest, baseUrl, pack.totalBytes, loaded.engine.modes, loaded.runtime);
    } catch (e) {
      throw classifyError(e, 'loading the pack');
    } finally {
      if (loading === abort) loading = null;
    }
  },

  /** The runtime in use now (it changes to WASM after a lost GPU device); null before a pack. */
  async runtimeInfo(): Promise<RuntimeInfo | null> {
    return loaded?.runtime ?? null;
  },

  async analyzePrompt(prompt: string, word: string, wordIndex?: number): Promise<PromptAnalysis> {
    return requireLoaded().engine.analyzePrompt(prompt, word, wordIndex);
  },

  /**
   * Runs a job; every event, including exactly one of `done` / `error` / `cancelled`, goes
   * to `onEvent`. Resolves with that final event's type and never rejects. A running job is
   * cancelled first (it reports `cancelled`).
   */
  async generate(job: Job, onEvent: (event: EngineEvent) => void): Promise<'done' | 'error' | 'cancelled'> {
    const jobId = typeof job?.id === 'string' ? job.id : '';
    const mine = ++newestJob;
    const abort = new AbortController();
    waiting.set(jobId, abort);
    await stopJob();
    waiting.delete(jobId);
    if (mine !== newestJob || abort.signal.aborted) {
      // Cancelled, or a newer generate() arrived, while the old job was stopping.
      const replaced: unknown = onEvent({ type: 'cancelled', jobId, atStep: 0 });
      if (replaced instanceof Promise) replaced.catch(() => undefined);
      return 'cancelled';
    }
    let final: 'done' | 'error' | 'cancelled' | null = null;
    const emit: Emit = (event, transfer = []) => {
      if (final) return; // one terminal event per job, nothing after it
      if (event.type === 'done' || event.type === 'error' || event.type === 'cancelled') final = event.type;
      // A page that went away makes the proxy call reject; nothing to do about it here.
      const delivered: unknown = onEvent(withTransfer(event, movable(transfer)));
      if (delivered instanceof Promise) delivered.catch(() => undefined);
    };
    const finished = (async () => {
      try {
        const current = ensureAlive();
        await current.engine.run(job, emit, abort.signal);
      } catch (e) {
        const err = classifyError(e, 'running the job');
        if (err.kind === 'Cancelled') emit({ type: 'cancelled', jobId, atStep: 0 });
        else emit({ type: 'error', jobId, error: err.toInfo() });
      }
      if (!final)
        emit({ type: 'error', jobId, error: new EngineError('Internal', 'The job ended without a result.').toInfo() });
    })();
    running = { jobId, abort, finished };
    await finished;
    if (running?.abort === abort) running = null;
    return final ?? 'error';
  },

  /** Asks a running job to stop after its current step; answers at once (false: no such job). */
  async cancel(jobId: string): Promise<boolean> {
    const target = running?.jobId === jobId ? running.abort : waiting.get(jobId);
    if (!target) return false;
    target.abort();
    return true;
  },

  /**
   * Test and diagnostics: runs one graph of the loaded pack on `ep` with fixed inputs and
   * returns output statistics and values (for WebGPU-vs-WASM comparisons) and timings.
   */
  async selfTest(options: {
    graph?: 'textEncoder' | 'imageEncoder' | 'unet' | 'decoder';
    ep: ExecutionProvider;
    runs?: number;
  }): Promise<SelfTestResult> {
    const current = requireLoaded();
    const graph = options.graph ?? 'unet';
    const spec = current.pack.manifest.graphs[graph];
    const model = current.pack.graphs[graph];
    if (!model) throw new EngineError('BadInput', `The loaded pack has no ${graph} graph.`);
    const { caps, adapter } = await probeCapabilities();
    const choice = chooseEp(caps, options.ep); // throws WebGpuUnavailable where asked for and absent
    try {
      const result = await selfTest(graph, spec, model, current.pack.manifest, {
        ep: choice.ep,
        numThreads: caps.wasmThreads,
        adapter,
        runs: options.runs ?? 3,
      });
      return withTransfer(result, movable(result.outputs.map((o) => o.values.buffer as ArrayBuffer)));
    } catch (e) {
      throw classifyError(e, `self-testing ${graph} on ${choice.ep}`);
    }
  },

  /** Leak and traffic figures for tests: tensors alive now, bytes read back so far. */
  async stats(): Promise<{ liveTensors: number; bytesReadBack: number; ep: ExecutionProvider; modes: Mode[] } | null> {
    if (!loaded) return null;
    return {
      liveTensors: loaded.backend.liveTensors,
      bytesReadBack: loaded.backend.bytesReadBack,
      ep: loaded.choice.ep,
      modes: [...loaded.engine.modes],
    };
  },

  /** Test hook: loses the GPU device as a driver reset would (WebGPU only). */
  async simulateDeviceLoss(): Promise<void> {
    await requireLoaded().backend.loseDeviceForTest();
  },

  /** Test hook: the next graph run hits a real out-of-memory failure (then all is normal again). */
  async simulateOutOfMemory(): Promise<void> {
    requireLoaded().backend.armOutOfMemoryForTest();
  },

  /** Cancels work and frees every session and GPU buffer. The page ends the worker after. */
  async dispose(): Promise<void> {
    loading?.abort();
    await stopJob();
    await releaseLoaded();
  },
};

export type EngineApi = typeof api;
