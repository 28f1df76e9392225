// OrtBackend on onnxruntime-web's WASM EP, in Node (Vitest resolves onnxruntime-web to its
// Node build). The WebGPU path is covered by the Playwright tests in real Chromium.
import { afterEach, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../engine/onnx/builder';
import { EngineError } from '../errors';
import { OrtBackend } from './ort-backend';
import { engineErrorOf } from '../testing/engine-error';

/** y = x · 2 + 1 */
function affineGraph(): Uint8Array {
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float', ['n']);
  g.output('y', g.op('Add', [g.op('Mul', [x, g.scalar(2)]), g.scalar(1)]), 'float', ['n']);
  return g.build();
}

let backend: OrtBackend | null = null;
afterEach(async () => {
  await backend?.release();
  backend = null;
});

describe('OrtBackend (WASM)', () => {
  // The first test also imports and starts onnxruntime's WASM runtime: seconds on a loaded machine.
  it(
    'runs a graph, chains outputs into inputs, counts read-back bytes and frees everything',
    { timeout: 60_000 },
    async () => {
      backend = await OrtBackend.create({ ep: 'wasm', numThreads: 1, adapter: null });
      const s = await backend.createSession('affine', affineGraph());
      expect(s.inputNames).toEqual(['x']);
      const x = backend.float32(new Float32Array([0, 1, 2]), [3]);
      const first = await s.run({ x });
      const y1 = first.y;
      if (!y1) throw new Error('no output');
      const second = await s.run({ x: y1 }); // an output fed straight back in
      const y2 = second.y;
      if (!y2) throw new Error('no output');
      expect(Array.from(await backend.read(y2))).toEqual([3, 7, 11]);
      expect(backend.bytesReadBack).toBe(12);
      expect(backend.liveTensors).toBe(3);
      backend.dispose(x);
      backend.dispose(x); // double dispose is harmless
      expect(backend.liveTensors).toBe(2);
      await backend.release();
      expect(backend.liveTensors).toBe(0);
      await expect(s.run({ x: y1 })).rejects.toThrow(/after dispose/);
    },
  );

  it('names the file when the bytes are not a loadable model', async () => {
    backend = await OrtBackend.create({ ep: 'wasm', numThreads: 1, adapter: null, fileOf: (n) => `${n}.onnx` });
    const truncated = affineGraph().slice(0, 40);
    const err = await engineErrorOf(backend.createSession('unet', truncated));
    expect(err.kind).toBe('PackInvalid');
    expect(err.file).toBe('unet.onnx');
  });

  it('reports a bad feed as a typed error, not a bare string', async () => {
    backend = await OrtBackend.create({ ep: 'wasm', numThreads: 1, adapter: null });
    const s = await backend.createSession('affine', affineGraph());
    const wrong = backend.int64(new BigInt64Array([1n]), [1]);
    await expect(s.run({ x: wrong })).rejects.toBeInstanceOf(EngineError);
  });
});
