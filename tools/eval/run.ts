/**
 * The evaluation: every config × case through the engine (in-process or one child process
 * per worker), then the scores, the sanity checks and the report. `cli.ts` is the command;
 * `quick.test.ts` runs the quick set in CI.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultParams } from '../cli-params';
import { loadPackFromDisk } from '../load-pack';
import { loadBenchmark, type Benchmark } from './benchmark';
import { resolveConfigs, type ResolvedConfig } from './configs';
import { decodeRaw, type Output, type RawResult } from './jobs';
import { EvalModels } from './models';
import { embedAll, scoreImages, scoreOracle, summarize, type CaseScores, type Summary } from './score';
import { runShard } from './shard';

export interface EvalOptions {
  pack: string;
  bench: string;
  /** Number of cases (the first n); undefined = all. */
  limit?: number;
  steps: number;
  /** 0 or 1: in this process; n > 1: n child processes. */
  workers: number;
  threads: number;
  /** Score the images of an earlier run (its shard-*.jsonl, same pack and cases) instead of generating. */
  raw?: string;
  log?: (line: string) => void;
}

export interface ConfigResult {
  config: ResolvedConfig;
  scores: CaseScores[];
  summary: Summary;
  outputs: Output[];
  msPerJob: number;
}

export interface EvalResult {
  options: EvalOptions;
  packName: string;
  packVersion: string;
  packSha: string;
  bench: Benchmark;
  configs: ConfigResult[];
  oracle: { scores: CaseScores[]; summary: Summary };
  problems: string[];
  /** Judge checks in the text-fidelity score, and those left out (oracle pass rate < 0.5). */
  judgeChecks: { used: string[]; dropped: { check: string; oracleRate: number }[] };
  timing: { generateS: number; scoreS: number; totalS: number; jobs: number; reusedFrom: string | null };
  machine: { cpus: number; model: string; node: string };
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Where a run with worker processes keeps its raw images: one folder per pack.json, case count and steps. */
export function rawDir(packName: string, packVersion: string, packSha: string, cases: number, steps: number): string {
  return resolve('out', 'eval', `raw-${packName}-${packVersion}-${packSha.slice(0, 12)}-${cases}c-${steps}s`);
}

/** `timing.json` beside a run's raw images: its generation time and the pack.json that made them. */
interface RawMeta {
  generateS: number;
  workers: number;
  threads: number;
  /** absent in runs made before it was recorded */
  packSha?: string;
}

async function readRawMeta(dir: string): Promise<RawMeta | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as RawMeta;
  } catch {
    return null;
  }
}

async function readShards(dir: string): Promise<RawResult[]> {
  const files = (await readdir(dir)).filter((f) => /^shard-\d+\.jsonl$/.test(f));
  const out: RawResult[] = [];
  for (const f of files) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) {
      if (line.trim() !== '') out.push(JSON.parse(line) as RawResult);
    }
  }
  return out;
}

async function runWorkers(o: EvalOptions, dir: string): Promise<RawResult[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files = Array.from({ length: o.workers }, (_, i) => join(dir, `shard-${i}.jsonl`));
  await Promise.all(
    files.map(
      (file, i) =>
        new Promise<void>((ok, fail) => {
          const args = ['--import', 'tsx', join(HERE, 'worker.ts'), '--pack', o.pack, '--bench', o.bench];
          if (o.limit !== undefined) args.push('--limit', String(o.limit));
          args.push('--steps', String(o.steps), '--shard', String(i), '--of', String(o.workers));
          args.push('--threads', String(o.threads), '--out', file);
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
          child.on('error', fail);
          child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`eval worker ${i} exited with ${code}`))));
        }),
    ),
  );
  const out: RawResult[] = [];
  for (const f of files) {
    for (const line of (await readFile(f, 'utf8')).split('\n'))
      if (line.trim() !== '') out.push(JSON.parse(line) as RawResult);
  }
  return out;
}

function sameImages(a: readonly Output[], b: readonly Output[]): boolean {
  return a.every((x, i) => {
    const y = b[i]!;
    return x.image.data.length === y.image.data.length && x.image.data.every((v, j) => v === y.image.data[j]);
  });
}

