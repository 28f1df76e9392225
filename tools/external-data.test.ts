/**
 * Graphs whose weights are ONNX external data (what models/convert.py writes for graphs over
 * 2 GB, the fp32 SD-1.5 UNet): both backends load them from the bytes the pack loader holds,
 * onnxruntime-web through its `externalData` session option, onnxruntime-node through files
 * beside the model. Fixture: tools/fixtures/external-data/affine.onnx (+ .data), y = x·W + b,
 * written by tools/fixtures/make_external_data.py.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, ExternalData } from '../workers/engine/backend';
import { OrtBackend } from '../workers/runtime/ort-backend';
import { NodeBackend } from './node-backend';

const DIR = 'tools/fixtures/external-data';
const model = new Uint8Array(readFileSync(`${DIR}/affine.onnx`));
const data: ExternalData[] = [
  { path: 'affine.onnx.data', data: new Uint8Array(readFileSync(`${DIR}/affine.onnx.data`)) },
];
const W = Array.from({ length: 12 }, (_, i) => i / 8 - 0.5); // [4, 3], row-major
const b = [0.25, -1, 2];

function expected(x: number[]): number[] {
  return [0, 1, 2].map((c) => b[c]! + x.reduce((s, v, k) => s + v * W[k * 3 + c]!, 0));
}

let ort: OrtBackend | null = null;
afterEach(async () => {
  await ort?.release();
  ort = null;
});

const backends: [string, () => Backend | Promise<Backend>][] = [
  ['onnxruntime-node', () => new NodeBackend({ threads: 1 })],
  [
    'onnxruntime-web (WASM)',
    async () => {
      ort = await OrtBackend.create({ ep: 'wasm', numThreads: 1, adapter: null });
      return ort;
    },
  ],
];

describe.each(backends)('a graph with external data on %s', (_, make) => {
  it('loads with its data file and computes with those weights', { timeout: 60_000 }, async () => {
    const backend = await make();
    const session = await backend.createSession('affine', model, data);
    const x = [1, -2, 0.5, 3];
    const out = await session.run({ x: backend.float32(Float32Array.from(x), [1, 4]) });
    const y = await backend.read(out.y!);
    expect([...y].map((v) => Number(v.toFixed(5)))).toEqual(expected(x).map((v) => Number(v.toFixed(5))));
    await session.release();
  });

  it('fails to load without its data file', { timeout: 60_000 }, async () => {
    const backend = await make();
    await expect(backend.createSession('affine', model)).rejects.toThrow();
  });
});
