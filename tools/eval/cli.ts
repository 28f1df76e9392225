/**
 * The evaluation command:
 *   npm run eval                      # standard: all benchmark cases → docs/results.md
 *   npm run eval -- --quick           # quick: the first 20 cases → out/eval-quick/results.md
 * Options: --pack DIR (public/models/toyworld), --bench DIR (models/benchmark), --steps N (20),
 * --cases N, --workers N (nproc), --threads N (1 per worker), --out DIR, --raw DIR (score the images
 * of an earlier run, out/eval/raw-…, instead of generating them).
 * Exits 1 when any metric is NaN or two methods produce identical images.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeReport } from './report';
import { runEval } from './run';
import { parseCli } from '../cli-args';

const { values: flags } = parseCli(import.meta.url, {
  quick: { type: 'boolean', default: false },
  pack: { type: 'string', default: 'public/models/toyworld' },
  bench: { type: 'string', default: 'models/benchmark' },
  steps: { type: 'string', default: '20' },
  cases: { type: 'string' },
  workers: { type: 'string' },
  threads: { type: 'string', default: '1' },
  out: { type: 'string' },
  raw: { type: 'string' },
});
const quick = flags.quick === true;
const limit = flags.cases !== undefined ? Number(flags.cases) : quick ? 20 : undefined;
const outDir = flags.out ?? (quick ? 'out/eval-quick' : 'docs');
const workers = Number(flags.workers ?? Math.min(availableParallelism(), quick ? 1 : 8));
const argv = process.argv.slice(2).join(' ');
const command = `npm run eval${argv ? ` -- ${argv}` : ''}`;

const res = await runEval({
  pack: flags.pack,
  bench: flags.bench,
  limit,
  steps: Number(flags.steps),
  workers,
  threads: Number(flags.threads),
  raw: flags.raw,
  log: (l) => console.error(l),
});
const md = await writeReport(res, { outDir, command });
const mdPath = join(outDir, 'results.md');
await writeFile(mdPath, md);
console.log(`wrote ${mdPath} (${res.timing.totalS.toFixed(0)} s, ${res.timing.jobs} images)`);
if (res.problems.length > 0) {
  console.error(`eval: ${res.problems.length} problem(s):\n${res.problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
