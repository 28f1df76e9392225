/**
 * The engine on the committed random-weight pack (public/models/test-tiny), in every mode,
 * against an independent reference written from the method doc: every guidance row run on its own
 * (batch 1) through the pack's UNet, the mask by the CPU mask math, dual CFG and DDIM on
 * the CPU. Agreement checks what the unit tests cannot: the batching (2, 1, then 3 rows
 * once the mask freezes), which rows get which embeddings, scales and masks, the mask
 * row selection and the freeze step.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../workers/engine';
import type { TensorHandle } from '../workers/engine';
import { dualWeights, singleWeights } from '../workers/engine/guidance';
import { referencePixels } from '../workers/engine/image';
import { keepCount } from '../workers/engine/mask-math';
import { gaussian } from '../workers/engine/rng';
import { ddimPlan } from '../workers/engine/scheduler';
import { combineRows, ddimUpdate, meanOverLayers, scopeMask } from '../workers/testing/reference-math';
import { WordTokenizer } from '../workers/engine/tokenizer';
import type { EngineEvent, Job, Params } from '../workers/protocol';
import { defaultParams } from './cli-params';
import { loadPackFromDisk, type DiskPack } from './load-pack';
import { NodeBackend } from './node-backend';
import { readPng } from './png';

const DIR = 'public/models/test-tiny';
const PROMPT = 'a star and a blue ball on grass';
type ParityMode = 'realcustom' | 'masked-global' | 'global' | 'text';

let pack: DiskPack;
let base: Job;

beforeAll(async () => {
  if (!existsSync(`${DIR}/pack.json`)) return;
  pack = await loadPackFromDisk(DIR);
  const params: Params = { ...defaultParams(pack.manifest), steps: 3, maskReuseStep: 2, seed: 5, previewEvery: 100 };
  base = {
    id: 'parity',
    prompt: PROMPT,
    targetWord: 'star',
    reference: await readPng(`${DIR}/examples/ref-star-0.png`),
    params,
  };
});

/** The method, one row at a time, straight from realcustom-method.md and the pack contract. */
async function reference(mode: ParityMode): Promise<{ image: Float32Array; masks: (Float32Array | null)[] }> {
  const m = pack.manifest;
  const p = { ...base.params, mode };
  const b = new NodeBackend({ threads: 1 });
  const graphKey = mode === 'global' || mode === 'masked-global' ? 'unetGlobal' : 'unet';
  const session = async (key: 'textEncoder' | 'imageEncoder' | 'unet' | 'unetGlobal' | 'decoder') =>
    b.createSession(key, pack.graphs[key]!);
  const [text, image, unet, decoder] = [
    await session('textEncoder'),
    await session('imageEncoder'),
    await session(graphKey),
    await session('decoder'),
  ];
  const tok = new WordTokenizer(m.tokenizer);
  const L = m.tokenizer.maxLength;
  const encode = async (prompt: string) =>
    (await text.run({ input_ids: b.int64(BigInt64Array.from(tok.encode(prompt).ids, BigInt), [1, L]) })).text_embeds!;
  const [uncond, cond] = [await encode(''), await encode(PROMPT)];
  const S = m.reference.size;
  const features = await image.run({ pixels: b.float32(referencePixels(base.reference!, S), [1, 3, S, S]) });
  const zeros = (dims: number[]) => b.float32(new Float32Array(dims.reduce((x, y) => x * y)), dims);
  const tokens = mode === 'text' ? zeros([1, m.adapter.imageTokens, m.adapter.imageTokenDim]) : features.patch_tokens!;
  const embed = features.image_embed!;
  const positions = tok.analyze(PROMPT, 'star').targetPositions;
  const target = Float32Array.from({ length: L }, (_, i) => (positions.includes(i) ? 1 : 0));
  const [hm, wm] = m.maskResolution;
  const ones = new Float32Array(hm * wm).fill(1);
  const [c, h, w] = m.latent.shape;
  const f = (v: number) => b.float32(Float32Array.of(v), [1]);
  const imageScale = mode === 'realcustom' ? 1 : p.globalScale;

  const run = async (
    x: Float32Array,
    t: number,
    ab: number,
    embeds: TensorHandle,
    scale: number,
    mask: Float32Array,
  ) => {
    const all: Record<string, TensorHandle> = {
      latent: b.float32(x, [1, c, h, w]),
      timestep: f(t),
      alpha_bar: f(ab),
      text_embeds: embeds,
      image_tokens: tokens,
      image_embed: embed,
      image_scale: f(scale),
      mask: b.float32(mask, [1, 1, hm, wm]),
      target_tokens: b.float32(target, [1, L]),
      gamma_num: f(p.gammaNum),
      scoring: f(1),
    };
    const feeds = Object.fromEntries(m.graphs[graphKey]!.inputs.map((i) => [i.name, all[i.name]!]));
    const out = await unet.run(feeds);
    return { eps: await b.read(out.model_output!), attention: await b.read(out.word_attention!) };
  };

  let x: Float32Array = gaussian(p.seed, c * h * w);
  let mask: Float32Array = ones;
  const masks: (Float32Array | null)[] = [];
  for (const [i, s] of ddimPlan(m.scheduler, p.steps).entries()) {
    const e0 = await run(x, s.timestep, s.alphaBar, uncond, 0, ones);
    let rows: Float32Array[];
    let weights: number[];
    if (mode === 'realcustom' || mode === 'masked-global') {
      const eT = await run(x, s.timestep, s.alphaBar, cond, 0, ones);
      if (i < p.maskReuseStep) {
        const mean = meanOverLayers(eT.attention, m.layers.length);
        mask = scopeMask(mean, keepCount(p.gammaScope, hm * wm), false);
      }
      masks.push(mask);
      const eTI = await run(x, s.timestep, s.alphaBar, cond, imageScale, mask);
      rows = [e0.eps, eT.eps, eTI.eps];
      weights = dualWeights(p.guidanceText, p.guidanceImage);
    } else {
      const eC = await run(x, s.timestep, s.alphaBar, cond, mode === 'global' ? imageScale : 0, ones);
      masks.push(null);
      rows = [e0.eps, eC.eps];
      weights = singleWeights(p.guidanceText);
    }
    const stacked = new Float32Array(rows.length * x.length);
    rows.forEach((r, k) => stacked.set(r, k * x.length));
    x = ddimUpdate(s, x, combineRows(stacked, weights));
  }
  const img = await b.read((await decoder.run({ latent: b.float32(x, [1, c, h, w]) })).image!);
  return { image: img, masks };
}

