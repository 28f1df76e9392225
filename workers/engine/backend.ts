/**
 * What the engine needs from an inference runtime. The browser implements it in
 * `workers/runtime/` (onnxruntime-web, WebGPU or WASM); Node implements it in `tools/`
 * (onnxruntime-node or onnxruntime-web's WASM). The engine never imports a runtime.
 *
 * Tensors are opaque handles: on WebGPU they live in GPU buffers and only `read` brings
 * data back to the CPU (and counts the bytes).
 */

export type TensorDType = 'float32' | 'int64';

export interface TensorHandle {
  readonly dtype: TensorDType;
  readonly dims: readonly number[];
}

/** One external-data file of a graph: `path` as the model's initializers name it (relative to the model). */
export interface ExternalData {
  path: string;
  data: Uint8Array;
}

export interface GraphSession {
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the graph. Outputs stay on the device when the backend supports it (WebGPU);
   * the caller owns them and must `dispose` them.
   */
  run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>>;
  release(): Promise<void>;
}

export interface Backend {
  readonly ep: 'webgpu' | 'wasm' | 'cpu';
  /**
   * `model` is an ONNX ModelProto; `externalData` holds the files its initializers point to
   * (ONNX external data, for graphs over protobuf's 2 GB), by their `location` in the model.
   */
  createSession(name: string, model: Uint8Array, externalData?: readonly ExternalData[]): Promise<GraphSession>;
  float32(data: Float32Array, dims: readonly number[]): TensorHandle;
  int64(data: BigInt64Array, dims: readonly number[]): TensorHandle;
  /** GPU→CPU copy of a float32 tensor; adds its size to `bytesReadBack`. */
  read(tensor: TensorHandle): Promise<Float32Array>;
  dispose(tensor: TensorHandle): void;
  /** Running total of bytes copied from the device by `read`. */
  readonly bytesReadBack: number;
}
