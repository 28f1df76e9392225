/**
 * The typed contract between the page and the inference worker.
 *
 * Only types live here (plus a few literal lists); the page imports this file, never the
 * worker's implementation. It is the lowest room: it imports nothing. `EngineApi` is
 * declared here and `workers/api.ts` implements it with `satisfies EngineApi`.
 */

export const MODES = ['realcustom', 'global', 'masked-global', 'text'] as const;
export type Mode = (typeof MODES)[number];

/** What the user asked for. `auto` prefers WebGPU on a hardware adapter, WASM otherwise. */
export type EpPreference = 'auto' | 'webgpu' | 'wasm';
/** What actually runs the graphs. */
export type ExecutionProvider = 'webgpu' | 'wasm';

/** Generation parameters. Defaults come from the pack (`pack.json` → `defaults`). */
export interface Params {
  mode: Mode;
  steps: number; // DDIM steps
  guidanceText: number; // ω_t
  guidanceImage: number; // ω_i
  gammaScope: number; // fraction of positions kept in the mask (0, 1]
  gammaNum: number; // top-k fraction of reference tokens (0, 1]
  maskReuseStep: number; // freeze the mask after this many steps; 0 = never freeze
  globalScale: number; // λ of the global image branch (`global`, `masked-global`)
  seed: number; // uint32
  previewEvery: number; // stream a decoded preview every N steps (masks stream every step)
  binaryMask: boolean; // ablation: binary instead of continuous mask
  scoring: boolean; // ablation: false = all reference tokens, no re-weighting
}

/** The numeric parameters (everything in Params but the mode and the two switches). */
export type NumericParam = Exclude<keyof Params, 'mode' | 'binaryMask' | 'scoring'>;

export interface ParamRange {
  key: NumericParam;
  label: string;
  min: number;
  max: number;
  /** false: `min` itself is not allowed (γ in (0, 1]). */
  minInclusive: boolean;
  integer: boolean;
}

/**
 * The one table of parameter ranges: what the engine accepts (workers/engine/validate.ts),
 * what a pack's `defaults` may hold (workers/packs/manifest.ts), and the outer bounds of
 * what the page lets a person choose (src/lib/params-sanitize.ts narrows a few).
 * `steps` and `maskReuseStep` are further capped by the pack's sampler (its `trainTimesteps`; LCM: `originalSteps`).
 */
export const PARAM_RANGES: readonly ParamRange[] = [
  { key: 'steps', label: 'Steps', min: 1, max: 1000, minInclusive: true, integer: true },
  { key: 'guidanceText', label: 'Text guidance ω_t', min: 0, max: 100, minInclusive: true, integer: false },
  { key: 'guidanceImage', label: 'Image guidance ω_i', min: 0, max: 100, minInclusive: true, integer: false },
  { key: 'gammaScope', label: 'Mask scope γ_scope', min: 0, max: 1, minInclusive: false, integer: false },
  { key: 'gammaNum', label: 'Token fraction γ_num', min: 0, max: 1, minInclusive: false, integer: false },
  { key: 'maskReuseStep', label: 'Mask reuse step', min: 0, max: 1000, minInclusive: true, integer: true },
  { key: 'globalScale', label: 'Global scale λ', min: 0, max: 10, minInclusive: true, integer: false },
  { key: 'seed', label: 'Seed', min: 0, max: 0xffffffff, minInclusive: true, integer: true },
  { key: 'previewEvery', label: 'Preview cadence', min: 1, max: 1_000_000, minInclusive: true, integer: true },
];

/** RGBA pixels, row-major; `data.buffer` is transferred, never copied. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A single-channel map in [0, 1] (a mask or an attention map), row-major. */
export interface Gray {
  width: number;
  height: number;
  data: Float32Array;
}

export interface Job {
  id: string;
  prompt: string;
  /** The word or short phrase to customize, e.g. `star` or `red star`. */
  targetWord: string;
  /** Word index (0-based, as the prompt splits into words) where the phrase starts; absent: every occurrence. */
  targetIndex?: number;
  /** Any size; the engine resizes and centre-crops to the pack's reference size. Null only in `text` mode. */
  reference: Rgba | null;
  params: Params;
}

export interface TokenInfo {
  text: string;
  id: number;
  known: boolean; // false: mapped to <unk>
}

