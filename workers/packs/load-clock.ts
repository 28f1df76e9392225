/**
 * Times the steps of loading a pack (performance.now marks from the loadPack call) and tells
 * the page which step has begun, so its progress line names what is happening instead of
 * showing a full bar while sessions are created. The steps are LOAD_STEPS in protocol.ts.
 */
import type { LoadStep, LoadTimings } from '../protocol';

export type TimeStep = <T>(step: Exclude<LoadStep, 'files'>, run: () => Promise<T>) => Promise<T>;

export class LoadClock {
  readonly #origin: number;
  readonly #now: () => number;
  readonly #onStep: (step: Exclude<LoadStep, 'files'>) => void;
  readonly #steps: { step: LoadStep; startMs: number; endMs: number }[] = [];

  constructor(onStep: (step: Exclude<LoadStep, 'files'>) => void = () => undefined, now = () => performance.now()) {
    this.#now = now;
    this.#origin = now();
    this.#onStep = onStep;
  }

  /** Runs one step, announcing it first; the step is recorded whether it succeeds or throws. */
  readonly time: TimeStep = async (step, run) => {
    this.#onStep(step);
    return this.measure(step, run);
  };

  /**
   * Starts recording a step without announcing it (the files announce themselves by their
   * bytes); the returned function ends it (only the first call counts).
   */
  begin(step: LoadStep): () => void {
    const entry = { step, startMs: this.#elapsed(), endMs: Number.NaN };
    this.#steps.push(entry);
    return () => {
      if (Number.isNaN(entry.endMs)) entry.endMs = this.#elapsed();
    };
  }

  async measure<T>(step: LoadStep, run: () => Promise<T>): Promise<T> {
    const end = this.begin(step);
    try {
      return await run();
    } finally {
      end();
    }
  }

  /** The steps finished so far and the time since the start, with what the caller knows of the load. */
  timings(about: Omit<LoadTimings, 'steps' | 'totalMs'>): LoadTimings {
    const steps = this.#steps.filter((s) => !Number.isNaN(s.endMs)).map((s) => ({ ...s }));
    return { steps, totalMs: this.#elapsed(), ...about };
  }

  #elapsed(): number {
    return Math.round((this.#now() - this.#origin) * 10) / 10;
  }
}
