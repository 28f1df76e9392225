/**
 * Where a graph's time goes, per op type, from onnxruntime's own per-node profiler on the
 * native CPU EP (onnxruntime-node) and on the WASM build (onnxruntime-web inside Node):
 *
 *   npx tsx tools/profile-graph.ts --pack public/models/toyworld --graph unet --batch 1
 *       [--runs 25] [--threads 1] [--static] [--top 15]
 *
 * Both profilers emit Chrome-trace events ("cat": "Node", "dur" in µs, args.op_name); the
 * WASM build prints them to stdout, which this script captures. Both profile every run from
 * session creation on; kernel durations are summed over the runs after the warm-up ones and
 * divided by their count (µs per run). Per-node profiling adds a fixed cost per node: the wall times
 * printed are with the profiler on; use tools/bench-graphs.ts for clean timings. --static fixes the batch at
 * session creation (freeDimensionOverrides) so shape bookkeeping is folded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as native from 'onnxruntime-node';
import { loadOrt } from '../workers/runtime/ort-env';
import { sessionOptions } from '../workers/runtime/session-options';
import { countNodes } from './onnx-nodes';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: 'public/models/toyworld' },
  graph: { type: 'string', default: 'unet' },
  batch: { type: 'string', default: '1' },
  runs: { type: 'string', default: '25' },
  threads: { type: 'string', default: '1' },
  static: { type: 'boolean', default: false },
  top: { type: 'string', default: '15' },
  'wasm-child': { type: 'boolean', default: false },
});
const batch = Number(flags.batch);
const runs = Number(flags.runs);
const WARMUP = 5;

interface TraceEvent {
  cat?: string;
  name?: string;
  dur?: number;
  ts?: number;
  args?: { op_name?: string };
}

interface IoSpec {
  name: string;
  dtype: 'float32' | 'int64';
  shape: (number | string)[];
}
const manifest = JSON.parse(readFileSync(join(flags.pack, 'pack.json'), 'utf8')) as {
  graphs: Record<string, { file: string; inputs: IoSpec[] }>;
  tokenizer: { vocab: string[] };
};
const ref = manifest.graphs[flags.graph];
if (!ref) throw new Error(`no graph '${flags.graph}' in ${flags.pack}/pack.json`);
const bytes = readFileSync(join(flags.pack, ref.file));
const vocab = manifest.tokenizer.vocab.length;

function inputs(): { dtype: 'float32' | 'int64'; data: Float32Array | BigInt64Array; dims: number[]; name: string }[] {
  return ref!.inputs.map((input) => {
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const n = dims.reduce((a, b) => a * b, 1);
    const data =
      input.dtype === 'int64'
        ? BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7) % vocab))
        : Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    return { dtype: input.dtype, data, dims, name: input.name };
  });
}

const options = {
  graphOptimizationLevel: 'all' as const,
  ...(flags.static && { freeDimensionOverrides: { batch } }),
};

/** µs per run by op type, and the wall ms per run. */
interface Profile {
  byOp: Map<string, { us: number; nodes: number }>;
  wallMs: number;
}

/** Kernel µs per run by op type, over the runs after the warm-up ones. */
function aggregate(events: TraceEvent[]): Map<string, { us: number; nodes: number }> {
  const starts = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .map((e) => e.ts ?? 0)
    .sort((a, b) => a - b);
  const from = starts[WARMUP] ?? Infinity;
  const timed = starts.length - WARMUP;
  if (timed <= 0) throw new Error(`the trace has ${starts.length} runs, fewer than the ${WARMUP} warm-up runs`);
  const byOp = new Map<string, { us: number; nodes: number }>();
  const names = new Set<string>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || e.dur === undefined || (e.ts ?? 0) < from) continue;
    const op = e.args?.op_name ?? '?';
    const entry = byOp.get(op) ?? { us: 0, nodes: 0 };
    entry.us += e.dur / timed;
    if (!names.has(e.name)) {
      names.add(e.name);
      entry.nodes++;
    }
    byOp.set(op, entry);
  }
  return byOp;
}

