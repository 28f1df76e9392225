/**
 * Node benchmark of the engine on onnxruntime-node (the native CPU reference):
 *   npm run bench -- [--pack public/models/toyworld] [--steps 10] [--threads 0] [--json out.json]
 * Prints ms per UNet evaluation (batch 1/2/3, the graph alone), then per mode (medians over
 * `--runs` measured jobs after a warm-up): ms per step,
 * the realcustom/text ratio, engine overhead (Σ step wall / Σ session.run), bytes read back
 * per step, time to first preview, and the process's peak RSS.
 */
import { writeFile } from 'node:fs/promises';
import { Engine } from '../workers/engine';
import type { TensorHandle } from '../workers/engine';
import type { GraphSpec } from '../workers/packs/manifest';
import type { EngineEvent, Job, Params } from '../workers/protocol';
import { benchFlags, intFlag, type BenchJson, type BenchRow } from './bench-options';
import { defaultParams } from './cli-params';
import { loadPackFromDisk } from './load-pack';
import { NodeBackend } from './node-backend';
import { readPng } from './png';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: 'public/models/toyworld' },
  ...benchFlags({ steps: '10', threads: '0', runs: '3' }),
  repeats: { type: 'string', default: '10' },
  json: { type: 'string' },
});
const steps = intFlag('steps', flags.steps, 1);
const threads = intFlag('threads', flags.threads);
const repeats = intFlag('repeats', flags.repeats, 1);
const runs = intFlag('runs', flags.runs, 1);

let peakRss = 0;
const sampleMemory = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const pack = await loadPackFromDisk(flags.pack);
const { manifest } = pack;

/** The UNet alone at batch b, with plausible inputs: the floor every mode builds on. */
async function unetEvalMs(spec: GraphSpec, bytes: Uint8Array, batch: number): Promise<number> {
  const backend = new NodeBackend({ threads });
  const session = await backend.createSession('unet', bytes);
  const feeds: Record<string, TensorHandle> = {};
  for (const input of spec.inputs) {
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] =
      input.dtype === 'int64'
        ? backend.int64(new BigInt64Array(n), dims)
        : backend.float32(
            Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5 + 0.5),
            dims,
          );
  }
  const times: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const t = performance.now();
    const out = await session.run(feeds);
    if (i >= 2) times.push(performance.now() - t);
    for (const o of Object.values(out)) backend.dispose(o);
    sampleMemory();
  }
  await session.release();
  return median(times);
}

const unetMs: Record<string, number> = {};
for (const b of [1, 2, 3]) unetMs[`batch${b}`] = await unetEvalMs(manifest.graphs.unet, pack.graphs.unet!, b);

const engine = await Engine.create(new NodeBackend({ threads }), manifest, pack.graphs);
const example = manifest.examples?.references[0];
const reference = example === undefined ? null : await readPng(`${flags.pack}/${example.file}`);
const prompt = example?.prompt ?? manifest.examples?.prompts[0] ?? 'a star on grass';
const word = example?.word ?? 'star';

async function measure(label: string, over: Partial<Params>): Promise<BenchRow | null> {
  const params: Params = { ...defaultParams(manifest), steps, previewEvery: 1, ...over };
  if (!engine.modes.includes(params.mode)) return null;
  const job: Job = {
    id: label,
    prompt,
    targetWord: word,
    reference: params.mode === 'text' ? null : reference,
    params,
  };
  const run = async () => {
    const events: EngineEvent[] = [];
    await engine.run(job, (e) => (events.push(e), sampleMemory()), new AbortController().signal);
    const failed = events.find((e) => e.type === 'error');
    if (failed?.type === 'error') throw new Error(`${label}: ${failed.error.message}`);
    return events;
  };
  await run(); // warm-up: first runs allocate and pick kernels
  // The machine may be shared: several measured runs, medians per step.
  const unetRuns = () => (engine.runStats().unet?.runs ?? 0) + (engine.runStats().unetGlobal?.runs ?? 0);
  const before = unetRuns();
  const stepEvents: Extract<EngineEvent, { type: 'step' }>[] = [];
  const previews: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const e of await run()) {
      if (e.type === 'step') stepEvents.push(e);
      if (e.type === 'done') previews.push(e.timeToFirstPreviewMs);
    }
  }
  const sum = (f: (s: (typeof stepEvents)[number]) => number) => stepEvents.reduce((a, s) => a + f(s), 0);
  return {
    label,
    msPerStep: sum((s) => s.timings.stepMs) / stepEvents.length,
    medianStepMs: median(stepEvents.map((s) => s.timings.stepMs)),
    overhead: sum((s) => s.timings.stepMs) / sum((s) => s.timings.runMs),
    bytesPerStep: sum((s) => s.bytesReadBack) / stepEvents.length,
    timeToFirstPreviewMs: median(previews),
    unetRunsPerStep: (unetRuns() - before) / stepEvents.length,
  };
}

const reuse = Math.max(1, Math.min(manifest.defaults.maskReuseStep || Math.ceil(steps / 4), steps - 1));
const rows = (
  [
    await measure('text', { mode: 'text' }),
    await measure('realcustom (no reuse)', { mode: 'realcustom', maskReuseStep: 0 }),
    await measure(`realcustom (reuse after ${reuse})`, { mode: 'realcustom', maskReuseStep: reuse }),
    await measure('global', { mode: 'global' }),
    await measure('masked-global (no reuse)', { mode: 'masked-global', maskReuseStep: 0 }),
    await measure('text, previews every 5', { mode: 'text', previewEvery: 5 }),
  ] as (BenchRow | null)[]
).filter((r): r is BenchRow => r !== null);
const leaked = engine.liveTensors;
await engine.release();

const text = rows.find((r) => r.label === 'text')!;
console.log(
  `pack ${manifest.name} ${manifest.version}; onnxruntime-node CPU EP, threads ${threads || 'auto'}; ${steps} steps`,
);
console.log(
  `UNet alone (median of ${repeats}): ${Object.entries(unetMs)
    .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
    .join(', ')}`,
);
console.table(
  rows.map((r) => ({
    mode: r.label,
    'ms/step': +r.msPerStep.toFixed(2),
    'median ms/step': +r.medianStepMs.toFixed(2),
    '× text (median)': +(r.medianStepMs / text.medianStepMs).toFixed(2),
    'UNet runs/step': +r.unetRunsPerStep.toFixed(2),
    'overhead (wall/Σrun)': +r.overhead.toFixed(3),
    'bytes/step': Math.round(r.bytesPerStep),
    'first preview ms': +r.timeToFirstPreviewMs.toFixed(1),
  })),
);
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; live tensors after all jobs: ${leaked}`);
if (flags.json !== undefined) {
  await writeFile(
    flags.json,
    `${JSON.stringify({ manifest: manifest.name, steps, threads, unetMs, rows, peakRss } satisfies BenchJson, null, 2)}\n`,
  );
}
