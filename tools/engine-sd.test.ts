/**
 * A format-version-2 pack (SD-1.5 topology + IP-Adapter, tiny random weights) through the
 * engine on onnxruntime-node: a short masked-global job makes masks at the pack's mask
 * resolution, reuses the frozen one, previews through the pack's TAESD preview decoder if it
 * has one, else its latent → RGB projection, and ends with a VAE-decoded image, leaking no
 * tensor; `global` uses the pack's negative image tokens; realcustom is refused with a typed
 * error; an LCM pack (LCM-LoRA fused) re-injects seeded noise. The pack is the committed
 * public/models/test-sd-tiny (models/README.md, "SD test packs"); SD_PACK=<folder> runs
 * another one (e.g. the 21 MB narrow pack, or a pack converted with --taesd --lcm-lora).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../workers/engine';
import type { EngineEvent, Job, Mode, Params } from '../workers/protocol';
import { loadAnyPackFromDisk } from './load-pack';
import { NodeBackend } from './node-backend';

const DIR = process.env.SD_PACK ?? 'public/models/test-sd-tiny';
/** Whether the pack samples with LCM (LCM-LoRA fused); the committed one is DDIM, so that case is skipped, visibly. */
const IS_LCM =
  (JSON.parse(readFileSync(join(DIR, 'pack.json'), 'utf8')) as { scheduler?: { type?: string } }).scheduler?.type ===
  'lcm';

function reference(size: number) {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set([200, (i * 7) % 256, 40, 255], i * 4);
  return { width: size, height: size, data };
}

async function setUp(replace: Record<string, Uint8Array> = {}) {
  const pack = await loadAnyPackFromDisk(DIR);
  if (pack.manifest.formatVersion !== 2) throw new Error(`${DIR} is not a version-2 pack`);
  const files = new Map([...pack.files, ...Object.entries(replace)]);
  const engine = await Engine.create(new NodeBackend({ threads: 1 }), pack.manifest, pack.graphs, files);
  return { manifest: pack.manifest, engine, files: pack.files };
}

function job(mode: Mode, defaults: Omit<Params, 'gammaNum' | 'binaryMask' | 'scoring'>): Job {
  return {
    id: mode,
    prompt: 'a photo of a dog on the beach',
    targetWord: 'dog',
    reference: reference(64),
    params: {
      ...defaults,
      gammaNum: 1,
      binaryMask: false,
      scoring: false,
      mode,
      steps: 3,
      maskReuseStep: 2,
      seed: 5,
      previewEvery: 1,
    },
  };
}

async function run(engine: Engine, j: Job): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  await engine.run(j, (e) => events.push(e), new AbortController().signal);
  return events;
}

