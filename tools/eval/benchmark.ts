/**
 * The committed benchmark written by models/make_benchmark.py: `cases.jsonl` (line 1 the
 * meta record, then one case per line) and the reference / oracle PNGs beside it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rgba } from '../../workers/protocol';
import { readPng } from '../png';
import type { Rgb, SceneColors } from './metrics';

export interface BenchMeta {
  kind: 'meta';
  seed: number;
  cases: number;
  quick: number;
  imageSize: number;
  tau: number;
  separation: number;
  classes: string[];
  colors: string[];
  backgrounds: string[];
  backgroundPalettes: Record<string, Rgb[]>;
  heldoutHue: [number, number];
}

export interface BenchCase {
  kind: 'case';
  id: string;
  index: number;
  prompt: string;
  targetWord: string;
  targetClass: string;
  targetFirst: boolean;
  seed: number;
  reference: string;
  oracle: string;
  oracleMask: string;
  design: { kind: string; hue: number; colors: Rgb[] };
  background: string;
  others: { class: string; color: string; rgb: Rgb }[];
}

export interface LoadedCase extends BenchCase {
  referenceImage: Rgba;
  oracleImage: Rgba;
  /** Visible target mask of the oracle scene, 0…1 per pixel. */
  oracleTarget: Float32Array;
}

export interface Benchmark {
  dir: string;
  meta: BenchMeta;
  cases: LoadedCase[];
}

export function parseCases(text: string): { meta: BenchMeta; cases: BenchCase[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const records = lines.map((l) => JSON.parse(l) as BenchMeta | BenchCase);
  const meta = records[0];
  if (meta?.kind !== 'meta') throw new Error('cases.jsonl: the first line must be the meta record');
  const cases = records.slice(1).filter((r): r is BenchCase => r.kind === 'case');
  if (cases.length !== meta.cases) throw new Error(`cases.jsonl: ${cases.length} cases, meta says ${meta.cases}`);
  return { meta, cases };
}

export async function loadBenchmark(dir: string, limit?: number): Promise<Benchmark> {
  const { meta, cases } = parseCases(await readFile(join(dir, 'cases.jsonl'), 'utf8'));
  const chosen = limit === undefined ? cases : cases.slice(0, limit);
  const loaded = await Promise.all(
    chosen.map(async (c): Promise<LoadedCase> => {
      const mask = await readPng(join(dir, c.oracleMask));
      const oracleTarget = Float32Array.from({ length: mask.width * mask.height }, (_, p) => mask.data[p * 4]! / 255);
      return {
        ...c,
        referenceImage: await readPng(join(dir, c.reference)),
        oracleImage: await readPng(join(dir, c.oracle)),
        oracleTarget,
      };
    }),
  );
  return { dir, meta, cases: loaded };
}

export function sceneColors(meta: BenchMeta, c: BenchCase): SceneColors {
  const palette = meta.backgroundPalettes[c.background];
  if (palette === undefined) throw new Error(`${c.id}: no palette for background ${c.background}`);
  return {
    explainedColors: [...palette, ...c.others.map((o) => o.rgb)],
    designColors: c.design.colors,
    tau: meta.tau,
  };
}
