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

async function probeWebGpu(): Promise<{ webgpu: Capabilities['webgpu']; adapter: GPUAdapter | null }> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    const reason = self.isSecureContext
      ? 'this browser has no WebGPU (navigator.gpu is missing)'
      : 'the page is not a secure context';
    return { webgpu: { available: false, reason }, adapter: null };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return {
        webgpu: { available: false, reason: 'no WebGPU adapter (blocklisted GPU or WebGPU disabled)' },
        adapter: null,
      };
    return { webgpu: { available: true, adapter: describeAdapter(adapter) }, adapter };
  } catch (e) {
    return { webgpu: { available: false, reason: `requestAdapter failed: ${String(e)}` }, adapter: null };
  }
}

let cached: Promise<Probe> | null = null;

/** Probes once per worker; `refresh` asks again (after a lost device the adapter is spent). */
export function probeCapabilities(refresh = false): Promise<Probe> {
  if (refresh || !cached) {
    cached = probeWebGpu().then(({ webgpu, adapter }) => ({
      caps: {
        webgpu,
        crossOriginIsolated: self.crossOriginIsolated,
        wasmThreads: wasmThreadCount(self.crossOriginIsolated, self.navigator.hardwareConcurrency),
      },
      adapter,
    }));
  }
  return cached;
}