describe.runIf(existsSync(`${DIR}/pack.json`))('engine vs unbatched reference on test-tiny', () => {
  for (const mode of ['realcustom', 'masked-global', 'global', 'text'] as const) {
    it(`${mode}: same masks per step and the same final image`, { timeout: 30_000 }, async () => {
      const engine = await Engine.create(new NodeBackend({ threads: 1 }), pack.manifest, pack.graphs);
      const events: EngineEvent[] = [];
      const job: Job = {
        ...base,
        params: { ...base.params, mode },
        reference: mode === 'text' ? null : base.reference,
      };
      await engine.run(job, (e) => events.push(e), new AbortController().signal);
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      const done = events.find((e) => e.type === 'done')!;
      if (done.type !== 'done') throw new Error('no image');
      const ref = await reference(mode);

      done.history.forEach((h, i) => {
        const want = ref.masks[i]!;
        if (want === null) return expect(h.mask).toBeNull();
        const diff = h.mask!.data.reduce((worst, v, j) => Math.max(worst, Math.abs(v - want[j]!)), 0);
        expect(diff, `mask at step ${i + 1}`).toBeLessThan(1e-3);
      });
      const n = ref.image.length / 3;
      let worst = 0;
      for (let px = 0; px < n; px++) {
        for (let ch = 0; ch < 3; ch++) {
          const want = Math.round(((Math.min(1, Math.max(-1, ref.image[ch * n + px]!)) + 1) / 2) * 255);
          worst = Math.max(worst, Math.abs(done.image.data[px * 4 + ch]! - want));
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(engine.liveTensors).toBe(0);
      await engine.release();
    });
  }
});
