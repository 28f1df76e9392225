/**
 * The engine's Backend on onnxruntime-web. On WebGPU, session outputs stay in GPU buffers
 * (`preferredOutputLocation: 'gpu-buffer'`) and are fed back as inputs as they are, so a
 * denoising step moves nothing to the CPU unless the engine `read`s it; every read is
 * counted. The backend owns every session and tensor it creates and releases them all in
 * `release()`. When the GPU device is lost it turns itself dead: every later call throws
 * DeviceLost, and the owner replaces the whole worker (see ensureAlive in api.ts).
 */
import type * as Ort from 'onnxruntime-web';
import type { Backend, ExternalData, GraphSession, TensorDType, TensorHandle } from '../engine/backend';
import { EngineError, classifyError, packInvalid } from '../errors';
import { loadOrt, type LoadedOrt, type OrtSettings } from './ort-env';
import { sessionOptions } from './session-options';

class OrtTensor implements TensorHandle {
  readonly tensor: Ort.Tensor;
  constructor(tensor: Ort.Tensor) {
    this.tensor = tensor;
  }
  get dtype(): TensorDType {
    return this.tensor.type as TensorDType;
  }
  get dims(): readonly number[] {
    return this.tensor.dims;
  }
}

/**
 * Once the device is gone, onnxruntime's pending buffer mappings reject with nobody
 * listening ("Buffer was unmapped before mapping was resolved"). Those are echoes of the
 * loss already reported as DeviceLost, not new failures, so they are not left to surface
 * as uncaught errors.
 */
let ignoringGpuRejections = false;
function ignoreGpuRejectionsAfterLoss(): void {
  const scope = globalThis as {
    addEventListener?: (type: string, fn: (ev: { reason: unknown; preventDefault(): void }) => void) => void;
  };
  if (ignoringGpuRejections || !scope.addEventListener) return;
  ignoringGpuRejections = true;
  scope.addEventListener('unhandledrejection', (ev) => {
    if (/GPUBuffer|mapAsync|device (was |is )?(lost|destroyed)/i.test(String(ev.reason))) ev.preventDefault();
  });
}

export interface OrtBackendOptions extends OrtSettings {
  ep: 'webgpu' | 'wasm';
  /** Maps a session name to the pack file it came from, for error messages. */
  fileOf?: (sessionName: string) => string;
}

const MODEL_LOAD_FAILURE = /protobuf|failed to load model|load model .* failed|invalid model|model_path|ModelProto/i;

export class OrtBackend implements Backend {
  readonly ep: 'webgpu' | 'wasm';
  /** The onnxruntime .wasm file this backend's build loads (ort-env.ts decides which). */
  readonly runtimeFile: string;
  readonly #ort: typeof Ort;
  readonly #fileOf: (name: string) => string;
  readonly #sessions = new Set<Ort.InferenceSession>();
  readonly #tensors = new Set<OrtTensor>();
  #bytesReadBack = 0;
  #dead: EngineError | null = null;
  #device: GPUDevice | null = null;
  #lostSignal: Promise<never> | null = null;
  #oomArmed = false;
  /** Called once when the device is lost, so the owner can tell the page right away. */
  onDeviceLost: ((err: EngineError) => void) | null = null;

  /** Imports (once per worker) the onnxruntime build this EP runs on. */
  static async create(options: OrtBackendOptions): Promise<OrtBackend> {
    return new OrtBackend(options, await loadOrt(options.ep, options));
  }

  private constructor(options: OrtBackendOptions, loaded: LoadedOrt) {
    this.ep = options.ep;
    this.#ort = loaded.ort;
    this.runtimeFile = loaded.runtimeFile;
    this.#fileOf = options.fileOf ?? ((n) => n);
  }

  get bytesReadBack(): number {
    return this.#bytesReadBack;
  }

