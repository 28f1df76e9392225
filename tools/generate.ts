/**
 * Headless generation with the same engine the worker runs:
 *   npm run generate -- --pack public/models/toyworld --ref ref.png --prompt "a star on grass" \
 *     --word star [--mode realcustom] [--steps 20] [--seed 1] … --out out.png
 * Writes out.png, out.masks.png (columns = steps; rows = combined mask, then each layer)
 * and out.json (parameters, per-step timings and bytes, totals).
 */
import { writeFile } from 'node:fs/promises';
import { Engine } from '../workers/engine';
import type { EngineEvent, Job } from '../workers/protocol';
import { paramsFromFlags, PARAM_FLAGS } from './cli-params';
import { loadPackFromDisk } from './load-pack';
import { NodeBackend } from './node-backend';
import { readPng, writeGrayGrid, writePng } from './png';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: 'public/models/toyworld' },
  ref: { type: 'string' },
  prompt: { type: 'string' },
  word: { type: 'string', default: '' },
  out: { type: 'string', default: 'out.png' },
  threads: { type: 'string', default: '0' },
  ...PARAM_FLAGS,
});

function fail(message: string): never {
  console.error(`generate: ${message}`);
  process.exit(1);
}

if (flags.prompt === undefined) fail('--prompt is required');
const out = flags.out;
const stem = out.replace(/\.png$/i, '');

const loadStart = performance.now();
const pack = await loadPackFromDisk(flags.pack);
const engine = await Engine.create(new NodeBackend({ threads: Number(flags.threads) }), pack.manifest, pack.graphs);
const loadMs = performance.now() - loadStart;

const params = paramsFromFlags(pack.manifest, flags);
const job: Job = {
  id: 'cli',
  prompt: flags.prompt,
  targetWord: flags.word,
  reference: flags.ref === undefined ? null : await readPng(flags.ref),
  params,
};

for (const problem of engine.analyzePrompt(job.prompt, job.targetWord).problems) console.warn(`note: ${problem}`);

const steps: Extract<EngineEvent, { type: 'step' }>[] = [];
let done: Extract<EngineEvent, { type: 'done' }> | null = null;
const wall = performance.now();
await engine.run(
  job,
  (e) => {
    if (e.type === 'step') {
      steps.push(e);
      process.stderr.write(`step ${e.step}/${e.totalSteps} t=${e.timestep} ${e.timings.stepMs.toFixed(1)} ms\n`);
    } else if (e.type === 'done') done = e;
    else if (e.type === 'error')
      fail(`${e.error.kind}: ${e.error.message}${e.error.detail ? `\n${e.error.detail}` : ''}`);
  },
  new AbortController().signal,
);
const wallMs = performance.now() - wall;
if (done === null) fail('the job ended without an image');
const result: Extract<EngineEvent, { type: 'done' }> = done;

await writePng(out, result.image);
const masked = result.history.some((h) => h.mask !== null);
if (masked) {
  const rows = [
    result.history.map((h) => h.mask),
    ...result.history[0]!.layerMasks.map((_, l) => result.history.map((h) => h.layerMasks[l] ?? null)),
  ];
  await writeGrayGrid(`${stem}.masks.png`, rows, 4);
}

const stats = engine.runStats();
const unetKey = params.mode === 'global' || params.mode === 'masked-global' ? 'unetGlobal' : 'unet';
const unet = stats[unetKey] ?? { runs: 0, ms: 0 };
const sumRunMs = steps.reduce((a, s) => a + s.timings.runMs, 0);
const sumStepMs = steps.reduce((a, s) => a + s.timings.stepMs, 0);
const report = {
  pack: { name: pack.manifest.name, version: pack.manifest.version, bytes: pack.totalBytes },
  backend: 'onnxruntime-node (CPU EP)',
  prompt: job.prompt,
  word: job.targetWord,
  reference: flags.ref ?? null,
  params: result.params,
  timings: {
    loadMs,
    totalMs: result.totalMs,
    wallMs,
    timeToFirstPreviewMs: result.timeToFirstPreviewMs,
    msPerStep: sumStepMs / steps.length,
    unetEvals: unet.runs,
    msPerUnetRun: unet.runs > 0 ? unet.ms / unet.runs : null,
    overhead: sumStepMs / sumRunMs,
  },
  runStats: stats,
  steps: steps.map((s) => ({
    step: s.step,
    timestep: s.timestep,
    maskFrozen: s.maskFrozen,
    runMs: s.timings.runMs,
    stepMs: s.timings.stepMs,
    bytesReadBack: s.bytesReadBack,
  })),
};
await writeFile(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `wrote ${out}${masked ? `, ${stem}.masks.png` : ''}, ${stem}.json — ${steps.length} steps, ` +
    `${report.timings.msPerStep.toFixed(1)} ms/step, ${report.timings.msPerUnetRun?.toFixed(1) ?? '–'} ms/UNet run`,
);
await engine.release();
