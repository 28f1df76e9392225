/// <reference types="vite/client" />
/**
 * The inference worker's API: what the page calls through Comlink (inference.worker.ts
 * exposes this object; it implements `EngineApi` from protocol.ts). It owns the loaded
 * pack, the runtime backend and the engine, and it alone owns the job lifecycle: one job
 * at a time, a new job replaces a running or waiting one. Every failure becomes a typed
 * event or a typed rejection.
 *
 * Comlink-free on purpose, so it also runs in Node tests; the worker entry plugs in
 * `Comlink.transfer` through `setTransfer` so big payloads move instead of being copied.
 */
import { Engine, type Emit } from './engine';
import { EngineError, classifyError, packInvalid } from './errors';
import type { BlobStore } from './packs/blob-store';
import { CacheApiStore } from './packs/cache-store';
import type { FetchFn } from './packs/fetch-file';
import { deviceBudget, type DeviceBudget, type PackFile } from './packs/limits';
import { loadPack as loadPackFiles, type LoadedPack } from './packs/loader';
import { folderExamples } from './packs/folder-source';
import { OpfsStore } from './packs/opfs-store';
import { workerStorage } from './packs/quota';
import { locatePack } from './packs/source';
import { summarizePack } from './packs/summary';
import { buildScaleGraph } from './engine/graphs/tensor-graphs';
import { LoadClock, type TimeStep } from './packs/load-clock';
import type { EngineApi, FinalEvent, JobProgressEvent, LoadProgress, PackStorage, RuntimeInfo } from './protocol';
import { probeCapabilities, probeWithoutGpu, type Probe } from './runtime/capabilities';
import { chooseEp, type EpChoice } from './runtime/ep-choice';
import { OrtBackend } from './runtime/ort-backend';
import { selfTest } from './runtime/self-test';
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
interface JobSlot {
  jobId: string;
  abort: AbortController;
}
let running: (JobSlot & { finished: Promise<void> }) | null = null;
/**
 * The newest job, from its generate() call until it ends. Of several calls waiting for the
 * running job to stop, only this one runs; a cancel may reach it before it starts.
 */
let newest: JobSlot | null = null;

function pageLocation(): { href: string } | undefined {
  return (globalThis as { location?: { href: string } }).location;
}

function appBase(): string {
  const location = pageLocation();
  return location ? new URL(import.meta.env.BASE_URL, location.href).href : 'http://localhost/';
}