  /** Null while usable; the DeviceLost error once the GPU device is gone. */
  get deadReason(): EngineError | null {
    return this.#dead;
  }

  get liveTensors(): number {
    return this.#tensors.size;
  }

  /** onnxruntime's WASM thread count as it runs (it drops to 1 where threads are unavailable). */
  get wasmThreads(): number {
    return this.#ort.env.wasm.numThreads ?? 1;
  }

  async createSession(name: string, model: Uint8Array, externalData?: readonly ExternalData[]): Promise<GraphSession> {
    this.#assertUsable();
    const gpu = this.ep === 'webgpu';
    let session: Ort.InferenceSession;
    // ORT-web resolves the initializers' external `location`s against these (ONNX files over 2 GB).
    const options = externalData?.length ? { ...sessionOptions(this.ep), externalData } : sessionOptions(this.ep);
    try {
      session = await this.#ort.InferenceSession.create(model, options);
    } catch (e) {
      const err = classifyError(e, `creating the ${name} session on ${this.ep}`);
      if (err.kind === 'Internal' && MODEL_LOAD_FAILURE.test(String(e))) {
        throw packInvalid(this.#fileOf(name), 'is not a valid ONNX model onnxruntime can load', String(e));
      }
      throw err;
    }
    this.#sessions.add(session);
    if (gpu && !this.#device) await this.#watchDevice();
    return {
      name,
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      run: (feeds) => this.#run(name, session, feeds),
      release: async () => {
        if (this.#sessions.delete(session)) await session.release();
      },
    };
  }

  async #run(
    name: string,
    session: Ort.InferenceSession,
    feeds: Readonly<Record<string, TensorHandle>>,
  ): Promise<Record<string, TensorHandle>> {
    this.#assertUsable();
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = this.#unwrap(v);
    let out: Ort.InferenceSession.ReturnType;
    const scoped = this.#pushErrorScopes();
    if (this.#oomArmed) this.#allocateTooMuch(scoped);
    try {
      // A lost device can leave a run waiting forever; the race turns that into an error.
      out = await (this.#lostSignal ? Promise.race([session.run(ortFeeds), this.#lostSignal]) : session.run(ortFeeds));
    } catch (e) {
      await scoped.pop();
      throw this.#dead ?? classifyError(e, `running ${name} on ${this.ep}`);
    }
    const gpuFailure = await scoped.pop();
    const result: Record<string, TensorHandle> = {};
    for (const [k, t] of Object.entries(out)) result[k] = this.#track(t);
    const failure = this.#dead ?? (gpuFailure && classifyError(gpuFailure, `running ${name} on WebGPU`));
    if (failure) {
      // The outputs of a run whose GPU work failed are garbage (often zeros): never hand them on.
      for (const h of Object.values(result)) this.dispose(h);
      throw failure;
    }
    return result;
  }

  /**
   * WebGPU reports allocation and validation failures asynchronously, not as exceptions, and
   * the run still "succeeds" with garbage. Error scopes around the run attribute them to it
   * exactly; the first error in a scope is the root cause.
   */
  #pushErrorScopes(): { pop(): Promise<Error | null> } {
    const device = this.#device;
    if (!device || this.#dead) return { pop: async () => null };
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    return {
      pop: async () => {
        try {
          const validation = await device.popErrorScope();
          const oom = await device.popErrorScope();
          if (oom) return new Error(`GPUOutOfMemoryError: ${oom.message}`);
          return validation ? new Error(`WebGPU validation error: ${validation.message}`) : null;
        } catch {
          return null; // the device is gone; #dead says so
        }
      },
    };
  }

  float32(data: Float32Array, dims: readonly number[]): TensorHandle {
    return this.#track(new this.#ort.Tensor('float32', data, dims));
  }

  int64(data: BigInt64Array, dims: readonly number[]): TensorHandle {
    return this.#track(new this.#ort.Tensor('int64', data, dims));
  }

  async read(handle: TensorHandle): Promise<Float32Array> {
    this.#assertUsable();
    const t = this.#unwrap(handle);
    if (t.type !== 'float32') throw new EngineError('Internal', `read: expected a float32 tensor, got ${t.type}`);
    let data: Float32Array;
    try {
      // getData downloads a GPU tensor; on the CPU it is the tensor's own array, copied so
      // the caller can keep it after dispose.
      data =
        t.location === 'gpu-buffer' ? ((await t.getData()) as Float32Array) : Float32Array.from(t.data as Float32Array);
    } catch (e) {
      throw this.#dead ?? classifyError(e, 'reading a tensor back from the GPU');
    }
    this.#bytesReadBack += data.byteLength;
    return data;
  }

  dispose(handle: TensorHandle): void {
    const h = handle as OrtTensor;
    if (!this.#tensors.delete(h)) return; // already disposed, or not ours: nothing to free
    h.tensor.dispose();
  }

  /** Frees every tensor and session this backend created. Safe on a dead backend. */
  async release(): Promise<void> {
    for (const h of [...this.#tensors]) this.dispose(h);
    const sessions = [...this.#sessions];
    this.#sessions.clear();
    await Promise.allSettled(sessions.map((s) => s.release()));
  }

  /**
   * Test hook: the next run makes a real allocation the device must refuse (a GPU buffer over
   * maxBufferSize, or an impossible ArrayBuffer on WASM), so the genuine OOM path is taken.
   */
  armOutOfMemoryForTest(): void {
    this.#oomArmed = true;
  }

  #allocateTooMuch(scoped: { pop(): Promise<Error | null> }): void {
    this.#oomArmed = false;
    if (this.#device) {
      const size = this.#device.limits.maxBufferSize + 4;
      this.#device.createBuffer({ size, usage: GPUBufferUsage.STORAGE }).destroy(); // fails inside the scope
      return;
    }
    try {
      new ArrayBuffer(Number.MAX_SAFE_INTEGER);
    } catch (e) {
      void scoped.pop();
      throw classifyError(e, `running a graph on ${this.ep}`);
    }
  }

  /** Test hook: destroys onnxruntime's GPU device, exactly as a driver reset would lose it. */
  async loseDeviceForTest(): Promise<void> {
    if (this.ep !== 'webgpu') throw new EngineError('BadInput', 'Device loss can only be simulated on WebGPU.');
    const device = (await this.#ort.env.webgpu.device) as GPUDevice;
    // destroy() rejects pending buffer mappings at once, possibly before `lost` resolves.
    ignoreGpuRejectionsAfterLoss();
    device.destroy();
    await device.lost;
  }

  async #watchDevice(): Promise<void> {
    const device = (await this.#ort.env.webgpu.device) as GPUDevice;
    this.#device = device;
    this.#lostSignal = device.lost.then((info) => {
      const why = info.message ? `${info.reason}: ${info.message}` : info.reason;
      this.#dead ??= new EngineError(
        'DeviceLost',
        'The GPU device was lost (driver reset, GPU removed, or the browser reclaimed it). The engine restarts; run the job again.',
        { detail: why },
      );
      ignoreGpuRejectionsAfterLoss();
      this.onDeviceLost?.(this.#dead);
      throw this.#dead;
    });
    this.#lostSignal.catch(() => undefined); // observed via the race; never an unhandled rejection
  }

  #assertUsable(): void {
    if (this.#dead) throw this.#dead;
  }

  #track(t: Ort.Tensor): OrtTensor {
    const h = new OrtTensor(t);
    this.#tensors.add(h);
    return h;
  }

  #unwrap(handle: TensorHandle): Ort.Tensor {
    if (!(handle instanceof OrtTensor) || !this.#tensors.has(handle)) {
      throw new EngineError('Internal', 'A tensor was used after dispose or came from another backend.');
    }
    return handle.tensor;
  }
}
