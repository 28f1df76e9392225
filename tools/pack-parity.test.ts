/**
 * The engine on the committed random-weight pack (public/models/test-tiny) against an
 * independent reference written from the method doc: every guidance row run on its own
 * (batch 1) through the pack's UNet, the mask by the CPU mask math, dual CFG and DDIM on
 * the CPU. Agreement checks what the unit tests cannot: the batching (2, 1, then 3 rows
 * once the mask freezes), which rows get which embeddings, scales and masks, the mask
 * row selection and the freeze step.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../workers/engine';
import type { TensorHandle } from '../workers/engine';
import { combineRows, dualWeights } from '../workers/engine/guidance';
import { referencePixels } from '../workers/engine/image';
import { keepCount, meanOverLayers, scopeMask } from '../workers/engine/mask-math';
import { gaussian } from '../workers/engine/rng';
import { ddimPlan, ddimUpdate } from '../workers/engine/scheduler';
import { WordTokenizer } from '../workers/engine/tokenizer';
import type { EngineEvent, Job, Params } from '../workers/protocol';
import { defaultParams } from './cli-params';
import { loadPackFromDisk, type DiskPack } from './load-pack';
import { NodeBackend } from './node-backend';
import { readPng } from './png';

const DIR = 'public/models/test-tiny';
const PROMPT = 'a star and a blue ball on grass';

let pack: DiskPack;
let job: Job;

beforeAll(async () => {
  pack = await loadPackFromDisk(DIR);
  const params: Params = {
    ...defaultParams(pack.manifest),
    mode: 'realcustom',
    steps: 3,
    maskReuseStep: 2,
    seed: 5,
    previewEvery: 100,
  };
  job = {
    id: 'parity',
    prompt: PROMPT,
    targetWord: 'star',
    reference: await readPng(`${DIR}/examples/ref-star-0.png`),
    params,
  };
});

async function reference(): Promise<{ image: Float32Array; masks: Float32Array[] }> {
  const m = pack.manifest;
  const b = new NodeBackend({ threads: 1 });
  const session = async (key: 'textEncoder' | 'imageEncoder' | 'unet' | 'decoder') =>
    b.createSession(key, pack.graphs[key]!);
  const [text, image, unet, decoder] = [
    await session('textEncoder'),
    await session('imageEncoder'),
    await session('unet'),
    await session('decoder'),
  ];
  const tok = new WordTokenizer(m.tokenizer);
  const L = m.tokenizer.maxLength;
  const encode = async (p: string) =>
    (await text.run({ input_ids: b.int64(BigInt64Array.from(tok.encode(p).ids, BigInt), [1, L]) })).text_embeds!;
  const [uncond, cond] = [await encode(''), await encode(PROMPT)];
  const S = m.reference.size;
  const tokens = (await image.run({ pixels: b.float32(referencePixels(job.reference!, S), [1, 3, S, S]) }))
    .patch_tokens!;
  const positions = tok.analyze(PROMPT, 'star').targetPositions;
  const target = Float32Array.from({ length: L }, (_, i) => (positions.includes(i) ? 1 : 0));
  const [hm, wm] = m.maskResolution;
  const ones = new Float32Array(hm * wm).fill(1);
  const [c, h, w] = m.latent.shape;
  const f = (v: number) => b.float32(Float32Array.of(v), [1]);

  const run = async (
    x: Float32Array,
    t: number,
    ab: number,
    embeds: TensorHandle,
    scale: number,
    mask: Float32Array,
  ) => {
    const out = await unet.run({
      latent: b.float32(x, [1, c, h, w]),
      timestep: f(t),
      alpha_bar: f(ab),
      text_embeds: embeds,
      image_tokens: tokens,
      image_scale: f(scale),
      mask: b.float32(mask, [1, 1, hm, wm]),
      target_tokens: b.float32(target, [1, L]),
      gamma_num: f(job.params.gammaNum),
      scoring: f(1),
    });
    return { eps: await b.read(out.model_output!), attention: await b.read(out.word_attention!) };
  };

  let x: Float32Array = gaussian(job.params.seed, c * h * w);
  let mask: Float32Array = ones;
  const masks: Float32Array[] = [];
  for (const [i, s] of ddimPlan(m.scheduler, job.params.steps).entries()) {
    const e0 = await run(x, s.timestep, s.alphaBar, uncond, 0, ones);
    const eT = await run(x, s.timestep, s.alphaBar, cond, 0, ones);
    if (i < job.params.maskReuseStep) {
      mask = scopeMask(meanOverLayers(eT.attention, m.layers.length), keepCount(job.params.gammaScope, hm * wm), false);
    }
    masks.push(mask);
    const eTI = await run(x, s.timestep, s.alphaBar, cond, 1, mask);
    const rows = new Float32Array(3 * x.length);
    [e0.eps, eT.eps, eTI.eps].forEach((r, k) => rows.set(r, k * x.length));
    x = ddimUpdate(s, x, combineRows(rows, dualWeights(job.params.guidanceText, job.params.guidanceImage)));
  }
  const img = await b.read((await decoder.run({ latent: b.float32(x, [1, c, h, w]) })).image!);
  return { image: img, masks };
}

describe.runIf(existsSync(`${DIR}/pack.json`))('engine vs unbatched reference on test-tiny', () => {
  it('same masks per step and the same final image', async () => {
    const engine = await Engine.create(new NodeBackend({ threads: 1 }), pack.manifest, pack.graphs);
    const events: EngineEvent[] = [];
    await engine.run(job, (e) => events.push(e), new AbortController().signal);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const done = events.find((e) => e.type === 'done')!;
    if (done.type !== 'done') throw new Error('no image');
    const ref = await reference();

    done.history.forEach((h, i) => {
      const diff = h.mask!.data.reduce((worst, v, j) => Math.max(worst, Math.abs(v - ref.masks[i]![j]!)), 0);
      expect(diff, `mask at step ${i + 1}`).toBeLessThan(1e-3);
    });
    const n = ref.image.length / 3;
    let worst = 0;
    for (let p = 0; p < n; p++) {
      for (let ch = 0; ch < 3; ch++) {
        const want = Math.round(((Math.min(1, Math.max(-1, ref.image[ch * n + p]!)) + 1) / 2) * 255);
        worst = Math.max(worst, Math.abs(done.image.data[p * 4 + ch]! - want));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(engine.liveTensors).toBe(0);
    await engine.release();
  });
});
