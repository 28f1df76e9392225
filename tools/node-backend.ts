/**
 * The engine's Backend on onnxruntime-node (native CPU EP): the CLI, benchmarks and the
 * Vitest graph tests run the same engine code through it. Tensors live in host memory
 * here, but `read` still counts bytes so the per-step figures match what a GPU backend
 * would copy back.
 */
import * as ort from 'onnxruntime-node';
import type { Backend, GraphSession, TensorDType, TensorHandle } from '../workers/engine/backend';

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

  async createSession(name: string, model: Uint8Array): Promise<GraphSession> {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.options.threads ?? 0,
      interOpNumThreads: 1,
    });
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
