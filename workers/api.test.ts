// The worker API end to end in Node: the shipped test pack served over HTTP, onnxruntime-web
// on its WASM EP, the real engine. The WebGPU path runs in Playwright (e2e/).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, setTransfer } from './api';
import type { EngineEvent, FinalEvent, Job, LoadProgress, PackSummary, Rgba } from './protocol';

const PUBLIC = join(import.meta.dirname, '..', 'public');
const hasPack = existsSync(join(PUBLIC, 'models', 'test-tiny', 'pack.json'));

let server: Server;
let base = '';
/** Request paths in order, and how many had been served when loadPack resolved. */
const requests: string[] = [];
let requestsAtReady = 0;
let summary: PackSummary;

function reference(size: number): Rgba {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * 37) % 256;
  return { width: size, height: size, data };
}

function job(id: string, steps: number): Job {
  return {
    id,
    prompt: summary.examples.prompts[0] ?? 'a star',
    targetWord: summary.examples.references[0]?.word ?? 'star',
    reference: reference(summary.referenceSize),
    params: { ...summary.defaults, mode: 'realcustom', steps, previewEvery: 1 },
  };
}

/** The last event, for failure messages: an unexpected `error` says why. */
const lastOf = (events: EngineEvent[]): string => JSON.stringify(events.at(-1));

/** Runs a job to its end; fails with the final event when it is not `done`. */
async function expectDone(j: Job): Promise<void> {
  const final = await api.generate(j, () => undefined);
  expect(final.type, JSON.stringify(final)).toBe('done');
}

/** Runs a job and records every event, progress (from onEvent) then final (the resolved value). */
async function run(j: Job, c: ReturnType<typeof collect>): Promise<FinalEvent['type']> {
  const final = await api.generate(j, c.onEvent);
  c.events.push(final);
  return final.type;
}

function collect(): { events: EngineEvent[]; onEvent: (e: EngineEvent) => void; firstStep: Promise<void> } {
  const events: EngineEvent[] = [];
  let stepped = (): void => undefined;
  const firstStep = new Promise<void>((resolve) => (stepped = resolve));
  return {
    events,
    firstStep,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step') stepped();
    },
  };
}

