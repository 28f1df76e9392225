/**
 * Runs a share of the evaluation's (config, case) jobs through the engine on
 * onnxruntime-node: shard i of n takes jobs j with j % n === i. Used in-process (quick
 * runs, tests) and by worker.ts (one child process per core).
 */
import { Engine } from '../../workers/engine';
import type { EngineEvent, Job } from '../../workers/protocol';
import { defaultParams } from '../cli-params';
import { loadPackFromDisk } from '../load-pack';
import { NodeBackend } from '../node-backend';
import { loadBenchmark } from './benchmark';
import { resolveConfigs } from './configs';
import { jobList, type RawResult } from './jobs';

export interface ShardOptions {
  pack: string;
  bench: string;
  limit?: number;
  steps: number;
  shard: number;
  of: number;
  threads: number;
  onResult: (r: RawResult) => void | Promise<void>;
}

function base64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

export async function runShard(o: ShardOptions): Promise<void> {
  const pack = await loadPackFromDisk(o.pack);
  const bench = await loadBenchmark(o.bench, o.limit);
  const engine = await Engine.create(new NodeBackend({ threads: o.threads }), pack.manifest, pack.graphs);
  try {
    const configs = resolveConfigs(defaultParams(pack.manifest), o.steps).filter(
      (c) => c.aliasOf === null && engine.modes.includes(c.params.mode),
    );
    const jobs = jobList(configs, bench.cases.length).filter((_, j) => j % o.of === o.shard);
    for (const { config, caseIndex } of jobs) {
      const c = bench.cases[caseIndex]!;
      const cfg = configs.find((x) => x.key === config)!;
      const job: Job = {
        id: `${config}/${c.id}`,
        prompt: c.prompt,
        targetWord: c.targetWord,
        reference: cfg.params.mode === 'text' ? null : c.referenceImage,
        params: { ...cfg.params, seed: c.seed },
      };
      let done: Extract<EngineEvent, { type: 'done' }> | null = null;
      let failure = 'the job ended without an image';
      await engine.run(
        job,
        (e) => {
          if (e.type === 'done') done = e;
          else if (e.type === 'error') failure = `${e.error.kind}: ${e.error.message}`;
        },
        new AbortController().signal,
      );
      const result = done as Extract<EngineEvent, { type: 'done' }> | null;
      const mask = result?.history.at(-1)?.mask ?? null;
      await o.onResult({
        config,
        caseIndex,
        error: result === null ? failure : null,
        image: result === null ? null : base64(result.image.data),
        width: result?.image.width ?? 0,
        height: result?.image.height ?? 0,
        mask: mask === null ? null : base64(mask.data),
        maskWidth: mask?.width ?? 0,
        maskHeight: mask?.height ?? 0,
        totalMs: result?.totalMs ?? 0,
      });
    }
  } finally {
    await engine.release();
  }
}