function deviceMemoryGiB(): number | undefined {
  return (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
}

/**
 * Where downloaded pack files are kept: OPFS, so an interrupted download resumes; the Cache
 * API where OPFS (or its sync access handles) is missing, complete files only; none for a
 * folder's files, which are on the disk already and read each load, never copied.
 */
function packStore(fromFolder: boolean): BlobStore | undefined {
  if (fromFolder) return undefined;
  if (OpfsStore.available()) return new OpfsStore();
  return CacheApiStore.available() ? new CacheApiStore() : undefined;
}

function requireLoaded(): Loaded {
  if (!loaded) throw new EngineError('BadInput', 'No pack is loaded yet: load a pack first.');
  return loaded;
}

/**
 * A backend for the chosen EP with onnxruntime's runtime started (its .wasm fetched and
 * compiled, on WebGPU the device too) by a one-node session, so this can run while the
 * pack's files are still loading.
 */
async function startBackend(probe: Probe, choice: EpChoice, fileOf: (name: string) => string): Promise<OrtBackend> {
  const options = { ep: choice.ep, numThreads: probe.caps.wasmThreads, adapter: probe.adapter, fileOf };
  let backend: OrtBackend;
  try {
    backend = await OrtBackend.create(options);
  } catch (e) {
    throw classifyError(e, `loading the ${choice.ep} runtime`);
  }
  try {
    const warmUp = await backend.createSession('engine-warm-up', buildScaleGraph());
    await warmUp.release();
    return backend;
  } catch (e) {
    await backend.release();
    throw classifyError(e, `starting the ${choice.ep} runtime`);
  }
}

/** Files no first job needs, loaded after the pack is ready: the global modes' UNet (format 1). */
const loadedLater = (f: PackFile): boolean => f.graph === 'unetGlobal';

/**
 * The global UNet's bytes, fetched (or read from the store) when the engine creates its
 * session after ready; a pack.json that changed in between is refused, not mixed.
 */
function laterGraph(
  pack: LoadedPack,
  opts: {
    budget: DeviceBudget;
    store: BlobStore | undefined;
    fetchFn: FetchFn | undefined;
    /** Storage warnings of this later load (e.g. the file could not be kept), to the page. */
    onStorage: (storage: PackStorage) => void;
  },
): (() => Promise<Uint8Array>) | undefined {
  const first = pack.manifest.formatVersion === 1 ? pack.manifest.graphs.unetGlobal?.sha256 : undefined;
  if (first === undefined) return undefined;
  let pending: Promise<Uint8Array> | null = null;
  return () => (pending ??= load());
  async function load(): Promise<Uint8Array> {
    const again = await loadPackFiles(pack.baseUrl, {
      budget: opts.budget,
      store: opts.store,
      only: loadedLater,
      onStorage: (storage) => storage.warnings.length > 0 && opts.onStorage(storage),
      ...(opts.fetchFn && { fetchFn: opts.fetchFn }),
    });
    const bytes = again.graphs.unetGlobal;
    const now = again.manifest.formatVersion === 1 ? again.manifest.graphs.unetGlobal : undefined;
    if (bytes === undefined || now?.sha256 !== first)
      throw packInvalid('pack.json', 'changed on the server while the pack was loading — reload the pack');
    return bytes;
  }
}

async function startEngine(
  pack: LoadedPack,
  unetGlobal: (() => Promise<Uint8Array>) | undefined,
  choice: EpChoice,
  probe: Probe,
  backend: OrtBackend,
  clock: LoadClock,
): Promise<Loaded> {
  try {
    // The global UNet is created after the pack is ready: timed, but not announced as a step the page waits for.
    const time: TimeStep = (step, run) => (step === 'unetGlobal' ? clock.measure(step, run) : clock.time(step, run));
    const graphs = { ...pack.graphs, ...(unetGlobal && { unetGlobal }) };
    const engine = await Engine.create(backend, pack.manifest, graphs, pack.files, time);
    const { caps } = probe;
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

function noResult(jobId: string): FinalEvent {
  return { type: 'error', jobId, error: new EngineError('Internal', 'The job ended without a result.').toInfo() };
}

/** Sends an event to the page; a page that went away makes the proxy call reject: nothing to do then. */
function deliver(onEvent: (event: JobProgressEvent) => void, event: JobProgressEvent): void {
  const delivered: unknown = onEvent(event);
  if (delivered instanceof Promise) delivered.catch(() => undefined);
}

/** Buffers to move with an event: each once, none already moved (that would throw). */
function movable(buffers: readonly ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b) => !(b as ArrayBuffer & { detached?: boolean }).detached && b.byteLength > 0);
}

export const api = {
  async capabilities() {
    return (await probeCapabilities()).caps;
  },

  async loadPack(source, onProgress, ep = 'auto', options = {}) {
    loading?.abort();
    const abort = new AbortController();
    loading = abort;
    const tell = (p: LoadProgress) => {
      const delivered: unknown = onProgress(p);
      if (delivered instanceof Promise) delivered.catch(() => undefined);
    };
    const clock = new LoadClock((step) => tell({ step }));
    const loadPackCalledAt = performance.timeOrigin + performance.now();
    // Started as soon as pack.json has chosen the EP, so it overlaps the files.
    let warming: Promise<OrtBackend> | null = null;
    let handedOver = false;
    let runtimeStarted = false;
    try {
      await stopJob();
      const { baseUrl, fetchFn, folder } = locatePack(source, appBase(), pageLocation() !== undefined);
      const probed = ep === 'wasm' ? probeWithoutGpu() : await clock.time('capabilities', () => probeCapabilities());
      const threads = options.wasmThreads;
      const probe = threads === undefined ? probed : { ...probed, caps: { ...probed.caps, wasmThreads: threads } };
      const { caps } = probe;
      let choice: EpChoice = { ep: 'wasm', reason: '' };
      const endManifest = clock.begin('manifest');
      let endFiles: () => void = () => undefined;
      let budget: DeviceBudget | null = null;
      const store = packStore(folder !== null);
      const pack = await loadPackFiles(baseUrl, {
        budget: (m) => {
          endManifest();
          endFiles = clock.begin('files');
          choice = chooseEp(caps, ep, m.dtype === 'float16');
          const graphs = m.graphs as Record<string, { file: string } | undefined>;
          warming = clock.time('runtime', () => startBackend(probe, choice, (name) => graphs[name]?.file ?? name));
          // Awaited below; a load that fails before that releases it in `finally`.
          warming.then(() => (runtimeStarted = true)).catch(() => undefined);
          const shaderF16 = caps.webgpu.available && caps.webgpu.adapter.features.includes('shader-f16');
          budget = deviceBudget({ ep: choice.ep, deviceMemoryGiB: deviceMemoryGiB(), shaderF16 });
          return budget;
        },
        store,
        storage: workerStorage(),
        only: (f) => !loadedLater(f),
        ...(fetchFn && { fetchFn }),
        onProgress: throttleProgress((files) => tell({ step: 'files', files })),
        onStorage: (storage) => tell({ step: 'storage', storage }),
        signal: abort.signal,
      });
      endFiles();
      if (abort.signal.aborted) throw new EngineError('Cancelled', 'Pack loading was replaced by a newer request.');
      if (!warming) throw new EngineError('Internal', 'The pack loaded without choosing a runtime.');
      // The page shows the files until they are in; name the runtime again if it is still starting.
      if (!runtimeStarted) tell({ step: 'runtime' });
      const backend = await (warming as Promise<OrtBackend>);
      await releaseLoaded();
      handedOver = true;
      const later = laterGraph(pack, {
        budget: budget ?? deviceBudget({ ep: choice.ep }),
        store,
        fetchFn,
        onStorage: (storage) => tell({ step: 'storage', storage }),
      });
      loaded = await startEngine(pack, later, choice, probe, backend, clock);
      const summary = summarizePack(pack.manifest, baseUrl, pack.totalBytes, loaded.engine.modes, loaded.runtime);
      const examples = folder
        ? { ...summary.examples, references: folderExamples(summary.examples.references, folder) }
        : summary.examples;
      const about = {
        downloadedBytes: folder ? 0 : pack.downloadedBytes,
        runtimeFile: backend.runtimeFile,
        workerStartedAt: performance.timeOrigin,
        loadPackCalledAt,
      };
      return { ...summary, examples, loadTimings: clock.timings(about), storage: pack.storage };
    } catch (e) {
      throw classifyError(e, 'loading the pack');
    } finally {
      if (loading === abort) loading = null;
      const unused = warming as Promise<OrtBackend> | null;
      if (!handedOver && unused) void unused.then((b) => b.release()).catch(() => undefined);
    }
  },

  async runtimeInfo() {
    return loaded?.runtime ?? null;
  },

  async analyzePrompt(prompt, word, wordIndex) {
    return requireLoaded().engine.analyzePrompt(prompt, word, wordIndex);
  },

  async generate(job, onEvent) {
    const jobId = typeof job?.id === 'string' ? job.id : '';
    const mine: JobSlot = { jobId, abort: new AbortController() };
    newest?.abort.abort(); // a job still waiting for the running one is replaced too
    newest = mine;
    await stopJob();
    if (newest !== mine || mine.abort.signal.aborted) {
      // Cancelled, or a newer generate() arrived, while the old job was stopping.
      if (newest === mine) newest = null;
      return { type: 'cancelled', jobId, atStep: 0 };
    }
    // The final event is the resolved value, not an onEvent call: it travels (and moves its
    // buffers) once, on the same channel as the answer, so the page never waits for it.
    let final: { event: FinalEvent; transfer: ArrayBuffer[] } | null = null;
    const emit: Emit = (event, transfer = []) => {
      if (final) return; // one final event per job, nothing after it
      if (event.type === 'done' || event.type === 'error' || event.type === 'cancelled') final = { event, transfer };
      else deliver(onEvent, withTransfer(event, movable(transfer)));
    };
    const finished = (async () => {
      try {
        const current = ensureAlive();
        await current.engine.run(job, emit, mine.abort.signal);
      } catch (e) {
        const err = classifyError(e, 'running the job');
        if (err.kind === 'Cancelled') emit({ type: 'cancelled', jobId, atStep: 0 });
        else emit({ type: 'error', jobId, error: err.toInfo() });
      }
      if (!final) emit(noResult(jobId));
    })();
    running = { ...mine, finished };
    await finished;
    if (running?.abort === mine.abort) running = null;
    if (newest === mine) newest = null;
    // `finished` always sets `final`; the fallback is for the type checker.
    const { event, transfer } = final ?? { event: noResult(jobId), transfer: [] };
    return withTransfer(event, movable(transfer));
  },

  async cancel(jobId) {
    const target = running?.jobId === jobId ? running.abort : newest?.jobId === jobId ? newest.abort : undefined;
    if (!target) return false;
    target.abort();
    return true;
  },

  async selfTest(options) {
    const current = requireLoaded();
    const graph = options.graph ?? 'unet';
    const manifest = current.pack.manifest;
    if (manifest.formatVersion === 2)
      throw new EngineError('BadInput', 'The self-test runs on version-1 packs only; this pack is format version 2.');
    const spec = manifest.graphs[graph];
    const model = current.pack.graphs[graph];
    if (!spec || !model) throw new EngineError('BadInput', `The loaded pack has no ${graph} graph.`);
    const { caps, adapter } = await probeCapabilities();
    const choice = chooseEp(caps, options.ep); // throws WebGpuUnavailable where asked for and absent
    try {
      const result = await selfTest(graph, spec, model, manifest, {
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

  async stats() {
    if (!loaded) return null;
    return {
      liveTensors: loaded.backend.liveTensors,
      bytesReadBack: loaded.backend.bytesReadBack,
      ep: loaded.choice.ep,
      wasmThreads: loaded.backend.wasmThreads,
      runtimeFile: loaded.backend.runtimeFile,
      modes: [...loaded.engine.modes],
      imageEncoderLoaded: loaded.engine.imageEncoderLoaded,
    };
  },

  async simulateDeviceLoss() {
    await requireLoaded().backend.loseDeviceForTest();
  },

  async simulateOutOfMemory() {
    requireLoaded().backend.armOutOfMemoryForTest();
  },

  async dispose() {
    loading?.abort();
    newest?.abort.abort();
    await stopJob();
    await releaseLoaded();
  },
} satisfies EngineApi;
