/**
 * The engine the worker hosts (and the CLI runs in Node): one per loaded pack. It owns
 * the pack's sessions and the helper graphs, and runs one job at a time. Which job runs,
 * and replacing a running one, is the caller's business (workers/api.ts owns it); a job
 * started while another runs is answered with an error.
 */
import type { Manifest } from '../packs/manifest';
import { EngineError } from '../errors';
import type { Job, Mode, PromptAnalysis } from '../protocol';
import type { Backend } from './backend';
import { HelperGraphs } from './graphs/helpers';
import { runJob, type Emit } from './loop';
import type { GraphKey } from '../packs/graph-io';
import { createPackGraphs, supportedModes, type PackGraphs } from './pack-graphs';
import { WordTokenizer } from './tokenizer';
import { TrackedBackend } from './tracked-backend';
import { validateJob } from './validate';

export type { Emit } from './loop';
export type { GraphKey } from '../packs/graph-io';

export class Engine {
  private current: Promise<void> | null = null;
  private released = false;

  private constructor(
    private readonly backend: TrackedBackend,
    private readonly manifest: Manifest,
    private readonly graphs: PackGraphs,
    private readonly helpers: HelperGraphs,
    private readonly tokenizer: WordTokenizer,
    /** Modes this pack supports (`global` needs `unetGlobal`). */
    readonly modes: readonly Mode[],
  ) {}

  /** Checks the graphs' I/O against the contract (PackInvalid) and creates every session. */
  static async create(
    backend: Backend,
    manifest: Manifest,
    graphBytes: Partial<Record<GraphKey, Uint8Array>>,
  ): Promise<Engine> {
    const tracked = new TrackedBackend(backend);
    const graphs = await createPackGraphs(tracked, manifest, graphBytes);
    const [height, width] = manifest.maskResolution;
    const helpers = await HelperGraphs.create(tracked, { layers: manifest.layers.length, height, width });
    return new Engine(
      tracked,
      manifest,
      graphs,
      helpers,
      new WordTokenizer(manifest.tokenizer),
      supportedModes(graphs),
    );
  }

  analyzePrompt(prompt: string, word: string, wordIndex?: number): PromptAnalysis {
    return this.tokenizer.analyze(prompt, word, wordIndex);
  }

  /**
   * Runs a job to its end. Every outcome is an event (`done`, `error` with an
   * EngineErrorInfo, or `cancelled` when `signal` aborts); the promise itself resolves.
   */
  async run(job: Job, emit: Emit, signal: AbortSignal): Promise<void> {
    if (this.current) {
      const jobId = typeof job?.id === 'string' ? job.id : '';
      const busy = new EngineError('Internal', 'The engine is running another job; stop it first.');
      emit({ type: 'error', jobId, error: busy.toInfo() });
      return;
    }
    const run = this.runNow(job, emit, signal);
    this.current = run;
    try {
      await run;
    } finally {
      this.current = null;
    }
  }

  /** Device tensors currently alive (0 between jobs: a leak shows up here). */
  get liveTensors(): number {
    return this.backend.liveTensors;
  }

  /** session.run counts and summed ms per graph since the engine was created. */
  runStats(): Record<string, { runs: number; ms: number }> {
    return Object.fromEntries(this.backend.runStats);
  }

  async release(): Promise<void> {
    this.released = true;
    await this.current?.catch(() => undefined);
    const sessions = Object.values(this.graphs).flatMap((g) => (g === null ? [] : [g.session]));
    await Promise.all([...sessions.map((s) => s.release()), this.helpers.release()]);
  }

  private async runNow(job: Job, emit: Emit, signal: AbortSignal): Promise<void> {
    const jobId = typeof job?.id === 'string' ? job.id : '';
    if (this.released) {
      emit({
        type: 'error',
        jobId,
        error: new EngineError('Internal', 'The engine was released; load the pack again.').toInfo(),
      });
      return;
    }
    let analysis: PromptAnalysis;
    try {
      analysis = validateJob(job, this.tokenizer, this.modes, this.manifest.scheduler.trainTimesteps);
    } catch (err) {
      // A malformed job (missing params…) throws a TypeError: still answered, never thrown.
      const info =
        err instanceof EngineError
          ? err.toInfo()
          : new EngineError('BadInput', `The job is malformed: ${String(err)}`).toInfo();
      emit({ type: 'error', jobId, error: info });
      return;
    }
    const parts = {
      backend: this.backend,
      helpers: this.helpers,
      graphs: this.graphs,
      manifest: this.manifest,
      tokenizer: this.tokenizer,
    };
    await runJob(parts, job, analysis, emit, signal);
  }
}