describe('version-2 (SD-1.5 + IP-Adapter) pack on onnxruntime-node', () => {
  it(
    'masked-global: masks at the mask resolution, reused once frozen; an image; no leaks',
    { timeout: 300_000 },
    async () => {
      const { manifest, engine } = await setUp();
      expect([...engine.modes].sort()).toEqual(['global', 'masked-global', 'text']);
      const [Hm, Wm] = manifest.maskResolution;
      const started = performance.now();
      const events = await run(engine, job('masked-global', manifest.defaults));
      const ms = performance.now() - started;
      const done = events.find((e) => e.type === 'done');
      if (done?.type !== 'done') throw new Error(JSON.stringify(events.find((e) => e.type === 'error')));
      const steps = events.filter((e) => e.type === 'step');
      expect(steps).toHaveLength(3);
      for (const s of steps) {
        expect(s.mask?.width).toBe(Wm);
        expect(s.mask?.height).toBe(Hm);
        expect(s.layerMasks).toHaveLength(1);
        expect(s.preview?.width).toBe(manifest.image.size);
      }
      expect(steps.map((s) => s.maskFrozen)).toEqual([false, false, true]);
      // Top-k: at most γ_scope of the cells are non-zero, the largest is 1.
      const mask = steps[0]!.mask!.data;
      const nonZero = mask.filter((v) => v > 0).length;
      expect(nonZero).toBeGreaterThan(0);
      expect(nonZero).toBeLessThanOrEqual(Math.round(manifest.defaults.gammaScope * Hm * Wm) + 2);
      expect(Math.max(...mask)).toBeCloseTo(1, 5);
      // Steps 1–2 preview through TAESD or the latent → RGB projection, the last one is the VAE's image.
      expect(engine.runStats().decoder?.runs).toBe(1);
      const taesd = manifest.graphs.previewDecoder !== undefined;
      expect(engine.runStats().previewDecoder?.runs).toBe(taesd ? 2 : undefined);
      expect(engine.runStats()['engine-latent-rgb']?.runs).toBe(taesd ? undefined : 2);
      expect(steps[2]!.preview!.data).toEqual(done.image.data);
      expect(done.image.width).toBe(manifest.image.size);
      expect(done.image.data.some((v, i) => i % 4 !== 3 && v !== done.image.data[0])).toBe(true);
      expect(engine.liveTensors).toBe(0);
      console.log(`SD test pack (${DIR}), masked-global, 3 steps: ${ms.toFixed(0)} ms`, engine.runStats());
      await engine.release();
    },
  );

  it('text and global run', { timeout: 300_000 }, async () => {
    const { manifest, engine } = await setUp();
    for (const mode of ['text', 'global'] as const) {
      const events = await run(engine, {
        ...job(mode, manifest.defaults),
        params: { ...job(mode, manifest.defaults).params, steps: 2 },
      });
      expect(events.at(-1)?.type).toBe('done');
      expect(engine.liveTensors).toBe(0);
    }
    await engine.release();
  });

  it("global: the unconditional row uses the pack's negative image tokens", { timeout: 300_000 }, async () => {
    const { manifest, engine, files } = await setUp();
    const spec = manifest.formatVersion === 2 ? manifest.adapter.uncondImageTokens : null;
    const stored = files.get(spec!.file)!;
    expect(stored.some((b) => b !== 0)).toBe(true);
    const globalJob = {
      ...job('global', manifest.defaults),
      params: { ...job('global', manifest.defaults).params, steps: 2 },
    };
    const final = async (e: Engine) => {
      const done = (await run(e, globalJob)).find((ev) => ev.type === 'done');
      if (done?.type !== 'done') throw new Error('global job did not finish');
      return done.image.data;
    };
    const withPack = await final(engine);
    expect(await final(engine)).toEqual(withPack); // deterministic
    await engine.release();
    // Other negative tokens (zeros), same everything else: another image.
    const zeroed = await setUp({ [spec!.file]: new Uint8Array(stored.length) });
    expect(await final(zeroed.engine)).not.toEqual(withPack);
    await zeroed.engine.release();
  });

  it(
    'the image encoder is released after encoding; the same reference is not encoded again',
    { timeout: 300_000 },
    async () => {
      const pack = await loadAnyPackFromDisk(DIR);
      const inner = new NodeBackend({ threads: 1 });
      const created: string[] = [];
      const counting = Object.create(inner) as NodeBackend;
      counting.createSession = (name, model, external) => {
        created.push(name);
        return inner.createSession(name, model, external);
      };
      const engine = await Engine.create(counting, pack.manifest, pack.graphs, pack.files);
      expect(engine.imageEncoderLoaded).toBe(true); // created at load: its I/O is checked there
      const base = job('global', pack.manifest.defaults);
      const twoSteps = (reference: Job['reference']): Job => ({
        ...base,
        reference,
        params: { ...base.params, steps: 2 },
      });
      const image = async (j: Job) => {
        const done = (await run(engine, j)).find((e) => e.type === 'done');
        if (done?.type !== 'done') throw new Error('job did not finish');
        return done.image.data;
      };
      const first = await image(twoSteps(reference(64)));
      expect(engine.imageEncoderLoaded).toBe(false);
      const encoders = () => created.filter((n) => n === 'imageEncoder').length;
      expect(encoders()).toBe(1);
      // The same reference: the kept features, no new session, the same picture.
      expect(await image(twoSteps(reference(64)))).toEqual(first);
      expect(encoders()).toBe(1);
      // Another reference: the encoder is created again, encodes, and is released again.
      const other = reference(64);
      other.data.fill(90);
      expect(await image(twoSteps(other))).not.toEqual(first);
      expect(encoders()).toBe(2);
      expect(engine.imageEncoderLoaded).toBe(false);
      expect(engine.liveTensors).toBe(0);
      await engine.release();
    },
  );

  it.skipIf(!IS_LCM)(
    'an LCM pack: the same seed gives the same image, another seed another one (SD_PACK=<an LCM pack>)',
    { timeout: 300_000 },
    async () => {
      const { manifest, engine } = await setUp();
      const image = async (seed: number) => {
        const j = job('masked-global', manifest.defaults);
        const done = (await run(engine, { ...j, params: { ...j.params, seed, steps: 4 } })).find(
          (e) => e.type === 'done',
        );
        if (done?.type !== 'done') throw new Error('LCM job did not finish');
        return done.image.data;
      };
      const a = await image(5);
      expect(await image(5)).toEqual(a);
      expect(await image(6)).not.toEqual(a);
      expect(engine.liveTensors).toBe(0);
      await engine.release();
    },
  );

  it('realcustom is refused with a typed error', { timeout: 300_000 }, async () => {
    const { manifest, engine } = await setUp();
    const refused = await run(engine, job('realcustom', manifest.defaults));
    const last = refused.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') {
      expect(last.error.kind).toBe('BadInput');
      expect(last.error.message).toMatch(/realcustom.*not available with this pack/);
    }
    await engine.release();
  });
});
