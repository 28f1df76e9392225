/**
 * The engine's Backend on onnxruntime-node (native CPU EP): the CLI, benchmarks and the
 * Vitest graph tests run the same engine code through it. Tensors live in host memory
 * here, but `read` still counts bytes so the per-step figures match what a GPU backend
 * would copy back.
 */
import * as ort from 'onnxruntime-node';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import type { Backend, ExternalData, GraphSession, TensorDType, TensorHandle } from '../workers/engine/backend';

class NodeTensor implements TensorHandle {
  constructor(readonly tensor: ort.Tensor) {}
  get dtype(): TensorDType {
    return this.tensor.type as TensorDType;
  }
  get dims(): readonly number[] {
    return this.tensor.dims;
  }
}

function unwrap(handle: TensorHandle): ort.Tensor {
  if (!(handle instanceof NodeTensor)) throw new Error('tensor from another backend');
  return handle.tensor;
}

/**
 * onnxruntime-node has no `externalData` session option (onnxruntime-web's): it reads external
 * data from files beside a model loaded by path. So the model and its data are written to a
 * temporary folder, loaded, and the folder removed (the session holds the weights by then).
 */
async function sessionFromFolder(
  model: Uint8Array,
  externalData: readonly ExternalData[],
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-graph-'));
  try {
    for (const { path, data } of externalData) {
      const target = normalize(join(dir, path));
      if (!target.startsWith(dir)) throw new Error(`external data path ${path} leaves the model's folder`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    const file = join(dir, 'model.onnx');
    await writeFile(file, model);
    return await ort.InferenceSession.create(file, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface NodeBackendOptions {
  /** Intra-op threads per session; 0 lets onnxruntime decide. */
  threads?: number;
}

export class NodeBackend implements Backend {
  readonly ep = 'cpu' as const;
  private bytes = 0;

  constructor(private readonly options: NodeBackendOptions = {}) {}

  get bytesReadBack(): number {
    return this.bytes;
  }

  async createSession(name: string, model: Uint8Array, externalData?: readonly ExternalData[]): Promise<GraphSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.options.threads ?? 0,
      interOpNumThreads: 1,
    };
    const session = externalData?.length
      ? await sessionFromFolder(model, externalData, options)
      : await ort.InferenceSession.create(model, options);
    return {
      name,
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      async run(feeds) {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = unwrap(v);
        const out = await session.run(ortFeeds);
        const result: Record<string, TensorHandle> = {};
        for (const [k, v] of Object.entries(out)) result[k] = new NodeTensor(v);
        return result;
      },
      release: () => session.release(),
    };
  }

  float32(data: Float32Array, dims: readonly number[]): TensorHandle {
    return new NodeTensor(new ort.Tensor('float32', data, dims));
  }

  int64(data: BigInt64Array, dims: readonly number[]): TensorHandle {
    return new NodeTensor(new ort.Tensor('int64', data, dims));
  }

  async read(tensor: TensorHandle): Promise<Float32Array> {
    const t = unwrap(tensor);
    if (t.type !== 'float32') throw new Error(`read: expected float32, got ${t.type}`);
    const data = Float32Array.from(t.data as Float32Array);
    this.bytes += data.byteLength;
    return data;
  }

  dispose(tensor: TensorHandle): void {
    unwrap(tensor).dispose();
  }
}
