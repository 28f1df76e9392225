/**
 * Size limits checked from the manifest BEFORE anything is downloaded, so a pack far too big
 * for this device is refused in a second instead of after gigabytes of traffic and a crash.
 * The byte counts come from the (untrusted) manifest; the downloader separately refuses any
 * file that turns out longer than its manifest says.
 */
import { packInvalid } from '../errors';
import type { AnyManifest } from './manifest-v2';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** One ONNX file without external data is a single protobuf message, capped at 2 GiB. */
export const MAX_GRAPH_BYTES = 2 * GiB - 1;
/** Nothing this app runs needs more; a bigger pack is a mistake or an attack. */
export const SANE_MAX_PACK_BYTES = 4 * GiB;
/**
 * WASM EP: every graph's weights live in one 32-bit WASM heap (4 GiB at most), and session
 * creation briefly holds the model bytes twice.
 */
export const WASM_MAX_PACK_BYTES = 1.5 * GiB;

export interface DeviceBudget {
  maxPackBytes: number;
  /** What sets the limit, for the message. */
  reason: string;
  /** The EP the pack will run on and whether it runs fp16 shaders; absent: not checked (Node). */
  ep?: 'webgpu' | 'wasm';
  shaderF16?: boolean;
}

export interface BudgetInput {
  ep: 'webgpu' | 'wasm';
  /** navigator.deviceMemory (GiB, Chrome only, rounded and capped at 8). */
  deviceMemoryGiB?: number | undefined;
  /** The WebGPU adapter has the `shader-f16` feature. */
  shaderF16?: boolean | undefined;
}

export function deviceBudget({ ep, deviceMemoryGiB, shaderF16 }: BudgetInput): DeviceBudget {
  const device = { ep, shaderF16: ep === 'webgpu' && shaderF16 === true };
  const candidates: DeviceBudget[] = [{ maxPackBytes: SANE_MAX_PACK_BYTES, reason: 'the app-wide maximum' }];
  if (ep === 'wasm') candidates.push({ maxPackBytes: WASM_MAX_PACK_BYTES, reason: 'the WASM memory limit' });
  if (deviceMemoryGiB !== undefined && deviceMemoryGiB > 0) {
    // The pack bytes, the runtime's copy and the browser itself must fit in RAM together.
    candidates.push({
      maxPackBytes: (deviceMemoryGiB * GiB) / 2,
      reason: `half of this device's ~${deviceMemoryGiB} GiB of memory`,
    });
  }
  return { ...candidates.reduce((a, b) => (b.maxPackBytes < a.maxPackBytes ? b : a)), ...device };
}

export function mb(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MB`;
}

export interface PackFile {
  /** The graph whose .onnx file this is; null for external data and other files. */
  graph: string | null;
  file: string;
  bytes: number;
  sha256: string;
}

/**
 * Files the loader downloads for the page: version 1 its graphs (the judge graph is
 * evaluation-only), version 2 every file of `files` (graphs, external data, tokenizer,
 * the adapter's negative image tokens).
 */
export function filesToLoad(m: AnyManifest): PackFile[] {
  if (m.formatVersion === 2) {
    const graphOf = new Map(Object.entries(m.graphs).map(([k, g]) => [g.file, k]));
    return Object.entries(m.files).map(([file, f]) => ({ graph: graphOf.get(file) ?? null, file, ...f }));
  }
  return Object.entries(m.graphs)
    .filter(([name, g]) => name !== 'judge' && g !== undefined)
    .map(([graph, g]) => ({ graph, file: g!.file, bytes: g!.bytes, sha256: g!.sha256 }));
}

/**
 * Throws PackInvalid when the device cannot run the pack at all: an fp16 version-2 pack
 * (`requiresShaderF16`) without WebGPU's `shader-f16`.
 */
export function checkDeviceFeatures(m: AnyManifest, budget: DeviceBudget): void {
  if (m.formatVersion !== 2 || !m.requiresShaderF16 || budget.ep === undefined) return;
  if (budget.ep === 'webgpu' && budget.shaderF16 === true) return;
  const where =
    budget.ep === 'wasm' ? 'it would run on WASM here (no usable WebGPU)' : "this GPU's WebGPU lacks shader-f16";
  throw packInvalid(
    'pack.json',
    `this pack is float16 and needs WebGPU with the shader-f16 feature, but ${where}; use a float32 pack (convert with --dtype fp32) or another browser or GPU. Nothing was downloaded`,
  );
}

/** Throws PackInvalid (naming the biggest offender) if the pack cannot fit. */
export function checkPackSize(m: AnyManifest, budget: DeviceBudget): number {
  const files = filesToLoad(m);
  for (const f of files) {
    if (f.file.toLowerCase().endsWith('.onnx') && f.bytes > MAX_GRAPH_BYTES) {
      throw packInvalid(f.file, `is ${mb(f.bytes)}; a single ONNX file cannot exceed 2 GiB`);
    }
  }
  const total = files.reduce((s, f) => s + f.bytes, 0);
  if (total > budget.maxPackBytes) {
    throw packInvalid(
      'pack.json',
      `the pack needs ${mb(total)}, more than this device allows (${mb(budget.maxPackBytes)}, ${budget.reason}); nothing was downloaded`,
    );
  }
  return total;
}
