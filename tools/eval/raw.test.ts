/**
 * `npm run eval -- --raw DIR` scores the images of an earlier run: only against the pack.json
 * that made them (same name and version with other defaults is another experiment).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawDir, runEval } from './run';

const PACK = 'public/models/test-tiny';
const opts = { bench: 'models/benchmark', limit: 2, steps: 2, workers: 2, threads: 1 };

describe('eval --raw', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const d of cleanup) await rm(d, { recursive: true, force: true });
  });

  it('refuses images made with another pack.json, scores those of its own', async () => {
    const made = await runEval({ pack: PACK, ...opts });
    const dir = rawDir(made.packName, made.packVersion, made.packSha, opts.limit, opts.steps);
    expect(dir).toContain(made.packSha.slice(0, 12));
    cleanup.push(dir);
    const meta = JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as { packSha: string };
    expect(meta.packSha).toBe(made.packSha);

    // the same pack with another default: its images would be another experiment's
    const other = await mkdtemp(join(tmpdir(), 'eval-raw-'));
    cleanup.push(other);
    await cp(PACK, other, { recursive: true });
    const manifest = JSON.parse(await readFile(join(other, 'pack.json'), 'utf8')) as {
      defaults: { guidanceImage: number };
    };
    manifest.defaults.guidanceImage += 1;
    await writeFile(join(other, 'pack.json'), JSON.stringify(manifest));
    await expect(runEval({ pack: other, ...opts, raw: dir })).rejects.toThrow(/another pack\.json/);

    const again = await runEval({ pack: PACK, ...opts, raw: dir });
    expect(again.timing.reusedFrom).toBe(dir);
    expect(again.configs.map((c) => c.summary.likeness?.mean)).toEqual(
      made.configs.map((c) => c.summary.likeness?.mean),
    );
  }, 300_000);
});
