/**
 * Runs one graph of a pack on a chosen EP with deterministic inputs and reports its outputs
 * and timings. The e2e tests call it on WebGPU and on WASM and compare the numbers; the
 * inputs follow the contract's meaning of each name so the graph sees plausible data.
 */
import { EngineError } from '../errors';
import type { GraphSpec, Manifest, TensorSpec } from '../packs/manifest';
import type { ExecutionProvider, OutputStats, SelfTestResult } from '../protocol';
import type { TensorHandle } from '../engine/backend';
import { OrtBackend, type OrtBackendOptions } from './ort-backend';

/** mulberry32: a tiny seeded generator, so both EPs see identical inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputTensor(backend: OrtBackend, spec: TensorSpec, m: Manifest, next: () => number): TensorHandle {
  const dims = spec.shape.map((d) => (typeof d === 'number' ? d : 1)); // symbolic (batch) → 1
  const n = dims.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'int64') {
    const t = m.tokenizer;
    // bos, a few real words, eos, then padding: a prompt the encoder could meet.
    const ids = Array.from({ length: n }, (_, i) =>
      i === 0 ? t.bos : i <= 3 ? 4 + ((i * 7) % Math.max(1, t.vocab.length - 4)) : i === 4 ? t.eos : t.pad,
    );
    return backend.int64(BigInt64Array.from(ids, BigInt), dims);
  }
  if (spec.dtype !== 'float32')
    throw new EngineError('BadInput', `self-test: ${spec.name} is ${spec.dtype}; only fp32 I/O is supported`);
  const constant: Record<string, number> = {
    timestep: 500,
    alpha_bar: 0.5,
    image_scale: 1,
    gamma_num: 0.5,
    scoring: 1,
  };
  const c = constant[spec.name];
  const data = new Float32Array(n);
  const last = dims[dims.length - 1] ?? 1;
  if (c !== undefined) data.fill(c);
  else if (spec.name === 'target_tokens') data.forEach((_, i) => (data[i] = i % last === 1 ? 1 : 0));
  else if (spec.name === 'mask') data.forEach((_, i) => (data[i] = next()));
  else if (spec.name === 'pixels') data.forEach((_, i) => (data[i] = next() * 2 - 1));
  else {
    // N(0, 1) by Box–Muller: latents and embeddings.
    for (let i = 0; i < n; i++) data[i] = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  }
  return backend.float32(data, dims);
}

function stats(name: string, dims: readonly number[], values: Float32Array): OutputStats {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    sum += v;
    sq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const count = Math.max(1, values.length - nonFinite);
  const mean = sum / count;
  return {
    name,
    dims: [...dims],
    mean,
    std: Math.sqrt(Math.max(0, sq / count - mean * mean)),
    min,
    max,
    nonFinite,
    values,
  };
}

export async function selfTest(
  graphName: string,
  spec: GraphSpec,
  model: Uint8Array,
  manifest: Manifest,
  options: Omit<OrtBackendOptions, 'ep'> & { ep: ExecutionProvider; runs: number; seed?: number },
): Promise<SelfTestResult> {
  const backend = await OrtBackend.create({ ...options, fileOf: () => spec.file });
  try {
    let t0 = performance.now();
    const session = await backend.createSession(graphName, model);
    const createMs = performance.now() - t0;
    const next = rng(options.seed ?? 1);
    const feeds = Object.fromEntries(spec.inputs.map((i) => [i.name, inputTensor(backend, i, manifest, next)]));
    const runMs: number[] = [];
    let outputs: Record<string, TensorHandle> = {};
    for (let r = 0; r < Math.max(1, options.runs); r++) {
      for (const h of Object.values(outputs)) backend.dispose(h);
      t0 = performance.now();
      outputs = await session.run(feeds);
      // Reading one value back waits for the GPU, so the time covers the real work.
      const first = Object.values(outputs)[0];
      if (first) await backend.read(first);
      runMs.push(performance.now() - t0);
    }
    const before = backend.bytesReadBack;
    const result: OutputStats[] = [];
    for (const [name, h] of Object.entries(outputs)) {
      if (h.dtype === 'float32') result.push(stats(name, h.dims, await backend.read(h)));
    }
    return {
      graph: graphName,
      ep: options.ep,
      createMs,
      runMs,
      outputs: result,
      bytesReadBack: backend.bytesReadBack - before,
    };
  } finally {
    await backend.release();
  }
}
