/**
 * Per-case scores for every config's outputs (and the oracle scenes), and their summary.
 * See metrics.ts for the definitions; this file only wires benchmark truth, outputs and
 * the pack's judge / image encoder together.
 */
import type { Gray, Rgba } from '../../workers/protocol';
import { sceneColors, type Benchmark, type LoadedCase } from './benchmark';
import {
  colorHits,
  cosine,
  count,
  cropToRegion,
  leakage,
  leakageArea,
  likenessColor,
  maskIoU,
  maskIoUCeiling,
  maskMassOn,
  meanCI,
  pairedDiffCI,
  softIoU,
  targetRegion,
  textFidelity,
  type CaptionTruth,
  type MeanCI,
} from './metrics';
import type { EvalModels } from './models';

export const METRICS = [
  'textFidelity',
  'background',
  'otherClass',
  'otherColor',
  'targetClass',
  'likeness',
  'clipI',
  'leakage',
  'maskIoU',
  'maskIoUCeiling',
  'maskSoftIoU',
  'maskOnOther',
  'regionArea',
] as const;
export type MetricKey = (typeof METRICS)[number];
export type CaseScores = Partial<Record<MetricKey, number>>;

export function captionTruth(bench: Benchmark, c: LoadedCase): CaptionTruth {
  const idx = (list: string[], v: string) => {
    const i = list.indexOf(v);
    if (i < 0) throw new Error(`${c.id}: ${v} is not in the judge's labels`);
    return i;
  };
  return {
    background: idx(bench.meta.backgrounds, c.background),
    others: c.others.map((o) => ({ cls: idx(bench.meta.classes, o.class), color: idx(bench.meta.colors, o.color) })),
    targetClass: idx(bench.meta.classes, c.targetClass),
  };
}

export async function embedAll(models: EvalModels, images: readonly Rgba[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const img of images) out.push(await models.embed(img));
  return out;
}

/** Scores of one set of images (one per case) with optional masks. */
export async function scoreImages(
  bench: Benchmark,
  models: EvalModels,
  images: readonly Rgba[],
  masks: readonly (Gray | null)[],
  textImages: readonly Rgba[],
  refEmbeds: readonly Float32Array[],
): Promise<CaseScores[]> {
  const judged = models.hasJudge ? await models.judge(images) : null;
  const out: CaseScores[] = [];
  for (let i = 0; i < images.length; i++) {
    const c = bench.cases[i]!;
    const img = images[i]!;
    const { width: w, height: h } = img;
    const sc = sceneColors(bench.meta, c);
    const region = targetRegion(img, sc);
    const s: CaseScores = {
      likeness: likenessColor(img, region, sc),
      leakage: leakage(img, leakageArea(textImages[i]!, sc), sc),
      clipI: cosine(await models.embed(cropToRegion(img, region)), refEmbeds[i]!),
      regionArea: count(region) / (w * h),
    };
    if (judged !== null) {
      const tf = textFidelity(judged[i]!, captionTruth(bench, c));
      Object.assign(s, {
        textFidelity: tf.score,
        background: tf.background,
        otherClass: tf.otherClass,
        otherColor: tf.otherColor,
        targetClass: tf.targetClass,
      });
    }
    const mask = masks[i] ?? null;
    if (mask !== null) {
      s.maskIoU = maskIoU(mask, region, w, h);
      s.maskIoUCeiling = maskIoUCeiling(mask, region, w, h);
      s.maskSoftIoU = softIoU(mask, region, w, h);
      // where the target word's mask went instead: onto the other (named-colour) objects
      s.maskOnOther = maskMassOn(
        mask,
        colorHits(
          img,
          c.others.map((o) => o.rgb),
          sc.tau,
        ),
        w,
        h,
      );
    }
    out.push(s);
  }
  return out;
}

export type Summary = Partial<Record<MetricKey, MeanCI>>;

export function summarize(scores: readonly CaseScores[]): Summary {
  const out: Summary = {};
  for (const k of METRICS) {
    const xs = scores.map((s) => s[k]).filter((v): v is number => v !== undefined);
    if (xs.length > 0) out[k] = meanCI(xs);
  }
  return out;
}

export function pairedVs(a: readonly CaseScores[], b: readonly CaseScores[], k: MetricKey): MeanCI | null {
  const xs = a.map((s) => s[k]);
  const ys = b.map((s) => s[k]);
  if (xs.some((v) => v === undefined) || ys.some((v) => v === undefined)) return null;
  return pairedDiffCI(xs as number[], ys as number[]);
}

/**
 * The oracle row: the generator's own rendering of each case (target in the reference
 * design), scored like a method; its "mask" is the true target mask, so its mask IoU is
 * the region finder's accuracy against ground truth.
 */
export async function scoreOracle(bench: Benchmark, models: EvalModels, refEmbeds: readonly Float32Array[]) {
  const images = bench.cases.map((c) => c.oracleImage);
  const masks: Gray[] = bench.cases.map((c) => ({
    width: c.oracleImage.width,
    height: c.oracleImage.height,
    data: c.oracleTarget.map((v) => (v > 0.5 ? 1 : 0)),
  }));
  return scoreImages(bench, models, images, masks, images, refEmbeds);
}