/**
 * The judge is only trusted for a kind of check (background, other objects' class, their
 * colour) where it passes on the oracle renders, which are right by construction: kinds with
 * an oracle pass rate under 0.5 are left out of the text-fidelity score (still reported).
 * Rewrites `textFidelity` in place in every score list (configs share lists through aliases,
 * so each list is rewritten once).
 */
export function gateJudgeChecks(
  bench: Benchmark,
  oracle: CaseScores[],
  lists: CaseScores[][],
): { used: string[]; dropped: { check: string; oracleRate: number }[] } {
  const kinds = ['background', 'otherClass', 'otherColor'] as const;
  const rate = (k: (typeof kinds)[number]) => {
    const xs = oracle.map((s) => s[k]).filter((v): v is number => v !== undefined);
    return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const used = kinds.filter((k) => rate(k) >= 0.5);
  const dropped = kinds.filter((k) => !(rate(k) >= 0.5)).map((k) => ({ check: k, oracleRate: rate(k) }));
  const rewrite = (scores: CaseScores[]) =>
    scores.forEach((s, i) => {
      if (s.background === undefined || used.length === 0) return;
      const k = bench.cases[i]!.others.length;
      const weight = { background: 1, otherClass: k, otherColor: k };
      let num = 0;
      let den = 0;
      for (const kind of used) {
        num += (s[kind] ?? 0) * weight[kind];
        den += weight[kind];
      }
      s.textFidelity = num / den;
    });
  const seen = new Set<CaseScores[]>();
  for (const list of [oracle, ...lists]) {
    if (seen.has(list)) continue;
    seen.add(list);
    rewrite(list);
  }
  return { used: [...used], dropped };
}

export async function runEval(o: EvalOptions): Promise<EvalResult> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const pack = await loadPackFromDisk(o.pack);
  const bench = await loadBenchmark(o.bench, o.limit);
  const n = bench.cases.length;
  const graphs = pack.manifest.graphs;
  const modes = new Set(['realcustom', 'text', ...(graphs.unetGlobal ? ['global', 'masked-global'] : [])]);
  const configs = resolveConfigs(defaultParams(pack.manifest), o.steps).filter((c) => modes.has(c.params.mode));
  const unique = configs.filter((c) => c.aliasOf === null);
  log(`eval: ${pack.manifest.name} ${pack.manifest.version}, ${n} cases × ${unique.length} runs, ${o.steps} steps`);

  // pack.json carries the defaults every config starts from: images made with another one are
  // another experiment, even under the same pack name and version
  const packSha = createHash('sha256')
    .update(await readFile(join(o.pack, 'pack.json')))
    .digest('hex');
  let raw: RawResult[];
  let generateS: number | null = null;
  if (o.raw !== undefined) {
    const meta = await readRawMeta(o.raw);
    if (meta?.packSha !== undefined && meta.packSha !== packSha) {
      throw new Error(
        `${o.raw} holds images made with another pack.json (sha256 ${meta.packSha.slice(0, 12)}), not ` +
          `${o.pack}'s (${packSha.slice(0, 12)}): score them with the pack that made them, or generate anew`,
      );
    }
    if (meta?.packSha === undefined) log(`eval: ${o.raw} does not record its pack.json; not checked against ${o.pack}`);
    raw = await readShards(o.raw);
    generateS = meta?.generateS ?? NaN;
    log(`eval: scoring ${raw.length} images from ${o.raw}`);
  } else if (o.workers > 1) {
    const dir = rawDir(pack.manifest.name, pack.manifest.version, packSha, n, o.steps);
    raw = await runWorkers(o, dir);
    generateS = (performance.now() - t0) / 1000;
    const meta: RawMeta = { generateS, workers: o.workers, threads: o.threads, packSha };
    await writeFile(join(dir, 'timing.json'), `${JSON.stringify(meta)}\n`);
  } else {
    raw = [];
    let k = 0;
    await runShard({
      ...o,
      shard: 0,
      of: 1,
      onResult: (r) => {
        raw.push(r);
        if (++k % 50 === 0) log(`eval: ${k}/${n * unique.length} jobs`);
      },
    });
  }
  const tGen = performance.now();
  generateS ??= (tGen - t0) / 1000;
  const problems: string[] = [];
  const byKey = new Map<string, Output[]>();
  for (const r of raw) {
    if (r.error !== null) {
      problems.push(`${r.config} case ${r.caseIndex}: ${r.error}`);
      continue;
    }
    const list = byKey.get(r.config) ?? new Array<Output>(n);
    list[r.caseIndex] = decodeRaw(r);
    byKey.set(r.config, list);
  }
  for (const c of unique) {
    const list = byKey.get(c.key);
    if (list === undefined || list.length !== n || list.some((x) => x === undefined)) {
      throw new Error(`eval: missing outputs for ${c.key}${problems.length ? `\n${problems.join('\n')}` : ''}`);
    }
  }

  const models = await EvalModels.load(o.pack, pack.manifest, o.threads || 1);
  if (!models.hasJudge) problems.push('the pack has no judge graph: text fidelity is not measured');
  const refEmbeds = await embedAll(
    models,
    bench.cases.map((c) => c.referenceImage),
  );
  const textOutputs = byKey.get('text')!;
  const textImages = textOutputs.map((x) => x.image);
  const results: ConfigResult[] = [];
  for (const c of configs) {
    const outputs = byKey.get(c.aliasOf ?? c.key)!;
    const shared = c.aliasOf === null ? null : results.find((r) => r.config.key === c.aliasOf);
    const scores =
      shared?.scores ??
      (await scoreImages(
        bench,
        models,
        outputs.map((x) => x.image),
        outputs.map((x) => x.mask),
        textImages,
        refEmbeds,
      ));
    const msPerJob = outputs.reduce((a, x) => a + x.totalMs, 0) / n;
    results.push({ config: c, scores, summary: summarize(scores), outputs, msPerJob });
    log(`eval: scored ${c.key}`);
  }
  const oracleScores = await scoreOracle(bench, models, refEmbeds);
  const judgeChecks = gateJudgeChecks(
    bench,
    oracleScores,
    results.map((r) => r.scores),
  );
  for (const r of results) r.summary = summarize(r.scores);
  await models.release();

  // Sanity: no NaN anywhere, and no two distinct configs with identical outputs.
  for (const r of results) {
    for (const [k, v] of Object.entries(r.summary)) {
      if (!Number.isFinite(v.mean)) problems.push(`${r.config.key}: ${k} is ${v.mean}`);
    }
  }
  const distinct = results.filter((r) => r.config.aliasOf === null);
  const groups: string[][] = [];
  const grouped = new Set<number>();
  for (let i = 0; i < distinct.length; i++) {
    if (grouped.has(i)) continue;
    const group = [distinct[i]!.config.key];
    for (let j = i + 1; j < distinct.length; j++) {
      if (!grouped.has(j) && sameImages(distinct[i]!.outputs, distinct[j]!.outputs)) {
        group.push(distinct[j]!.config.key);
        grouped.add(j);
      }
    }
    if (group.length > 1) groups.push(group);
  }
  for (const g of groups) problems.push(`identical images on every case: ${g.join(', ')}`);
  const tEnd = performance.now();
  const cpu = cpus();
  return {
    options: o,
    packName: pack.manifest.name,
    packVersion: pack.manifest.version,
    packSha,
    bench,
    configs: results,
    oracle: { scores: oracleScores, summary: summarize(oracleScores) },
    judgeChecks,
    problems,
    timing: {
      generateS,
      scoreS: (tEnd - tGen) / 1000,
      totalS: o.raw === undefined ? (tEnd - t0) / 1000 : generateS + (tEnd - tGen) / 1000,
      jobs: n * unique.length,
      reusedFrom: o.raw ?? null,
    },
    machine: { cpus: cpu.length, model: cpu[0]?.model ?? 'unknown', node: process.version },
  };
}
