/// <reference types="vite/client" />
/// <reference types="@webgpu/types" />
/**
 * onnxruntime-web's global settings, applied once before the first session: where its
 * runtime files are served (vite.config.ts serves them from `<base>/ort/`, so the app works
 * offline and the pthread workers are same-origin), how many WASM threads, and which WebGPU
 * adapter (the one capabilities() reported).
 */
import * as ort from 'onnxruntime-web';

export interface OrtSettings {
  numThreads: number;
  adapter: GPUAdapter | null;
}

let applied = false;

/** The app-served runtime folder; undefined outside a browser (Node finds its own). */
function runtimeFilesUrl(): string | undefined {
  const location = (globalThis as { location?: { href: string } }).location;
  return location ? new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href : undefined;
}

export function configureOrt(settings: OrtSettings): typeof ort {
  if (applied) return ort; // ORT reads these once; later changes would be silently ignored.
  applied = true;
  const wasmPaths = runtimeFilesUrl();
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = settings.numThreads;
  ort.env.wasm.proxy = false; // we already are the worker
  ort.env.logLevel = 'error';
  if (settings.adapter) ort.env.webgpu.adapter = settings.adapter;
  return ort;
}
