/**
 * A format-version-2 pack (SD-1.5 topology + IP-Adapter, narrow random weights) through the
 * engine on onnxruntime-node: a short masked-global job makes masks at the pack's mask
 * resolution, reuses the frozen one, ends with an image and leaks no tensor; realcustom is
 * refused with a typed error. The pack is generated, never committed (models/README.md,
 * "narrow test pack"); the test is skipped without it.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../workers/engine';
import type { EngineEvent, Job, Mode, Params } from '../workers/protocol';
import { loadAnyPackFromDisk } from './load-pack';
import { NodeBackend } from './node-backend';

const DIR = process.env.SD_PACK ?? 'public/models/test-sd-narrow';

function reference(size: number) {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set([200, (i * 7) % 256, 40, 255], i * 4);
  return { width: size, height: size, data };
}

async function setUp() {
  const pack = await loadAnyPackFromDisk(DIR);
  if (pack.manifest.formatVersion !== 2) throw new Error(`${DIR} is not a version-2 pack`);
  const engine = await Engine.create(new NodeBackend({ threads: 1 }), pack.manifest, pack.graphs, pack.files);
  return { manifest: pack.manifest, engine };
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

describe.runIf(existsSync(`${DIR}/pack.json`))('version-2 (SD-1.5 + IP-Adapter) pack on onnxruntime-node', () => {
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
      expect(done.image.width).toBe(manifest.image.size);
      expect(done.image.data.some((v, i) => i % 4 !== 3 && v !== done.image.data[0])).toBe(true);
      expect(engine.liveTensors).toBe(0);
      console.log(`narrow SD pack, masked-global, 3 steps: ${ms.toFixed(0)} ms`, engine.runStats());
      await engine.release();
    },
  );

  it('text and global run; realcustom is refused with a typed error', { timeout: 300_000 }, async () => {
    const { manifest, engine } = await setUp();
    for (const mode of ['text', 'global'] as const) {
      const events = await run(engine, {
        ...job(mode, manifest.defaults),
        params: { ...job(mode, manifest.defaults).params, steps: 2 },
      });
      expect(events.at(-1)?.type).toBe('done');
      expect(engine.liveTensors).toBe(0);
    }
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
