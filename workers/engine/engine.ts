/**
 * The engine the worker hosts (and the CLI runs in Node): one per loaded pack. It owns
 * the pack's sessions and the helper graphs, and runs one job at a time. Which job runs,
 * and replacing a running one, is the caller's business (workers/api.ts owns it); a job
 * started while another runs is answered with an error.
 */
import type { AnyManifest, ManifestV2 } from '../packs/manifest-v2';
import { EngineError, packInvalid } from '../errors';
import type { Job, Mode, PromptAnalysis } from '../protocol';
import type { TimeStep } from '../packs/load-clock';
import type { Backend } from './backend';
import { HelperGraphs } from './graphs/helpers';
import { runJob, type Emit } from './loop';
import { ClipTokenizer } from './clip-tokenizer';
import { createPackGraphs, packSessions, supportedModes, type GraphBytes, type PackGraphs } from './pack-graphs';
import { WordTokenizer, type PromptTokenizer } from './tokenizer';
import { TrackedBackend } from './tracked-backend';
import { maxSteps } from './sampler';
import { validateJob } from './validate';

export type { Emit } from './loop';
export type { GraphKey } from '../packs/graph-io';

export class Engine {
  private current: Promise<void> | null = null;
  private released = false;

  private constructor(
    private readonly backend: TrackedBackend,
    private readonly manifest: AnyManifest,
    private readonly graphs: PackGraphs,
    private readonly helpers: HelperGraphs,
    private readonly tokenizer: PromptTokenizer,
    private readonly negativeImageTokens: Float32Array | null,
    /** Modes this pack supports (`global` needs `unetGlobal`). */
    readonly modes: readonly Mode[],
  ) {}

  /**
   * Checks the graphs' I/O against the contract (PackInvalid) and creates the sessions the
   * first job needs, timing each with `time`; the global modes' UNet is started after, in the background.
   * `files` holds the pack's other files by path (version 2: the tokenizer's vocab.json and
   * merges.txt, the adapter's `uncondImageTokens`, and the graphs' external data).
   */
  static async create(
    backend: Backend,
    manifest: AnyManifest,
    graphBytes: GraphBytes,
    files: ReadonlyMap<string, Uint8Array> = new Map(),
    time: TimeStep = (_step, run) => run(),
  ): Promise<Engine> {
    const tokenizer =
      manifest.formatVersion === 2 ? clipTokenizer(manifest, files) : new WordTokenizer(manifest.tokenizer);
    const negative = manifest.formatVersion === 2 ? negativeImageTokens(manifest, files) : null;
    const tracked = new TrackedBackend(backend);
    const graphs = await createPackGraphs(tracked, manifest, graphBytes, files, time);
    const [height, width] = manifest.maskResolution;
    // Version 2's word_attention is one map (the graph averages its layers).
    const layers = manifest.formatVersion === 2 ? 1 : manifest.layers.length;
    const preview = manifest.formatVersion === 2 ? manifest.preview : null;
    let helpers: HelperGraphs;
    try {
      helpers = await time('helpers', () => HelperGraphs.create(tracked, { layers, height, width }, preview));
    } catch (err) {
      await Promise.all((await packSessions(graphs)).map((s) => s.release()));
      throw err;
    }
    // The global modes' UNet: created now, in the background, so the pack is ready without
    // it; a global job started before it is done waits for it (and meets its error, if any).
    graphs.unetGlobal?.get().catch(() => undefined);
    return new Engine(tracked, manifest, graphs, helpers, tokenizer, negative, supportedModes(graphs, manifest));
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

  /** Whether the image encoder's session is alive (a version-2 pack releases it after each encoding). */
  get imageEncoderLoaded(): boolean {
    return this.graphs.imageEncoder.session !== null;
  }

  /** session.run counts and summed ms per graph since the engine was created. */
  runStats(): Record<string, { runs: number; ms: number }> {
    return Object.fromEntries(this.backend.runStats);
  }

  async release(): Promise<void> {
    this.released = true;
    await this.current?.catch(() => undefined);
    await Promise.all([...(await packSessions(this.graphs)).map((s) => s.release()), this.helpers.release()]);
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
      analysis = validateJob(job, this.tokenizer, this.modes, maxSteps(this.manifest.scheduler));
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
      negativeImageTokens: this.negativeImageTokens,
    };
    await runJob(parts, job, analysis, emit, signal);
  }
}

/** The pack's CLIP BPE tokenizer from its vocab.json and merges.txt (already verified by hash). */
function clipTokenizer(m: ManifestV2, files: ReadonlyMap<string, Uint8Array>): ClipTokenizer {
  const t = m.tokenizer;
  const text = (path: string) => {
    const bytes = files.get(path);
    if (bytes === undefined) throw packInvalid(path, 'the tokenizer file was not provided to the engine');
    return new TextDecoder().decode(bytes);
  };
  let vocab: unknown;
  try {
    vocab = JSON.parse(text(t.vocab));
  } catch (e) {
    throw packInvalid(t.vocab, 'is not valid JSON', e instanceof Error ? e.message : String(e));
  }
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab))
    throw packInvalid(t.vocab, 'must be a JSON object of token → id');
  const ids = vocab as Record<string, number>;
  const known = new Set(Object.values(ids));
  for (const [k, id] of [
    ['bos', t.bos],
    ['eos', t.eos],
    ['pad', t.pad],
  ] as const)
    if (!known.has(id)) throw packInvalid(t.vocab, `has no token with id ${id} (tokenizer.${k} in pack.json)`);
  return new ClipTokenizer({
    vocab: ids,
    merges: text(t.merges),
    maxLength: t.maxLength,
    bos: t.bos,
    eos: t.eos,
    pad: t.pad,
  });
}

/** IP-Adapter's negative image tokens: raw little-endian float32 of shape [1, Ni, Di] (already verified by hash). */
function negativeImageTokens(m: ManifestV2, files: ReadonlyMap<string, Uint8Array>): Float32Array {
  const spec = m.adapter.uncondImageTokens;
  const bytes = files.get(spec.file);
  if (bytes === undefined) throw packInvalid(spec.file, 'the negative image tokens were not provided to the engine');
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== 4 * count)
    throw packInvalid(
      spec.file,
      `is ${bytes.length} bytes; shape [${spec.shape.join(', ')}] in float32 needs ${4 * count}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
}
