/**
 * The evaluation's quick mode in CI: the first 20 benchmark cases through every config of
 * `npm run eval`, in-process, on the committed random-weight pack (test-tiny, 4 steps) and,
 * when present, on the trained toyworld pack (8 steps). Fails if any metric is NaN or two
 * distinct configs produce identical images (e.g. an image branch that does nothing).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from './report';
import { runEval } from './run';

const BENCH = 'models/benchmark';
const PACKS = [
  { dir: 'public/models/test-tiny', steps: 4 },
  { dir: 'public/models/toyworld', steps: 8 },
];

describe('npm run eval -- --quick', () => {
  for (const { dir, steps } of PACKS) {
    it.skipIf(!existsSync(`${dir}/pack.json`))(
      `${dir}: no NaN metric, no two configs with identical outputs, report written`,
      async () => {
        const res = await runEval({ pack: dir, bench: BENCH, limit: 20, steps, workers: 0, threads: 1 });
        expect(res.problems).toEqual([]);
        expect(res.bench.cases).toHaveLength(20);
        const distinct = res.configs.filter((c) => c.config.aliasOf === null);
        expect(distinct.length).toBeGreaterThanOrEqual(13);
        for (const c of res.configs) {
          for (const [k, v] of Object.entries(c.summary)) {
            expect(Number.isFinite(v.mean), `${c.config.key} ${k}`).toBe(true);
          }
        }
        // the region finder recovers the oracle's true target mask
        expect(res.oracle.summary.maskIoU!.mean).toBeGreaterThan(0.8);
        const out = await mkdtemp(join(tmpdir(), 'eval-quick-'));
        try {
          const md = await writeReport(res, { outDir: out, command: 'test' });
          expect(md).toContain('## Methods');
          expect(md).not.toMatch(/\bNaN\b/);
          expect((await readFile(join(out, 'results', 'plot.svg'), 'utf8')).startsWith('<svg')).toBe(true);
          expect(await readFile(join(out, 'results', 'grid.png')).then((b) => b.subarray(1, 4).toString())).toBe('PNG');
        } finally {
          await rm(out, { recursive: true, force: true });
        }
      },
      600_000,
    );
  }
});
