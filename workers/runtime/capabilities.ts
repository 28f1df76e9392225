/**
 * Probes what this worker can run on: the WebGPU adapter (name, vendor, architecture,
 * features, limits), cross-origin isolation and the WASM thread count. No onnxruntime here:
 * this is the browser's own WebGPU API, asked once and cached.
 */
import type { AdapterInfo, Capabilities } from '../protocol';
import { isSoftwareAdapter } from './ep-choice';

export interface Probe {
  caps: Capabilities;
  /** Handed to onnxruntime so it runs on the adapter we reported. */
  adapter: GPUAdapter | null;
}

/** WASM threads: one per core but one for the page, when SharedArrayBuffer is allowed. */
export function wasmThreadCount(isolated: boolean, hardwareConcurrency: number | undefined): number {
  if (!isolated) return 1;
  return Math.max(1, Math.min(8, (hardwareConcurrency ?? 1) - 1));
}

function describeAdapter(adapter: GPUAdapter): AdapterInfo {
  const info = adapter.info;
  const features = [...adapter.features].map(String).sort();
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description ?? '';
  return {
    name: description || [vendor, architecture].filter(Boolean).join(' ') || info.device || 'WebGPU adapter',
    vendor,
    architecture,
    description,
    isSoftware: isSoftwareAdapter({ vendor, architecture, description, isFallbackAdapter: info.isFallbackAdapter }),
    features,
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
  };
}

/** What this code can see of its environment; typed loosely so it also compiles and runs in Node. */
const env = globalThis as {
  navigator?: { gpu?: GPU; hardwareConcurrency?: number };
  isSecureContext?: boolean;
  crossOriginIsolated?: boolean;
};

async function probeWebGpu(): Promise<{ webgpu: Capabilities['webgpu']; adapter: GPUAdapter | null }> {
  const gpu = env.navigator?.gpu;
  if (!gpu) {
    const reason =
      env.isSecureContext === false
        ? 'the page is not a secure context'
        : 'this browser has no WebGPU (navigator.gpu is missing)';
    return { webgpu: { available: false, reason }, adapter: null };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      const reason = 'no WebGPU adapter (blocklisted GPU or WebGPU disabled)';
      return { webgpu: { available: false, reason }, adapter: null };
    }
    return { webgpu: { available: true, adapter: describeAdapter(adapter) }, adapter };
  } catch (e) {
    return { webgpu: { available: false, reason: `requestAdapter failed: ${String(e)}` }, adapter: null };
  }
}

/**
 * What loading a pack needs when the user chose WASM: the thread count, not the adapter
 * (asking for one costs a WebGPU instance, on a software adapter seconds under load).
 */
export function probeWithoutGpu(): Probe {
  const isolated = env.crossOriginIsolated === true;
  return {
    caps: {
      webgpu: { available: false, reason: 'not asked for: WASM was chosen' },
      crossOriginIsolated: isolated,
      wasmThreads: wasmThreadCount(isolated, env.navigator?.hardwareConcurrency),
    },
    adapter: null,
  };
}

let cached: Promise<Probe> | null = null;

/** Probes once per worker; `refresh` asks again (after a lost device the adapter is spent). */
export function probeCapabilities(refresh = false): Promise<Probe> {
  if (refresh || !cached) {
    cached = probeWebGpu().then(({ webgpu, adapter }) => ({ caps: { ...probeWithoutGpu().caps, webgpu }, adapter }));
  }
  return cached;
}
