/**
 * A Backend wrapper that keeps the books: which tensors are alive (created by float32 /
 * int64 or returned by a session, not yet disposed) and how long session.run took in
 * total (and per session). The engine runs everything through it, so "no leaks across 20 jobs" is a number
 * a test can read, and per-step `runMs` needs no timing code in the loop.
 */
import type { Backend, ExternalData, GraphSession, TensorHandle } from './backend';

export class TrackedBackend implements Backend {
  private readonly alive = new Set<TensorHandle>();
  /** Sum of session.run wall times, ms, since creation. */
  runMs = 0;
  /** Per session name: runs and their summed wall time (benchmarks read this). */
  readonly runStats = new Map<string, { runs: number; ms: number }>();

  constructor(readonly inner: Backend) {}

  get ep(): Backend['ep'] {
    return this.inner.ep;
  }

  get bytesReadBack(): number {
    return this.inner.bytesReadBack;
  }

  get liveTensors(): number {
    return this.alive.size;
  }

  async createSession(name: string, model: Uint8Array, externalData?: readonly ExternalData[]): Promise<GraphSession> {
    const session = await this.inner.createSession(name, model, externalData);
    return {
      name: session.name,
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      run: async (feeds) => {
        const start = performance.now();
        const out = await session.run(feeds);
        const ms = performance.now() - start;
        this.runMs += ms;
        const stat = this.runStats.get(name) ?? { runs: 0, ms: 0 };
        this.runStats.set(name, { runs: stat.runs + 1, ms: stat.ms + ms });
        for (const t of Object.values(out)) this.alive.add(t);
        return out;
      },
      release: () => session.release(),
    };
  }

  float32(data: Float32Array, dims: readonly number[]): TensorHandle {
    return this.own(this.inner.float32(data, dims));
  }

  int64(data: BigInt64Array, dims: readonly number[]): TensorHandle {
    return this.own(this.inner.int64(data, dims));
  }

  read(tensor: TensorHandle): Promise<Float32Array> {
    return this.inner.read(tensor);
  }

  dispose(tensor: TensorHandle): void {
    // Disposing twice is a bug elsewhere, but must not corrupt the count or the runtime.
    if (!this.alive.delete(tensor)) return;
    this.inner.dispose(tensor);
  }

  private own(t: TensorHandle): TensorHandle {
    this.alive.add(t);
    return t;
  }
}
