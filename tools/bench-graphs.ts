/**
 * Every pack graph at the batches the engine runs it, on onnxruntime-node (native CPU EP) and
 * on onnxruntime-web's WASM build inside Node, timed in one interleaved loop so load on a
 * shared machine hits every variant alike:
 *
 *   npm run bench:graphs -- [--pack public/models/toyworld] [--pack /tmp/other-pack ...]
 *       [--runs 25] [--warmup 5] [--threads 1] [--wasm-threads 1,2] [--static] [--json out.json]
 *
 * Several --pack folders (e.g. before/after an export change) are timed side by side, in the
 * same interleaved loop per graph and batch.
 * --wasm-threads times the WASM build at each thread count (ORT reads numThreads once per
 * process, so each count after the first runs in a child process of this script, which
 * times its own native baseline in its own loop; ratios are against that baseline).
 * --static also times each graph with its batch fixed at session creation
 * (`freeDimensionOverrides: { batch }`), what a per-batch session would give.
 * Prints per graph and batch: median ms native, median ms WASM, their ratio, and the node
 * count of the graph file.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as native from 'onnxruntime-node';
import { loadOrt } from '../workers/runtime/ort-env';
import { sessionOptions } from '../workers/runtime/session-options';
import { makeFeeds, median, type IoSpec } from './bench-feeds';
import { countNodes } from './onnx-nodes';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', multiple: true },
  runs: { type: 'string', default: '25' },
  warmup: { type: 'string', default: '5' },
  threads: { type: 'string', default: '1' },
  'wasm-threads': { type: 'string', default: '1' },
  graphs: { type: 'string' },
  static: { type: 'boolean', default: false },
  json: { type: 'string' },
  // internal: a child process timing WASM only, at one thread count
  'wasm-only': { type: 'boolean', default: false },
});
const packs = flags.pack ?? ['public/models/toyworld'];
const runs = Number(flags.runs);
const warmup = Number(flags.warmup);
const nativeThreads = Number(flags.threads);
const wasmThreadCounts = flags['wasm-threads'].split(',').map(Number);
const wasmOnly = flags['wasm-only'];
// the worker's own onnxruntime-web setup; ORT reads numThreads once per process
const { ort: web } = await loadOrt('wasm', { numThreads: wasmThreadCounts[0]!, adapter: null });

/** The batches the engine runs each graph at (workers/engine/loop.ts, modes.ts). */
const ENGINE_BATCHES: Record<string, number[]> = {
  textEncoder: [3],
  imageEncoder: [1],
  unet: [1, 2, 3],
  unetGlobal: [2, 3],
  decoder: [1],
};
const only = flags.graphs?.split(',');

interface GraphRef {
  file: string;
  inputs: IoSpec[];
}
interface Manifest {
  graphs: Record<string, GraphRef>;
  tokenizer: { vocab: string[] };
}

interface Timed {
  label: string;
  run: () => Promise<unknown>;
  times: number[];
}

/** Runs until warm, then times `runs` rounds; each round runs every variant once, in turn. */
async function interleave(variants: Timed[]): Promise<void> {
  for (let i = 0; i < warmup; i++) for (const v of variants) await v.run();
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const t = performance.now();
      await v.run();
      v.times.push(performance.now() - t);
    }
  }
}

interface Row {
  pack: string;
  graph: string;
  batch: number;
  nodes: number;
  ms: Record<string, number>;
}

interface LoadedPack {
  dir: string;
  manifest: Manifest;
}

/**
 * One graph at one batch, every pack and runtime in one interleaved loop (before/after an
 * export change share the machine's load alike).
 */