describe.skipIf(!hasPack)('worker api on WASM (test-tiny pack)', () => {
  beforeAll(async () => {
    // As across the worker boundary: transferred buffers are detached on the sending side,
    // so the engine must never touch an array again once it has emitted it.
    setTransfer((value, transfer) => structuredClone(value, { transfer }));
    server = createServer((req, res) => {
      const path = join(PUBLIC, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      requests.push(new URL(req.url ?? '/', 'http://x').pathname);
      if (!path.startsWith(PUBLIC) || !existsSync(path)) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html>not found');
        return;
      }
      createReadStream(path).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/test-tiny/`;
    const progress: LoadProgress[] = [];
    summary = await api.loadPack(base, (p: LoadProgress) => progress.push(p), 'wasm');
    requestsAtReady = requests.length;
    // The bar counts what the first job needs: every file but the global modes' UNet.
    const files = progress.flatMap((p) => (p.step === 'files' ? [p.files] : []));
    const globalBytes = statSync(join(PUBLIC, 'models', 'test-tiny', 'unet_global.onnx')).size;
    expect(files.at(-1)?.loadedBytes).toBe(files.at(-1)?.totalBytes);
    expect(files.at(-1)?.totalBytes).toBe(summary.totalBytes - globalBytes);
    // No store in Node: nothing kept, nothing to ask the quota for.
    expect(progress.find((p) => p.step === 'storage')).toMatchObject({ storage: { store: 'none', warnings: [] } });
    // After the files, the sessions the first job needs, in its order, then the helpers.
    // (The runtime is named again when the files end before it has started: steps that
    // repeat back to back count once.)
    const steps = progress
      .map((p) => p.step)
      .filter((s) => s !== 'files' && s !== 'storage')
      .filter((s, i, all) => s !== all[i - 1]);
    expect(steps).toEqual(['runtime', 'textEncoder', 'imageEncoder', 'unet', 'decoder', 'helpers']);
  }, 120_000);

  afterAll(async () => {
    await api.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports where the load’s time went, step by step', async () => {
    const { steps, totalMs } = summary.loadTimings;
    const names = steps.map((s) => s.step);
    for (const step of ['manifest', 'files', 'runtime', 'textEncoder', 'imageEncoder', 'unet', 'decoder', 'helpers'])
      expect(names).toContain(step);
    expect(names).not.toContain('capabilities'); // WASM chosen: no adapter asked for
    for (const s of steps) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
    expect(totalMs).toBeGreaterThanOrEqual(Math.max(...steps.map((s) => s.endMs)));
  });

  it('summarizes the pack and the runtime', async () => {
    expect(summary.name).toBe('test-tiny');
    expect(summary.runtime.ep).toBe('wasm');
    expect(summary.runtime.reason).toMatch(/user/);
    expect(summary.modes).toContain('realcustom');
    expect(await api.runtimeInfo()).toEqual(summary.runtime);
  });

  it('fetches the global modes’ UNet after ready, and a global job runs on it', async () => {
    const before = requests.slice(0, requestsAtReady);
    expect(before.some((r) => r.endsWith('/unet.onnx'))).toBe(true);
    expect(before.some((r) => r.endsWith('/unet_global.onnx'))).toBe(false);
    const global: Job = { ...job('global-after-ready', 2), params: { ...job('x', 2).params, mode: 'global' } };
    await expectDone(global);
    expect(requests.filter((r) => r.endsWith('/unet_global.onnx'))).toHaveLength(1);
  });

  it('runs a job: steps in order, then exactly one done, and no tensor leaks', async () => {
    const c = collect();
    const { events } = c;
    expect(await run(job('j1', 3), c), lastOf(events)).toBe('done');
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.step)).toEqual([1, 2, 3]);
    expect(events.at(-1)?.type).toBe('done');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    expect((await api.stats())?.liveTensors).toBe(0);
  }, 120_000);

  it('a new job replaces a running one, which reports cancelled', async () => {
    const first = collect();
    const second = collect();
    const a = run(job('a', 1000), first);
    await first.firstStep;
    const b = run(job('b', 2), second);
    expect(await a).toBe('cancelled');
    expect(await b, lastOf(second.events)).toBe('done');
    expect(first.events.at(-1)).toMatchObject({ type: 'cancelled', jobId: 'a' });
  }, 120_000);

  it('of many jobs sent at once, only the newest runs; the others report cancelled', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => {
      const c = collect();
      return { c, result: run(job(`burst-${i}`, 2), c) };
    });
    const results = await Promise.all(runs.map((r) => r.result));
    expect(results.slice(0, -1).every((r) => r === 'cancelled')).toBe(true);
    expect(results.at(-1), lastOf(runs.at(-1)!.c.events)).toBe('done');
    for (const { c } of runs)
      expect(c.events.filter((e) => ['done', 'error', 'cancelled'].includes(e.type))).toHaveLength(1);
    expect((await api.stats())?.liveTensors).toBe(0);
  }, 120_000);

  it('a cancel that reaches a job still waiting to start stops it', async () => {
    const first = collect();
    const second = collect();
    const a = run(job('wait-a', 1000), first);
    await first.firstStep;
    const b = run(job('wait-b', 2), second); // waits for `a` to stop
    expect(await api.cancel('wait-b')).toBe(true);
    expect(await a).toBe('cancelled');
    expect(await b).toBe('cancelled');
    expect(second.events.map((e) => e.type)).toEqual(['cancelled']);
  }, 120_000);

  it('cancel is answered at once and stops the job', async () => {
    const c = collect();
    const { events, firstStep } = c;
    const running = run(job('c', 1000), c);
    await firstStep;
    expect(await api.cancel('c')).toBe(true);
    expect(await api.cancel('no-such-job')).toBe(false);
    expect(await running).toBe('cancelled');
    expect(events.filter((e) => e.type === 'cancelled')).toHaveLength(1);
  }, 120_000);

  it('bad input becomes a typed error event, and the next job still runs', async () => {
    const c = collect();
    const { events } = c;
    const bad = job('bad', 2);
    bad.params.steps = Number.NaN;
    expect(await run(bad, c)).toBe('error');
    expect(events.at(-1)).toMatchObject({ type: 'error', jobId: 'bad', error: { kind: 'BadInput' } });
    await expectDone(job('after', 1));
  }, 120_000);

  it('out of memory is a typed, explained error, and the next job runs', async () => {
    await api.simulateOutOfMemory();
    const c = collect();
    const { events } = c;
    expect(await run(job('oom', 2), c)).toBe('error');
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', error: { kind: 'OutOfMemory' } });
    expect(last?.type === 'error' && last.error.message).toMatch(/Out of memory .*switch to WASM/);
    expect((await api.stats())?.liveTensors).toBe(0);
    await expectDone(job('after-oom', 1));
  }, 120_000);

  it('self-test runs a graph and reports finite outputs and timings', async () => {
    const r = await api.selfTest({ graph: 'unet', ep: 'wasm', runs: 2 });
    expect(r.runMs).toHaveLength(2);
    expect(r.outputs.map((o) => o.name).sort()).toEqual(['model_output', 'word_attention']);
    for (const o of r.outputs) {
      expect(o.nonFinite).toBe(0);
      expect(o.values.length).toBe(o.dims.reduce((a, b) => a * b, 1));
    }
  }, 120_000);

  it('refuses WebGPU where there is none, typed', async () => {
    await expect(api.selfTest({ ep: 'webgpu' })).rejects.toMatchObject({ kind: 'WebGpuUnavailable' });
  });
});
