/**
 * "Check backends": runs one graph of the loaded pack with fixed inputs on WebGPU and on
 * WASM, then reports each one's timings and how far WebGPU's numbers are from WASM's.
 */
import type { ExecutionProvider } from '../../../workers/protocol';
import { engineBridge } from '../../engine/session';
import { compareOutputs, median, type OutputDifference } from '../../lib/compare-outputs';

export type CheckedGraph = 'textEncoder' | 'imageEncoder' | 'unet' | 'decoder';

export interface EpTiming {
  ep: ExecutionProvider;
  createMs: number;
  /** Includes shader compilation on WebGPU. */
  firstRunMs: number;
  /** Median of the runs after the first. */
  steadyRunMs: number;
  nonFinite: number;
}

export interface BackendCheck {
  graph: CheckedGraph;
  timings: EpTiming[];
  /** WebGPU against WASM; null when WebGPU is unavailable. */
  differences: OutputDifference[] | null;
  webgpuUnavailable: string | null;
}

const RUNS = 4;

export async function checkBackends(graph: CheckedGraph): Promise<BackendCheck> {
  const engine = engineBridge();
  const capabilities = await engine.capabilities();
  const wasm = await engine.selfTest({ graph, ep: 'wasm', runs: RUNS });
  const webgpu = capabilities.webgpu.available ? await engine.selfTest({ graph, ep: 'webgpu', runs: RUNS }) : null;
  const timings = [webgpu, wasm].flatMap((result) =>
    result
      ? [
          {
            ep: result.ep,
            createMs: result.createMs,
            firstRunMs: result.runMs[0] ?? NaN,
            steadyRunMs: median(result.runMs.slice(1)),
            nonFinite: result.outputs.reduce((n, o) => n + o.nonFinite, 0),
          },
        ]
      : [],
  );
  return {
    graph,
    timings,
    differences: webgpu ? compareOutputs(wasm.outputs, webgpu.outputs) : null,
    webgpuUnavailable: capabilities.webgpu.available ? null : capabilities.webgpu.reason,
  };
}
