/**
 * The typed contract between the page and the inference worker.
 *
 * Only types live here (plus a few literal lists); the page imports this file, never the
 * worker's implementation. `EngineApi` is derived from the implementation in `api.ts`
 * so the two cannot drift apart.
 */

export type Mode = 'realcustom' | 'global' | 'masked-global' | 'text';
export const MODES: readonly Mode[] = ['realcustom', 'global', 'masked-global', 'text'];

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
  examples: { references: { url: string; label: string; word: string; prompt: string }[]; prompts: string[] };
  totalBytes: number;
  runtime: RuntimeInfo;
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

export type EngineEventType = EngineEvent['type'];

export type EngineErrorKind =
  | 'WebGpuUnavailable'
  | 'DeviceLost'
  | 'PackInvalid'
  | 'OutOfMemory'
  | 'BadInput'
  | 'NumericalError'
  | 'Cancelled'
  | 'Internal';

/** Plain data so it crosses the worker boundary intact (see errors.ts for the class). */
export interface EngineErrorInfo {
  kind: EngineErrorKind;
  message: string; // for the person: what happened and what to do
  file?: string; // the pack file concerned, for PackInvalid
  detail?: string; // technical detail (stack, ORT message)
}

export type { EngineApi } from './api';
