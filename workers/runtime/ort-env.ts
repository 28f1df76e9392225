/// <reference types="vite/client" />
/// <reference types="@webgpu/types" />
/**
 * The one place that loads onnxruntime-web, and with it the rule for which of its builds a
 * worker loads: WebGPU needs the JSEP build (28 MB of WASM: the WebGPU EP and the WASM EP);
 * WASM runs on the WASM-only build (14 MB, half the compile), unless this worker already
 * has the JSEP build, which runs WASM too. The build is imported once the EP is decided,
 * so a WASM visit never fetches or compiles the JSEP runtime.
 *
 * Also onnxruntime's global settings, applied once per build before its first session:
 * where its runtime files are served (vite.config.ts serves them from
 * `<base>/ort/<version>/`, so the app works offline, the pthread workers are same-origin and
 * the files may be cached for good), how many WASM threads, and which WebGPU adapter (the
 * one capabilities() reported).
 */
import type * as Ort from 'onnxruntime-web';
import type { ExecutionProvider } from '../protocol';

export type OrtModule = typeof Ort;

export interface OrtSettings {
  numThreads: number;
  adapter: GPUAdapter | null;
}

/** onnxruntime-web's builds this app uses, by the runtime (.wasm) file each loads. */
export const RUNTIME_FILES = {
  jsep: 'ort-wasm-simd-threaded.jsep.wasm',
  wasm: 'ort-wasm-simd-threaded.wasm',
} as const;
export type OrtBuild = keyof typeof RUNTIME_FILES;

export interface LoadedOrt {
  ort: OrtModule;
  build: OrtBuild;
  /** The .wasm file this build fetches and compiles (reported in stats() and loadTimings). */
  runtimeFile: string;
}

/** What this code can see of its environment; typed loosely so it also compiles and runs in Node. */
const scope = globalThis as { location?: { href: string }; process?: { versions?: { node?: string } } };
/** Node resolves 'onnxruntime-web' to its Node build, which is WASM-only already (and has no /wasm entry of its own). */
const inNode = scope.location === undefined && scope.process?.versions?.node !== undefined;

const builds = new Map<OrtBuild, Promise<LoadedOrt>>();

/** Which build an EP runs on in this worker (see the module comment). */
export function buildFor(ep: ExecutionProvider, loaded: readonly OrtBuild[]): OrtBuild {
  if (ep === 'webgpu' || loaded.includes('jsep')) return 'jsep';
  return 'wasm';
}

function importBuild(build: OrtBuild): Promise<OrtModule> {
  if (build === 'jsep' || inNode) return import('onnxruntime-web');
  return import('onnxruntime-web/wasm');
}

/** The app-served runtime folder for this onnxruntime version; undefined outside a browser (Node finds its own). */
function runtimeFilesUrl(ort: OrtModule): string | undefined {
  if (!scope.location) return undefined;
  return new URL(`${import.meta.env.BASE_URL}ort/${ort.env.versions.web}/`, scope.location.href).href;
}

function configure(ort: OrtModule, settings: OrtSettings): void {
  const wasmPaths = runtimeFilesUrl(ort);
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = settings.numThreads;
  ort.env.wasm.proxy = false; // we already are the worker
  ort.env.logLevel = 'error';
  if (settings.adapter) ort.env.webgpu.adapter = settings.adapter;
}

/**
 * onnxruntime-web for this EP, imported and configured on first use. A build's settings are
 * applied once: ORT reads them at its first session and silently ignores later changes.
 */
export function loadOrt(ep: ExecutionProvider, settings: OrtSettings): Promise<LoadedOrt> {
  const build = buildFor(ep, [...builds.keys()]);
  let loading = builds.get(build);
  if (!loading) {
    loading = importBuild(build).then((ort) => {
      configure(ort, settings);
      return { ort, build, runtimeFile: inNode ? RUNTIME_FILES.wasm : RUNTIME_FILES[build] };
    });
    loading.catch(() => builds.delete(build)); // a failed import may be retried
    builds.set(build, loading);
  }
  return loading;
}
