/**
 * One evaluation worker, a child process of run.ts: runs shard --shard of --of and appends
 * one JSON line (jobs.ts RawResult) per job to --out.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runShard } from './shard';

const { values: flags } = parseArgs({
  options: {
    pack: { type: 'string' },
    bench: { type: 'string' },
    limit: { type: 'string' },
    steps: { type: 'string' },
    shard: { type: 'string', default: '0' },
    of: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const { pack, bench, steps, out } = flags;
if (pack === undefined || bench === undefined || out === undefined || steps === undefined) {
  throw new Error('worker: --pack, --bench, --steps and --out are required');
}
await writeFile(out, '');
let done = 0;
const started = performance.now();
await runShard({
  pack,
  bench,
  limit: flags.limit === undefined ? undefined : Number(flags.limit),
  steps: Number(steps),
  shard: Number(flags.shard),
  of: Number(flags.of),
  threads: Number(flags.threads),
  onResult: async (r) => {
    await appendFile(out, `${JSON.stringify(r)}\n`);
    if (++done % 100 === 0) {
      console.error(
        `eval worker ${flags.shard}: ${done} jobs, ${((performance.now() - started) / done).toFixed(0)} ms/job`,
      );
    }
  },
});
