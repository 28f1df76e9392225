/**
 * Ownership of device tensors for a stretch of work (a job, a step): everything tracked
 * here is disposed by `disposeAll`, whatever path (done, error, cancel) left the stretch.
 */
import type { Backend, TensorHandle } from './backend';

export class Scope {
  private readonly owned = new Set<TensorHandle>();

  constructor(private readonly backend: Backend) {}

  track<T extends TensorHandle>(t: T): T {
    this.owned.add(t);
    return t;
  }

  trackAll<R extends Record<string, TensorHandle>>(r: R): R {
    for (const t of Object.values(r)) this.owned.add(t);
    return r;
  }

  /** Disposes one tensor now (e.g. the previous latent). */
  release(t: TensorHandle): void {
    if (this.owned.delete(t)) this.backend.dispose(t);
  }

  disposeAll(): void {
    for (const t of this.owned) this.backend.dispose(t);
    this.owned.clear();
  }
}
