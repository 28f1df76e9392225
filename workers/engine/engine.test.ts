/**
 * The whole loop on onnxruntime-node with the fake pack: events, modes, mask reuse,
 * readback accounting, determinism, cancellation, validation, pack checks, leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeBackend } from '../../tools/node-backend';
import { EngineError } from '../errors';
import type { EngineEvent, Job, Params, Rgba } from '../protocol';
import { Engine } from './engine';
import { fakePack } from '../testing/fake-pack';

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

const reference: Rgba = {
  width: 6,
  height: 5,
  data: Uint8ClampedArray.from({ length: 6 * 5 * 4 }, (_, i) => (i * 37) % 256),
};

let engine: Engine;
const { manifest, graphs } = fakePack();
const defaults: Params = { ...manifest.defaults, binaryMask: false, scoring: true };

function job(params: Partial<Params> = {}, over: Partial<Job> = {}): Job {
  return {
    id: 'j',
    prompt: 'a red star on grass',
    targetWord: 'star',
    reference,
    params: { ...defaults, ...params },
    ...over,
  };
}

async function collect(e: Engine, j: Job, signal = new AbortController().signal): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  await e.run(j, (ev) => events.push(ev), signal);
  return events;
}

const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Ev<T> => e.type === type);

beforeAll(async () => {
  engine = await Engine.create(new NodeBackend({ threads: 1 }), manifest, graphs);
});
afterAll(async () => {
  await engine.release();
});

describe('engine loop (fake pack, onnxruntime-node)', () => {
  it('runs one job at a time: a second job sent meanwhile is answered with an error, not queued', async () => {
    const first = collect(engine, job({ steps: 3 }, { id: 'first' }));
    const second = await collect(engine, job({ steps: 3 }, { id: 'second' }));
    expect(second).toMatchObject([{ type: 'error', jobId: 'second', error: { kind: 'Internal' } }]);
    expect((await first).at(-1)).toMatchObject({ type: 'done', jobId: 'first' });
  });

  it('realcustom: loading → steps with moving masks → frozen mask → done; nothing leaks', async () => {
    const events = await collect(engine, job({ steps: 5, maskReuseStep: 2, previewEvery: 2 }));
    expect(of(events, 'error')).toEqual([]);
    expect(of(events, 'loading').map((e) => e.phase)).toEqual(['encoding-text', 'encoding-reference', 'preparing']);
    const steps = of(events, 'step');
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.map((s) => s.timestep)).toEqual([800, 600, 400, 200, 0]);
    expect(steps.map((s) => s.maskFrozen)).toEqual([false, false, true, true, true]);
    expect(steps.map((s) => s.preview !== null)).toEqual([false, true, false, true, false]);
    for (const s of steps) {
      expect(s.mask?.width).toBe(4);
      expect(Math.max(...s.mask!.data)).toBeCloseTo(1, 5);
      expect(s.layerMasks).toHaveLength(3);
      expect(s.timings.stepMs).toBeGreaterThanOrEqual(s.timings.runMs);
    }
    // The mask follows the latent while it is computed, then stays.
    expect(steps[0]!.mask!.data).not.toEqual(steps[1]!.mask!.data);
    expect(steps[2]!.mask!.data).toEqual(steps[1]!.mask!.data);
    expect(steps[4]!.mask!.data).toEqual(steps[1]!.mask!.data);

    // Bytes: mask 16 floats + 3 layer maps of 16, when computed; a preview is the 4-byte
    // finiteness flag + a 3×4×4 image; the final image is decoded once more (step 5).
    const mask = (16 + 3 * 16) * 4;
    const preview = 4 + 3 * 16 * 4;
    expect(steps.map((s) => s.bytesReadBack)).toEqual([mask, mask + preview, 0, preview, 0]);

    const done = of(events, 'done')[0]!;
    expect(done.image.width).toBe(4);
    expect(done.image.data).toHaveLength(64);
    expect(done.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5]);
    expect(done.history[0]!.mask!.data).toEqual(steps[0]!.mask!.data);
    expect(done.params.steps).toBe(5);
    expect(done.timeToFirstPreviewMs).toBeLessThanOrEqual(done.totalMs);
    expect(engine.liveTensors).toBe(0);
  });

  it('every mode runs with the right masks and batches', async () => {
    const results = new Map<string, Ev<'done'>>();
    for (const mode of ['realcustom', 'global', 'masked-global', 'text'] as const) {
      const events = await collect(engine, job({ mode, steps: 3 }, mode === 'text' ? { reference: null } : {}));
      expect(of(events, 'error')).toEqual([]);
      const steps = of(events, 'step');
      const masked = mode === 'realcustom' || mode === 'masked-global';
      expect(steps.every((s) => (s.mask !== null) === masked)).toBe(true);
      results.set(mode, of(events, 'done')[0]!);
    }
    // The reference changes the image in image modes.
    expect(results.get('global')!.image.data).not.toEqual(results.get('text')!.image.data);
    expect(results.get('realcustom')!.image.data).not.toEqual(results.get('masked-global')!.image.data);
    expect(engine.liveTensors).toBe(0);
  });

  it('is deterministic per seed', async () => {
    const image = async (seed: number) => of(await collect(engine, job({ seed, steps: 3 })), 'done')[0]!.image.data;
    const a = await image(11);
    expect(await image(11)).toEqual(a);
    expect(await image(12)).not.toEqual(a);
  });

  it('mask reuse 0 never freezes; binary masks are 0/1', async () => {
    const steps = of(await collect(engine, job({ steps: 3, maskReuseStep: 0, binaryMask: true })), 'step');
    expect(steps.every((s) => !s.maskFrozen)).toBe(true);
    expect(steps.every((s) => s.mask!.data.every((v) => v === 0 || v === 1))).toBe(true);
  });

  it('cancels between steps, answers, frees, and runs again', async () => {
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    await engine.run(
      job({ steps: 6 }),
      (e) => {
        events.push(e);
        if (e.type === 'step' && e.step === 2) controller.abort();
      },
      controller.signal,
    );
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: 'j', atStep: 2 });
    expect(of(events, 'done')).toEqual([]);
    expect(engine.liveTensors).toBe(0);
    expect(of(await collect(engine, job({ steps: 2 })), 'done')).toHaveLength(1);
  });

  it('an already aborted signal is answered with cancelled at step 0', async () => {
    const c = new AbortController();
    c.abort();
    expect(await collect(engine, job(), c.signal)).toEqual([{ type: 'cancelled', jobId: 'j', atStep: 0 }]);
  });

  it('rejects bad input with BadInput and a sentence', async () => {
    const error = async (j: Job) => {
      const events = await collect(engine, j);
      expect(events).toHaveLength(1);
      const e = events[0] as Ev<'error'>;
      expect(e.error.kind).toBe('BadInput');
      return e.error.message;
    };
    expect(await error(job({}, { prompt: ' !! ' }))).toBe('The prompt is empty.');
    expect(await error(job({}, { targetWord: 'ball' }))).toBe('‘ball’ is not in the prompt.');
    expect(await error(job({}, { prompt: 'a zebra on grass', targetWord: 'zebra' }))).toContain('unknown to this pack');
    expect(await error(job({ steps: 0 }))).toContain('Steps must be in 1…1000');
    expect(await error(job({ guidanceText: Number.NaN }))).toContain('must be a number');
    expect(await error(job({ gammaScope: 0 }))).toContain('above 0');
    expect(await error(job({ seed: 1.5 }))).toContain('whole number');
    expect(await error(job({ mode: 'global' }, { reference: null }))).toContain('needs a reference image');
    expect(await error(job({ mode: 'nope' as Params['mode'] }))).toContain('not available');
    expect(await error({ id: 'j' } as Job)).toContain('must be text');
    expect(await error({ id: 'j', prompt: 'a star', targetWord: 'star' } as Job)).toContain('malformed');
    // `text` mode needs neither a reference nor a target in the prompt.
    expect(
      of(await collect(engine, job({ mode: 'text', steps: 1 }, { reference: null, targetWord: 'ball' })), 'done'),
    ).toHaveLength(1);
  });

  it('runs 20 jobs without leaking tensors', async () => {
    for (let i = 0; i < 20; i++) {
      await collect(engine, job({ steps: 2, seed: i, mode: i % 2 ? 'realcustom' : 'global' }));
      expect(engine.liveTensors).toBe(0);
    }
  });

  it('reports NaN as NumericalError and frees everything', async () => {
    const bad = fakePack({ poison: true });
    const e = await Engine.create(new NodeBackend({ threads: 1 }), bad.manifest, bad.graphs);
    const events = await collect(e, job({ steps: 3, previewEvery: 1 }));
    const err = of(events, 'error')[0]!;
    expect(err.error.kind).toBe('NumericalError');
    expect(e.liveTensors).toBe(0);
    await e.release();
  });

  it('refuses a graph input the engine does not know (PackInvalid naming the file)', async () => {
    const bad = fakePack({ extraInput: 'mystery' });
    const err = await Engine.create(new NodeBackend(), bad.manifest, bad.graphs).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).kind).toBe('PackInvalid');
    expect((err as EngineError).file).toBe('unet.onnx');
    expect((err as EngineError).message).toContain('"mystery"');
  });

  it('refuses pack.json I/O that differs from the graph', async () => {
    const { manifest: m, graphs: g } = fakePack();
    const wrong = {
      ...m,
      graphs: {
        ...m.graphs,
        // Declared as the contract wants, so only the comparison with the real graph fails.
        decoder: { ...m.graphs.decoder, inputs: [{ name: 'latent', dtype: 'float32' as const, shape: [1, 4, 4, 4] }] },
      },
    };
    const renamed = { ...g, decoder: g.textEncoder }; // a graph whose input is input_ids
    const err = await Engine.create(new NodeBackend(), wrong, renamed).catch((x: unknown) => x);
    expect((err as EngineError).kind).toBe('PackInvalid');
    expect((err as EngineError).message).toContain('differ from pack.json');
  });

  it('offers global modes only with unetGlobal', async () => {
    const p = fakePack({ noGlobal: true });
    const e = await Engine.create(new NodeBackend(), p.manifest, p.graphs);
    expect(e.modes).toEqual(['realcustom', 'text']);
    await e.release();
  });
});
