/**
 * The onnxruntime-web session options every pack graph is created with, in one place so the
 * worker (ort-backend.ts) and the Node benchmarks (tools/bench-graphs.ts,
 * tools/profile-graph.ts) time the same thing. ORT's full graph optimization (constant
 * folding, node fusions, layout transforms) runs at session creation; the pack's graphs
 * already come with their shape bookkeeping folded at export (models/export.py).
 */
import type * as Ort from 'onnxruntime-web';

export function sessionOptions(ep: 'webgpu' | 'wasm'): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // Errors only: ORT's "some nodes were not assigned to the preferred EP" warning is
    // normal on WebGPU (shape ops run on the CPU by design) and would read as a failure.
    logSeverityLevel: 3,
    // Outputs stay on the GPU and feed the next run; the engine reads back only previews.
    ...(ep === 'webgpu' && { preferredOutputLocation: 'gpu-buffer' as const }),
  };
}