export interface PromptAnalysis {
  tokens: TokenInfo[];
  /** Positions (in the encoder's sequence, after bos) of the target phrase's tokens; empty if absent. */
  targetPositions: number[];
  /** Words cut because the prompt is longer than the encoder's maximum length. */
  truncatedWords: string[];
  problems: string[]; // human-readable, empty when all is well
}

export interface AdapterInfo {
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  isSoftware: boolean; // SwiftShader or another CPU adapter
  features: string[];
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export interface Capabilities {
  webgpu: { available: true; adapter: AdapterInfo } | { available: false; reason: string };
  crossOriginIsolated: boolean;
  wasmThreads: number;
}

export interface RuntimeInfo {
  ep: ExecutionProvider;
  /** Why this EP was chosen (e.g. "forced by ?ep=wasm", "software adapter SwiftShader: WASM is faster"). */
  reason: string;
  adapter: AdapterInfo | null;
}

export interface PackProgress {
  file: string;
  loadedBytes: number;
  totalBytes: number;
  fromCache: boolean;
  /**
   * Where in the pack (its `loadedBytes`) this load continued a download that a closed tab or
   * a lost connection had cut short, with an HTTP Range request; null: nothing was resumed.
   */
  resumedAtBytes: number | null;
  /** Time left for the download at the rate observed in this load; null: not measured yet, or nothing to download. */
  etaMs: number | null;
}

/** Where downloaded pack files are kept: OPFS where the browser has it, else the Cache API. */
export type PackStoreKind = 'opfs' | 'cache-api' | 'memory';

/** What the pack's storage looks like before the first download, and what went wrong with it since. */
export interface PackStorage {
  /** `none`: a folder pack (its files stay on the disk), or no storage in this context. */
  store: PackStoreKind | 'none';
  /** Bytes of the pack already stored (complete files and interrupted downloads). */
  storedBytes: number;
  /** Bytes still to download. */
  neededBytes: number;
  /** Space this site may still use (navigator.storage.estimate()); null: unknown. */
  availableBytes: number | null;
  /**
   * A large pack: worth asking `navigator.storage.persist()` (which only a page, not a
   * worker, may call), so the browser does not evict gigabytes under storage pressure.
   */
  persistWanted: boolean;
  /** Whether this site's storage is persistent (persisted(); the page's persist() answer once asked); null: unknown. */
  persisted: boolean | null;
  /** Storage failures that did not stop the load: the files still load, the next visit downloads them again. */
  warnings: string[];
}

/**
 * What loading a pack does, each step timed (LoadTimings) and named on the page's progress
 * line: the device probe, pack.json, the files, onnxruntime's runtime (its .wasm fetched and
 * compiled, on WebGPU the device too), then one session per graph (`previewDecoder` only for a
 * version-2 pack with TAESD) and the engine's helper graphs. `unetGlobal` (global modes only) is
 * created after the pack is ready, in the background.
 */
export const LOAD_STEPS = [
  'capabilities',
  'manifest',
  'files',
  'runtime',
  'textEncoder',
  'imageEncoder',
  'unet',
  'decoder',
  'previewDecoder',
  'helpers',
  'unetGlobal',
] as const;
export type LoadStep = (typeof LOAD_STEPS)[number];

/** Progress while a pack loads: the files' bytes, or the step that has just begun. */
export type LoadProgress =
  | { step: 'files'; files: PackProgress }
  | { step: 'storage'; storage: PackStorage }
  | { step: Exclude<LoadStep, 'files'> };

/**
 * A pack folder the person picked on their disk (a folder input or the directory picker):
 * every file in it with its path inside the folder (`pack.json`, `examples/ref-star-0.png`).
 * The Files are handles to the disk, cloned to the worker, never uploaded anywhere.
 */
export interface FolderPack {
  kind: 'folder';
  /** The folder's own name, for messages. */
  name: string;
  files: { path: string; file: File }[];
}

/** Where a pack comes from: a shipped pack's name, a URL, or a folder on this computer. */
export type PackSource = string | FolderPack;

/** Test and benchmark overrides for loadPack (the page sets them only with `?testHooks`). */
export interface LoadOptions {
  /** WASM threads instead of the worker's choice (cores − 1 when cross-origin isolated). */
  wasmThreads?: number | undefined;
}

/** The page's performance.mark when a loaded pack's answer reaches it (tools/bench-ready.ts reads it). */
export const PACK_ANSWERED_MARK = 'realcustom:pack-answered';

export interface LoadTimings {
  /** Each step's start and end in ms since loadPack was called, in the order they began (steps may overlap). */
  steps: { step: LoadStep; startMs: number; endMs: number }[];
  /** loadPack's call to its answer (the pack is ready). */
  totalMs: number;
  /** Bytes that came over the network (0 on a fully cached visit). */
  downloadedBytes: number;
  /**
   * The onnxruntime runtime (.wasm) the worker loaded: the JSEP build's for WebGPU, the
   * WASM-only build's for WASM (workers/runtime/ort-env.ts).
   */
  runtimeFile: string;
  /**
   * Wall-clock times (ms since the epoch) of the worker's start and of the loadPack call, so a
   * page can place them on its own timeline (performance.timeOrigin): what happens before
   * loading begins.
   */
  workerStartedAt: number;
  loadPackCalledAt: number;
}

export interface PackSummary {
  name: string;
  version: string;
  description: string;
  license: string;
  imageSize: number;
  referenceSize: number;
  layers: { name: string; resolution: [number, number] }[];
  maskResolution: [number, number];
  defaults: Params;
  modes: Mode[]; // modes this pack supports (`global` needs a `unetGlobal` graph)
  vocabulary: string[];
  maxTokens: number;
  examples: { references: ExampleReference[]; prompts: string[] };
  totalBytes: number;
  runtime: RuntimeInfo;
  /** Which real model runs (format-version-2 packs); null for the toy packs of version 1. */
  model: PackModelInfo | null;
  /** Where this load's time went. */
  loadTimings: LoadTimings;
  /** Where the pack's files are kept in this browser. */
  storage: PackStorage;
}

export interface ExampleReference {
  url: string;
  label: string;
  word: string;
  prompt: string;
  /** A folder pack's example, read from the disk (the page shows it without fetching `url`). */
  file?: File;
}

/** A version-2 pack's model, for the pack card: SD-1.5 with a global IP-Adapter whose image branch RealCustom's mask confines. */
export interface PackModelInfo {
  formatVersion: 2;
  /** The Stable Diffusion 1.5 checkpoint's folder name (pack.json `source.sd`). */
  base: string;
  adapter: 'ip-adapter_sd15' | 'ip-adapter-plus_sd15';
  guidance: 'masked-global';
}

export interface StepTimings {
  /** Sum of session.run wall times in this step, ms. */
  runMs: number;
  /** Wall time of the whole step, ms. */
  stepMs: number;
}

export type EngineEvent =
  | { type: 'loading'; jobId: string; phase: 'encoding-text' | 'encoding-reference' | 'preparing' }
  | {
      type: 'step';
      jobId: string;
      step: number; // 1-based
      totalSteps: number;
      timestep: number;
      preview: Rgba | null; // decoded latent, every `previewEvery` steps
      mask: Gray | null; // combined mask used in this step (null in `text`/`global` mode)
      layerMasks: Gray[]; // per layer, in `layers` order (normalized to [0,1] each)
      maskFrozen: boolean;
      timings: StepTimings;
      bytesReadBack: number; // GPU→CPU bytes in this step
    }
  | {
      type: 'done';
      jobId: string;
      image: Rgba;
      /** Per step (for scrubbing): the mask and layer masks used; previews where decoded. */
      history: { step: number; timestep: number; mask: Gray | null; layerMasks: Gray[]; preview: Rgba | null }[];
      params: Params;
      totalMs: number;
      timeToFirstPreviewMs: number;
    }
  | { type: 'error'; jobId: string; error: EngineErrorInfo }
  | { type: 'cancelled'; jobId: string; atStep: number };

/** The event that ends a job: exactly one per job, and what `generate()` resolves with. */
export type FinalEvent = Extract<EngineEvent, { type: 'done' | 'error' | 'cancelled' }>;
/** The events before it, streamed to `generate()`'s `onEvent`. */
export type JobProgressEvent = Exclude<EngineEvent, FinalEvent>;

export const ENGINE_ERROR_KINDS = [
  'WebGpuUnavailable',
  'DeviceLost',
  'PackInvalid',
  'OutOfMemory',
  /** The browser's storage for this site cannot hold the pack's remaining bytes. */
  'StorageFull',
  'BadInput',
  'NumericalError',
  'Cancelled',
  'Internal',
] as const;
export type EngineErrorKind = (typeof ENGINE_ERROR_KINDS)[number];

/** Plain data so it crosses the worker boundary intact (see errors.ts for the class). */
export interface EngineErrorInfo {
  kind: EngineErrorKind;
  message: string; // for the person: what happened and what to do
  file?: string; // the pack file concerned, for PackInvalid
  detail?: string; // technical detail (stack, ORT message)
}

export interface OutputStats {
  name: string;
  dims: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Count of NaN or ±Inf values (should be 0). */
  nonFinite: number;
  /** The full output, for element-wise comparison across EPs. */
  values: Float32Array;
}

/** What `selfTest` reports: one graph run on one EP with fixed inputs. */
export interface SelfTestResult {
  graph: string;
  ep: ExecutionProvider;
  /** Session creation, ms. */
  createMs: number;
  /** Wall time of each run, ms (the first includes shader compilation on WebGPU). */
  runMs: number[];
  outputs: OutputStats[];
  bytesReadBack: number;
}

export type SelfTestGraph = 'textEncoder' | 'imageEncoder' | 'unet' | 'decoder';

/** One whole job as the page's test hook `benchJob` reports it (src/engine/test-hooks.ts; tools/bench-browser.ts). */
export interface BenchJobResult {
  status: 'done' | 'error' | 'cancelled';
  /** The worker's own figures (from generate() to the final event, inside the worker). */
  totalMs: number;
  timeToFirstPreviewMs: number;
  /** generate() call to its answer, as the page sees it (adds the worker boundary). */
  pageMs: number;
  steps: StepTimings[];
  bytesReadBack: number;
  error?: string;
}

/** Leak and traffic figures for tests. */
export interface EngineStats {
  liveTensors: number;
  bytesReadBack: number;
  ep: ExecutionProvider;
  /** onnxruntime-web's WASM thread count as it runs (1 when threads are unavailable). */
  wasmThreads: number;
  /** The onnxruntime runtime (.wasm) the loaded engine runs on (as LoadTimings.runtimeFile). */
  runtimeFile: string;
  modes: Mode[];
  /** Whether the image encoder holds memory now (a version-2 pack releases it after encoding). */
  imageEncoderLoaded: boolean;
}

/**
 * The inference worker's API (implemented by `workers/api.ts`, called by the page through
 * Comlink). The worker alone owns the job lifecycle: one job at a time, and a new
 * `generate()` replaces the running or waiting one, which ends with `cancelled`.
 */
export interface EngineApi {
  /** What this device offers; cheap after the first call. */
  capabilities(): Promise<Capabilities>;
  /**
   * Loads (or replaces) the pack: a shipped pack's name (`test-tiny`), a URL, or a folder
   * from the person's disk. Cancels a running job and an unfinished earlier load. Progress
   * counts the whole pack's bytes.
   */
  loadPack(
    source: PackSource,
    onProgress: (p: LoadProgress) => void,
    ep?: EpPreference,
    options?: LoadOptions,
  ): Promise<PackSummary>;
  /** The runtime in use now (it changes to WASM after a lost GPU device); null before a pack. */
  runtimeInfo(): Promise<RuntimeInfo | null>;
  /** `wordIndex`: which copy of the word (its index among the prompt's words) is the target. */
  analyzePrompt(prompt: string, word: string, wordIndex?: number): Promise<PromptAnalysis>;
  /**
   * Runs a job, replacing any running or waiting one (which then resolves `cancelled`).
   * Progress events (`loading`, `step`) go to `onEvent`; the job's final event (`done` /
   * `error` / `cancelled`, exactly one per job) is what the call resolves with, and it never
   * rejects. `onEvent` calls travel on their own channel: one may arrive after the answer.
   */
  generate(job: Job, onEvent: (event: JobProgressEvent) => void): Promise<FinalEvent>;
  /** Asks a running or waiting job to stop after its current step; answers at once (false: no such job). */
  cancel(jobId: string): Promise<boolean>;
  /**
   * Test and diagnostics: runs one graph of the loaded pack on `ep` with fixed inputs and
   * returns output statistics and values (for WebGPU-vs-WASM comparisons) and timings.
   */
  selfTest(options: { graph?: SelfTestGraph; ep: ExecutionProvider; runs?: number }): Promise<SelfTestResult>;
  /** Leak and traffic figures for tests; null before a pack. */
  stats(): Promise<EngineStats | null>;
  /** Test hook: loses the GPU device as a driver reset would (WebGPU only). */
  simulateDeviceLoss(): Promise<void>;
  /** Test hook: the next graph run hits a real out-of-memory failure (then all is normal again). */
  simulateOutOfMemory(): Promise<void>;
  /** Cancels work and frees every session and GPU buffer. The page ends the worker after. */
  dispose(): Promise<void>;
}
