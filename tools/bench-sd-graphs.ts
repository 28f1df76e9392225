/**
 * A version-2 (SD-1.5-class) pack's graphs on onnxruntime-node's CPU EP: session creation time,
 * median ms per run at the batches the engine uses, and the process's peak memory:
 *
 *   npx tsx tools/bench-sd-graphs.ts --pack /tmp/sd-full-pack [--graphs unet] [--batches 1,2,3]
 *       [--runs 2] [--threads 2] [--json out.json]
 *
 * Inputs are deterministic and plausible (tools/bench-feeds.ts: token ids inside the vocabulary, smooth floats);
 * the graphs read their external data (`*.onnx.data`) from the pack folder. For the
 * full-size packs `models.make_random_sd --config full` + `models.convert` make (docs/performance.md).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { makeFeeds, median, type IoSpec } from './bench-feeds';
import { parseCli } from './cli-args';

const { values: flags } = parseCli(import.meta.url, {
  pack: { type: 'string', default: 'public/models/test-sd-tiny' },
  graphs: { type: 'string', default: 'textEncoder,imageEncoder,unet,decoder' },
  batches: { type: 'string', default: '1,2,3' },
  runs: { type: 'string', default: '2' },
  threads: { type: 'string', default: '2' },
  json: { type: 'string' },
});

const manifest = JSON.parse(readFileSync(join(flags.pack, 'pack.json'), 'utf8')) as {
  formatVersion: number;
  graphs: Record<string, { file: string; inputs: IoSpec[] }>;
  tokenizer: { bos: number };
};
if (manifest.formatVersion !== 2) throw new Error(`${flags.pack} is not a version-2 pack`);

/** Peak resident memory of this process (Linux VmHWM), MB. */
function peakMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
}

/** The graph file and its external data, MB. */
function graphMb(file: string): number {
  const path = join(flags.pack, file);
  return (statSync(path).size + (existsSync(`${path}.data`) ? statSync(`${path}.data`).size : 0)) / 1e6;
}

const rows: Record<string, unknown>[] = [];
console.log(`pack ${flags.pack}, ${flags.threads} threads, load average ${loadavg()[0]!.toFixed(1)}`);
for (const name of flags.graphs.split(',')) {
  const spec = manifest.graphs[name];
  if (spec === undefined) throw new Error(`no graph ${name}`);
  const start = performance.now();
  const session = await ort.InferenceSession.create(join(flags.pack, spec.file), {
    intraOpNumThreads: Number(flags.threads),
    interOpNumThreads: 1,
  });
  const createMs = performance.now() - start;
  const dynamic = spec.inputs.some((i) => i.shape.includes('batch'));
  for (const batch of dynamic ? flags.batches.split(',').map(Number) : [1]) {
    const f = makeFeeds(spec.inputs, batch, manifest.tokenizer.bos, (t, d, dims) => new ort.Tensor(t, d, dims));
    const times: number[] = [];
    for (let i = 0; i <= Number(flags.runs); i++) {
      const t = performance.now();
      const out = await session.run(f);
      if (i > 0) times.push(performance.now() - t); // the first run warms up
      for (const o of Object.values(out)) o.dispose();
    }
    const row = { graph: name, mb: graphMb(spec.file), batch, createMs, ms: median(times), peakMb: peakMb() };
    rows.push(row);
    console.log(
      `${name} (${row.mb.toFixed(0)} MB) batch ${batch}: create ${(createMs / 1000).toFixed(1)} s, ` +
        `${(row.ms / 1000).toFixed(2)} s per run (median of ${times.length}), peak RSS ${row.peakMb.toFixed(0)} MB`,
    );
  }
  await session.release();
}
if (flags.json) writeFileSync(flags.json, JSON.stringify({ loadavg: loadavg(), rows }, null, 1));
