/**
 * Every helper graph, encoded by our own ModelProto writer, run by onnxruntime-node and
 * compared with the CPU reference functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeBackend } from '../../../tools/node-backend';
import { dualWeights } from '../guidance';
import { combineRows, ddimUpdate, meanOverLayers, normalizeLayers, scopeMask } from '../../testing/reference-math';
import { keepCount } from '../mask-math';
import { gaussian } from '../rng';
import { ddimPlan } from '../scheduler';
import { TrackedBackend } from '../tracked-backend';
import { HelperGraphs } from './helpers';

const LAYERS = 3;
const H = 16;
const W = 16;
let backend: TrackedBackend;
let helpers: HelperGraphs;

beforeAll(async () => {
  backend = new TrackedBackend(new NodeBackend({ threads: 1 }));
  helpers = await HelperGraphs.create(backend, { layers: LAYERS, height: H, width: W });
});
afterAll(async () => {
  await helpers.release();
});

function expectClose(got: Float32Array, want: Float32Array, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]!))));
  expect(worst).toBeLessThan(tol);
}

describe('helper graphs on onnxruntime-node', () => {
  it('step (one tensor): dual CFG + DDIM v-prediction update', async () => {
    const shape = [1, 4, 3, 3];
    const size = 36;
    const rows = gaussian(1, 3 * size);
    const x = gaussian(2, size);
    const s = ddimPlan(
      {
        trainTimesteps: 1000,
        betaSchedule: 'linear',
        betaStart: 1e-4,
        betaEnd: 0.02,
        prediction: 'v_prediction',
        timestepSpacing: 'leading',
        stepsOffset: 0,
        setAlphaToOne: false,
      },
      20,
    )[3]!;
    const weights = dualWeights(7.5, 12.5);
    const out = backend.float32(rows, [3, 4, 3, 3]);
    const latent = backend.float32(x, shape);
    const { next, nextTiled, nonfinite } = await helpers.step([out], weights, latent, s, 3);
    const want = ddimUpdate(s, x, combineRows(rows, weights));
    expectClose(await backend.read(next), want, 1e-4);
    expect(nextTiled.dims).toEqual([3, 4, 3, 3]);
    expectClose(await backend.read(nextTiled), Float32Array.from([...want, ...want, ...want]), 1e-4);
    expect((await backend.read(nonfinite))[0]).toBe(0);
    for (const t of [out, latent, next, nextTiled, nonfinite]) backend.dispose(t);
  });

  it('step (two tensors) equals the concatenated single-tensor step; NaN is flagged', async () => {
    const rows = gaussian(3, 3 * 8);
    const x = gaussian(4, 8);
    const weights = [0.2, -1.5, 2.3];
    const ab = backend.float32(rows.slice(0, 16), [2, 2, 2, 2]);
    const c = backend.float32(rows.slice(16), [1, 2, 2, 2]);
    const latent = backend.float32(x, [1, 2, 2, 2]);
    const { next, nextTiled, nonfinite } = await helpers.step([ab, c], weights, latent, { a: 0.9, b: 0.3 }, 1);
    const want = ddimUpdate(
      { timestep: 0, alphaBar: 0, alphaBarPrev: 0, a: 0.9, b: 0.3 },
      x,
      combineRows(rows, weights),
    );
    expectClose(await backend.read(next), want);
    expect((await backend.read(nonfinite))[0]).toBe(0);

    const bad = x.slice();
    bad[5] = Infinity;
    const badLatent = backend.float32(bad, [1, 2, 2, 2]);
    const r = await helpers.step([ab, c], weights, badLatent, { a: 0.9, b: 0.3 }, 2);
    expect(Number.isNaN((await backend.read(r.nonfinite))[0])).toBe(true);
    for (const t of [ab, c, latent, next, nextTiled, nonfinite, badLatent, r.next, r.nextTiled, r.nonfinite]) {
      backend.dispose(t);
    }
  });

  it("step with noise adds scale·z (LCM's fresh noise); without it the update is unchanged", async () => {
    const rows = gaussian(6, 2 * 8);
    const x = gaussian(7, 8);
    const zs = gaussian(8, 8);
    const weights = [0.4, 0.6];
    const out = backend.float32(rows, [2, 2, 2, 2]);
    const latent = backend.float32(x, [1, 2, 2, 2]);
    const z = backend.float32(zs, [1, 2, 2, 2]);
    const coef = { a: 0.8, b: -0.6 };
    const plain = await helpers.step([out], weights, latent, coef, 2);
    const noised = await helpers.step([out], weights, latent, coef, 2, { z, scale: 0.35 });
    const base = ddimUpdate({ timestep: 0, alphaBar: 0, alphaBarPrev: 0, ...coef }, x, combineRows(rows, weights));
    expectClose(await backend.read(plain.next), base);
    const want = Float32Array.from(base, (v, i) => v + 0.35 * zs[i]!);
    expectClose(await backend.read(noised.next), want);
    expectClose(await backend.read(noised.nextTiled), Float32Array.from([...want, ...want]));
    for (const t of [out, latent, z, ...Object.values(plain), ...Object.values(noised)]) backend.dispose(t);
  });

  for (const binary of [false, true]) {
    it(`mask: mean over layers, top γ, ${binary ? 'binary' : 'divided by max'}; per-layer maps`, async () => {
      const n = LAYERS * H * W;
      // Batch of 2; row 1 is the text row. Quantised values create ties at the k-th value.
      const all = Float32Array.from(gaussian(5, 2 * n), (v) => Math.round(Math.abs(v) * 8) / 8);
      const wa = backend.float32(all, [2, LAYERS, H, W]);
      const k = keepCount(0.25, H * W);
      const { mask, layerMaps } = await helpers.mask(wa, 1, k, binary);
      const row = all.slice(n);
      const want = scopeMask(meanOverLayers(row, LAYERS), k, binary);
      const got = await backend.read(mask);
      expectClose(got, want);
      expect(mask.dims).toEqual([1, 1, H, W]);
      expect(Math.max(...got)).toBeCloseTo(1, 6);
      // Ties are kept, so at least k positions are non-zero.
      expect(got.filter((v) => v > 0).length).toBeGreaterThanOrEqual(k);
      expectClose(await backend.read(layerMaps), normalizeLayers(row, LAYERS));
      for (const t of [wa, mask, layerMaps]) backend.dispose(t);
    });
  }

  it('mask of an all-zero map is all zero, not NaN', async () => {
    const wa = backend.float32(new Float32Array(LAYERS * H * W), [1, LAYERS, H, W]);
    const { mask, layerMaps } = await helpers.mask(wa, 0, 64, false);
    expect(Array.from(await backend.read(mask)).every((v) => v === 0)).toBe(true);
    expect(Array.from(await backend.read(layerMaps)).every((v) => v === 0)).toBe(true);
    for (const t of [wa, mask, layerMaps]) backend.dispose(t);
  });

  it('expand, rows and scale', async () => {
    const x = backend.float32(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    const tiled = await helpers.expand(x, 3);
    expect(tiled.dims).toEqual([3, 2, 3]);
    expect(Array.from(await backend.read(tiled))).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    const ys = await helpers.rows(tiled, 1, 3);
    expect(ys.dims).toEqual([2, 2, 3]);
    const half = await helpers.scale(x, 0.5);
    expect(Array.from(await backend.read(half))).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    for (const t of [x, tiled, ys, half]) backend.dispose(t);
  });

  it('leaves no tensors alive', () => {
    expect(backend.liveTensors).toBe(0);
  });
});