async function benchGraph(packs: LoadedPack[], graph: string, batch: number, wasmThreads: number): Promise<Row[]> {
  const variants: Timed[][] = [];
  const sessions: { release(): Promise<void> }[] = [];
  const rows: Row[] = [];
  for (const { dir, manifest } of packs) {
    const ref = manifest.graphs[graph];
    if (ref === undefined) continue;
    const vocab = manifest.tokenizer.vocab.length;
    const bytes = new Uint8Array(await readFile(join(dir, ref.file)));
    const mine: Timed[] = [];
    const add = async (label: string, useNative: boolean, overrides: boolean) => {
      const opts = {
        graphOptimizationLevel: 'all' as const,
        ...(overrides && { freeDimensionOverrides: { batch } }),
      };
      if (useNative) {
        const s = await native.InferenceSession.create(bytes, {
          ...opts,
          executionProviders: ['cpu'],
          intraOpNumThreads: nativeThreads,
          interOpNumThreads: 1,
        });
        const feeds = makeFeeds(ref.inputs, batch, vocab, (t, d, dims) => new native.Tensor(t, d, dims));
        sessions.push(s);
        mine.push({ label, run: () => s.run(feeds), times: [] });
      } else {
        const s = await web.InferenceSession.create(bytes, { ...sessionOptions('wasm'), ...opts });
        const feeds = makeFeeds(ref.inputs, batch, vocab, (t, d, dims) => new web.Tensor(t, d, dims));
        sessions.push(s);
        mine.push({ label, run: () => s.run(feeds), times: [] });
      }
    };
    // a child timing another WASM thread count has its own native baseline, same loop
    const nativeLabel = wasmOnly ? `native (wasm${wasmThreads} run)` : 'native';
    await add(nativeLabel, true, false);
    await add(`wasm${wasmThreads}`, false, false);
    if (flags.static) {
      await add(`${nativeLabel} static`, true, true);
      await add(`wasm${wasmThreads} static`, false, true);
    }
    variants.push(mine);
    rows.push({ pack: dir, graph, batch, nodes: countNodes(bytes).total, ms: {} });
  }
  await interleave(variants.flat());
  await Promise.all(sessions.map((s) => s.release()));
  rows.forEach((r, i) => (r.ms = Object.fromEntries(variants[i]!.map((v) => [v.label, median(v.times)]))));
  return rows;
}

async function benchAll(dirs: string[], wasmThreads: number): Promise<Row[]> {
  const loaded: LoadedPack[] = [];
  for (const dir of dirs) {
    loaded.push({ dir, manifest: JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8')) as Manifest });
  }
  const rows: Row[] = [];
  for (const [graph, batches] of Object.entries(ENGINE_BATCHES)) {
    if (only && !only.includes(graph)) continue;
    for (const batch of batches) rows.push(...(await benchGraph(loaded, graph, batch, wasmThreads)));
  }
  return rows;
}

async function main(): Promise<void> {
  const loadBefore = loadAvg();
  const rows: Row[] = [];
  rows.push(...(await benchAll(packs, wasmThreadCounts[0]!)));
  if (wasmOnly) {
    process.stdout.write(JSON.stringify(rows));
    return;
  }
  // Further WASM thread counts: ORT reads numThreads once per process.
  for (const n of wasmThreadCounts.slice(1)) {
    const args = ['tsx', 'tools/bench-graphs.ts', '--wasm-only', '--wasm-threads', String(n)];
    args.push('--runs', String(runs), '--warmup', String(warmup), ...packs.flatMap((p) => ['--pack', p]));
    if (only) args.push('--graphs', only.join(','));
    if (flags.static) args.push('--static');
    const extra = JSON.parse(execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 24 })) as Row[];
    extra.forEach((r, i) => Object.assign(rows[i]!.ms, r.ms));
  }
  const loadAfter = loadAvg();
  const labels = [...new Set(rows.flatMap((r) => Object.keys(r.ms)))];
  const ratioOf = (r: Row, label: string) => {
    const [wasm, ...rest] = label.split(' ');
    const own = `native (${wasm} run)`;
    const base = r.ms[[r.ms[own] !== undefined ? own : 'native', ...rest].join(' ')];
    return base && r.ms[label] !== undefined ? (r.ms[label]! / base).toFixed(2) : '';
  };
  const wasmLabels = labels.filter((l) => l.startsWith('wasm'));
  // each WASM thread count beyond the first ran in its own process with its own native baseline
  console.log(
    `| pack | graph | batch | nodes | ${labels.map((l) => `${l} ms`).join(' | ')} | ${wasmLabels.map((l) => `${l} / native`).join(' | ')} |`,
  );
  console.log(`|${' --- |'.repeat(4 + labels.length + wasmLabels.length)}`);
  for (const r of rows) {
    const ms = labels.map((l) => r.ms[l]?.toFixed(2) ?? '');
    const ratios = wasmLabels.map((l) => ratioOf(r, l));
    console.log(`| ${r.pack} | ${r.graph} | ${r.batch} | ${r.nodes} | ${ms.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  console.log(
    `\nmedian of ${runs} interleaved runs after ${warmup} warm-up rounds; native intra-op threads ${nativeThreads}; ` +
      `load average (1, 5, 15 min) before ${loadBefore} / after ${loadAfter}`,
  );
  if (flags.json) await writeFile(flags.json, JSON.stringify({ runs, warmup, loadBefore, loadAfter, rows }, null, 1));
}

function loadAvg(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

await main();
