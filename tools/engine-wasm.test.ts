/**
 * The same engine on the worker's own runtime backend (onnxruntime-web, WASM EP, here in
 * Node) and on onnxruntime-node: same seed, same masks, same image within a level or two.
 * This is the WASM leg of "one loop tested three ways" (WebGPU is covered in e2e/).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine, type Backend } from '../workers/engine';
import type { EngineEvent, Job } from '../workers/protocol';
import { OrtBackend } from '../workers/runtime/ort-backend';
import { defaultParams } from './cli-params';
import { loadPackFromDisk } from './load-pack';
import { NodeBackend } from './node-backend';
import { readPng } from './png';

const DIR = 'public/models/test-tiny';

async function generate(backend: Backend, mode: 'realcustom' | 'global') {
  const pack = await loadPackFromDisk(DIR);
  const engine = await Engine.create(backend, pack.manifest, pack.graphs);
  const job: Job = {
    id: 'wasm',
    prompt: 'a star and a blue ball on grass',
    targetWord: 'star',
    reference: await readPng(`${DIR}/examples/ref-star-0.png`),
    params: { ...defaultParams(pack.manifest), mode, steps: 4, maskReuseStep: 2, seed: 3, previewEvery: 2 },
  };
  const events: EngineEvent[] = [];
  await engine.run(job, (e) => events.push(e), new AbortController().signal);
  const done = events.find((e) => e.type === 'done');
  if (done?.type !== 'done') throw new Error(JSON.stringify(events.find((e) => e.type === 'error')));
  expect(engine.liveTensors).toBe(0);
  await engine.release();
  return done;
}

describe.runIf(existsSync(`${DIR}/pack.json`))('onnxruntime-web WASM vs onnxruntime-node', () => {
  for (const mode of ['realcustom', 'global'] as const) {
    it(`${mode}: same image and masks`, { timeout: 60_000 }, async () => {
      const web = await generate(await OrtBackend.create({ ep: 'wasm', numThreads: 1, adapter: null }), mode);
      const native = await generate(new NodeBackend({ threads: 1 }), mode);
      const worst = web.image.data.reduce((w, v, i) => Math.max(w, Math.abs(v - native.image.data[i]!)), 0);
      expect(worst).toBeLessThanOrEqual(2);
      web.history.forEach((h, i) => {
        const other = native.history[i]!.mask;
        if (h.mask === null || other === null) return expect(h.mask).toBe(other);
        const diff = h.mask.data.reduce((w, v, j) => Math.max(w, Math.abs(v - other.data[j]!)), 0);
        expect(diff).toBeLessThan(1e-3);
      });
    });
  }
});