async function profileNative(): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'ort-prof-'));
  const session = await native.InferenceSession.create(bytes, {
    ...options,
    executionProviders: ['cpu'],
    intraOpNumThreads: Number(flags.threads),
    interOpNumThreads: 1,
    // onnxruntime-node profiles from creation on (startProfiling is a no-op there), so the
    // warm-up runs are in the trace too: aggregate() divides by every run.
    enableProfiling: true,
    profileFilePrefix: join(dir, 'native'),
  });
  const feeds = Object.fromEntries(inputs().map((i) => [i.name, new native.Tensor(i.dtype, i.data, i.dims)]));
  for (let i = 0; i < WARMUP; i++) await session.run(feeds);
  const t = performance.now();
  for (let i = 0; i < runs; i++) await session.run(feeds);
  const wallMs = (performance.now() - t) / runs;
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error('onnxruntime-node wrote no profile');
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[];
  rmSync(dir, { recursive: true });
  return { byOp: aggregate(events), wallMs };
}

/** In a child process (--wasm-child): profiles the WASM build; its trace goes to stdout. */
async function wasmChild(): Promise<void> {
  const { ort: web } = await loadOrt('wasm', { numThreads: Number(flags.threads), adapter: null });
  const session = await web.InferenceSession.create(bytes, {
    ...sessionOptions('wasm'),
    ...options,
    enableProfiling: true,
  });
  const feeds = Object.fromEntries(inputs().map((i) => [i.name, new web.Tensor(i.dtype, i.data, i.dims)]));
  for (let i = 0; i < WARMUP; i++) await session.run(feeds);
  const t = performance.now();
  for (let i = 0; i < runs; i++) await session.run(feeds);
  const wallMs = (performance.now() - t) / runs;
  session.endProfiling();
  await session.release();
  console.log(`WALL ${wallMs}`);
}

/**
 * The WASM build prints its trace as it runs, one JSON event per line, from inside
 * Emscripten (not through process.stdout.write), so it is profiled in a child process whose
 * stdout is read here.
 */
function profileWasm(): Profile {
  const args = ['tsx', 'tools/profile-graph.ts', '--wasm-child', ...process.argv.slice(2)];
  const text = execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const events: TraceEvent[] = [];
  let wallMs = NaN;
  for (const line of text.split('\n')) {
    const s = line.trim().replace(/,$/, '');
    if (s.startsWith('{')) events.push(JSON.parse(s) as TraceEvent);
    else if (s.startsWith('WALL ')) wallMs = Number(s.slice(5));
  }
  return { byOp: aggregate(events), wallMs };
}

if (flags['wasm-child']) {
  await wasmChild();
  process.exit(0);
}
const nat = await profileNative();
const wasm = profileWasm();
const total = (p: Profile) => [...p.byOp.values()].reduce((s, e) => s + e.us, 0);
const ops = [...new Set([...nat.byOp.keys(), ...wasm.byOp.keys()])].sort(
  (a, b) => (wasm.byOp.get(b)?.us ?? 0) - (wasm.byOp.get(a)?.us ?? 0),
);
console.log(
  `${flags.pack} ${flags.graph} batch ${batch}${flags.static ? ' (static batch)' : ''}: ` +
    `${countNodes(bytes).total} nodes in the file; wall ${nat.wallMs.toFixed(2)} ms native, ${wasm.wallMs.toFixed(2)} ms WASM; ` +
    `kernel sum ${(total(nat) / 1000).toFixed(2)} / ${(total(wasm) / 1000).toFixed(2)} ms`,
);
console.log('| op (after ORT optimization) | nodes native | µs native | nodes WASM | µs WASM | WASM / native |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const op of ops.slice(0, Number(flags.top))) {
  const n = nat.byOp.get(op);
  const w = wasm.byOp.get(op);
  const ratio = n && w && n.us > 0 ? (w.us / n.us).toFixed(1) : '';
  console.log(
    `| ${op} | ${n?.nodes ?? 0} | ${n?.us.toFixed(0) ?? ''} | ${w?.nodes ?? 0} | ${w?.us.toFixed(0) ?? ''} | ${ratio} |`,
  );
}
