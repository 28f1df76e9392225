/**
 * One job, start to finish: encode prompt and reference, then the sampler loop (DDIM or LCM) with the
 * mode's passes, guidance and update on the device, streaming step events, then `done`.
 * Every exit (done, error, cancel) is answered with an event and frees every tensor.
 */
import type { AnyManifest } from '../packs/manifest-v2';
import { classifyError } from '../errors';
import type { EngineEvent, Gray, Job, PromptAnalysis, Rgba } from '../protocol';
import type { TensorHandle } from './backend';
import type { HelperGraphs } from './graphs/helpers';
import { cloneGray, cloneRgba, referencePixels } from './image';
import { keepCount } from './mask-math';
import { maskFrozenAt, planFor, type ModePlan, type RowKind } from './modes';
import type { PackGraph, PackGraphs } from './pack-graphs';
import { Readback } from './readback';
import { gaussian } from './rng';
import { needsNoise, samplerPlan } from './sampler';
import { Scope } from './scope';
import type { PromptTokenizer } from './tokenizer';
import type { TrackedBackend } from './tracked-backend';
import { UnetFeeder, type JobTensors } from './unet-feeds';

/** `transfer` lists the buffers the event owns (Node has no `Transferable`; these are all ArrayBuffers). */
export type Emit = (event: EngineEvent, transfer?: ArrayBuffer[]) => void;

export interface EngineParts {
  backend: TrackedBackend;
  helpers: HelperGraphs;
  graphs: PackGraphs;
  manifest: AnyManifest;
  tokenizer: PromptTokenizer;
  /** [Ni·Di] IP-Adapter's negative image tokens (version 2's `adapter.uncondImageTokens`); null for version 1. */
  negativeImageTokens: Float32Array | null;
}

class Cancelled extends Error {}

type HistoryEntry = Extract<EngineEvent, { type: 'done' }>['history'][number];

/** A step's masks as seen by the page: fresh copies, so transferring never detaches ours. */
interface MaskMaps {
  mask: Gray;
  layers: Gray[];
}

export async function runJob(
  parts: EngineParts,
  job: Job,
  analysis: PromptAnalysis,
  emit: Emit,
  signal: AbortSignal,
): Promise<void> {
  const { backend, manifest } = parts;
  const jobScope = new Scope(backend);
  const started = performance.now();
  let completed = 0;
  let phase = 'encoding the prompt'; // for error messages: what was going on
  // Yields to the event loop first: graph runs on WASM may settle without ever leaving the
  // microtask queue, and a cancel (or a replacing job) is a message that waits for a task.
  const checkAbort = async () => {
    await yieldToEventLoop();
    if (signal.aborted) throw new Cancelled();
  };
  try {
    await checkAbort();
    const params = job.params;
    const plan = planFor(params, { negativeImageTokens: parts.negativeImageTokens !== null });
    const unet = plan.graph === 'unet' ? parts.graphs.unet : await parts.graphs.unetGlobal!.get();
    const tensors = await encode(parts, job, plan, jobScope, emit, checkAbort);
    phase = 'preparing the first step';
    await checkAbort();
    emit({ type: 'loading', jobId: job.id, phase: 'preparing' });

    const feeder = new UnetFeeder(backend, parts.helpers, jobScope, unet.spec, tensors, {
      params,
      imageScale: plan.imageScale,
      targetTokens: Array.from({ length: manifest.tokenizer.maxLength }, (_, p) =>
        analysis.targetPositions.includes(p) ? 1 : 0,
      ),
      maskResolution: manifest.maskResolution,
      imageTokens: manifest.adapter.imageTokens,
      imageTokenDim: manifest.adapter.imageTokenDim,
    });
    const readback = new Readback(
      backend,
      parts.helpers,
      parts.graphs.decoder,
      manifest.latent.scale,
      manifest.image.size,
      parts.graphs.previewDecoder,
    );
    const [c, h, w] = manifest.latent.shape;
    const schedule = samplerPlan(manifest.scheduler, params.steps);
    // One seeded stream: the initial latent, then (LCM) each step's fresh noise. c·h·w is even,
    // so the latent is the same as a DDIM job's with this seed (rng.ts draws normals in pairs).
    const n = c * h * w;
    const stream = gaussian(params.seed, needsNoise(schedule) ? n * (schedule.length + 1) : n);
    const noiseOf = (index: number) => stream.slice((index + 1) * n, (index + 2) * n);
    let latent = jobScope.track(backend.float32(stream.slice(0, n), [1, c, h, w]));
    // Rows of the latent the UNet sees at step `index`: 2 while a mask is made ([∅, T] then
    // [TI] on the latent itself), else the whole batch of the mode.
    const batchAt = (index: number) => (plan.masked && !maskFrozenAt(params, index) ? 2 : plan.rows.length);
    let tiled = jobScope.track(await parts.helpers.expand(latent, batchAt(0)));
    let frozenMask: TensorHandle | null = null; // [3, 1, Hm, Wm] once the mask is frozen
    let maps: MaskMaps | null = null;
    let firstPreviewMs: number | null = null;
    let lastPreview: Rgba | null = null;
    const history: HistoryEntry[] = [];

    for (const [index, s] of schedule.entries()) {
      await checkAbort();
      const stepStarted = performance.now();
      const runBefore = backend.runMs;
      const bytesBefore = backend.bytesReadBack;
      const stepScope = new Scope(backend);
      const frozen = plan.masked && maskFrozenAt(params, index);
      const stepNumber = index + 1;
      phase = `running step ${stepNumber}`;
      let preview: Rgba | null = null;
      try {
        const runUnet = async (rows: readonly RowKind[], latentB: TensorHandle, mask: TensorHandle | null) => {
          const feeds = await feeder.feeds(
            rows,
            { timestep: s.timestep, alphaBar: s.alphaBar, latent: latentB, mask },
            stepScope,
          );
          return stepScope.trackAll(await unet.session.run(feeds));
        };
        let outputs: [TensorHandle] | [TensorHandle, TensorHandle];

        if (!plan.masked || frozen) {
          const out = await runUnet(plan.rows, tiled, frozenMask);
          outputs = [out.model_output!];
        } else {
          // Guidance pass [∅, T] → mask from the T row → customized pass [TI] with the mask.
          const textPass = await runUnet(['uncond', 'text'], tiled, null);
          const made = stepScope.trackAll(
            await parts.helpers.mask(
              textPass.word_attention!,
              1,
              keepCount(params.gammaScope, manifest.maskResolution[0] * manifest.maskResolution[1]),
              params.binaryMask,
            ),
          );
          await checkAbort();
          const custom = await runUnet(['image'], latent, made.mask);
          outputs = [textPass.model_output!, custom.model_output!];
          const read = await readback.masks(made.mask, made.layerMaps, stepNumber);
          maps = { mask: read.mask, layers: read.layers };
          if (params.maskReuseStep === stepNumber)
            frozenMask = jobScope.track(await parts.helpers.expand(made.mask, 3));
        }

        // The last step tiles to 1 row: a 1-row copy is cheaper than a second graph variant.
        const isLast = index + 1 === schedule.length;
        const nextBatch = isLast ? 1 : batchAt(index + 1);
        const wantPreview = stepNumber % params.previewEvery === 0;
        // Before the last step the preview is the model's clean-latent estimate (the step
        // graph with the sampler's preview coefficients), not the noisy latent; the last
        // step's latent is the image itself.
        let estimate: TensorHandle | null = null;
        if (wantPreview && !isLast) {
          const made = await parts.helpers.step(outputs, plan.weights, latent, s.preview, 1);
          stepScope.trackAll({ next: made.next, nextTiled: made.nextTiled, nonfinite: made.nonfinite });
          estimate = made.next;
        }
        const noise =
          s.noise === 0 ? null : { z: stepScope.track(backend.float32(noiseOf(index), [1, c, h, w])), scale: s.noise };
        const { next, nextTiled, nonfinite } = await parts.helpers.step(
          outputs,
          plan.weights,
          latent,
          s,
          nextBatch,
          noise,
        );
        stepScope.track(nonfinite);
        jobScope.track(next);
        jobScope.track(nextTiled);
        jobScope.release(latent);
        jobScope.release(tiled);
        latent = next;
        tiled = nextTiled;

        if (wantPreview) {
          await readback.checkLatent(nonfinite, stepNumber);
          // Version-2 packs preview through their TAESD or latent → RGB projection; the last
          // step's preview is the image, so it is always VAE-decoded (readback.ts: previewRoute).
          preview = await readback.preview(estimate ?? latent, stepScope, stepNumber, isLast);
          // The step event transfers `preview` to the page, so keep our own copy for `done`.
          lastPreview = cloneRgba(preview);
          firstPreviewMs ??= performance.now() - started;
        }
      } finally {
        stepScope.disposeAll();
      }
      completed = stepNumber;

      const shown = plan.masked ? maps : null;
      history.push({
        step: stepNumber,
        timestep: s.timestep,
        mask: shown === null ? null : cloneGray(shown.mask),
        layerMasks: shown === null ? [] : shown.layers.map(cloneGray),
        preview: preview === null ? null : cloneRgba(preview),
      });
      const event: EngineEvent = {
        type: 'step',
        jobId: job.id,
        step: stepNumber,
        totalSteps: params.steps,
        timestep: s.timestep,
        preview,
        mask: shown === null ? null : cloneGray(shown.mask),
        layerMasks: shown === null ? [] : shown.layers.map(cloneGray),
        maskFrozen: frozen,
        timings: { runMs: backend.runMs - runBefore, stepMs: performance.now() - stepStarted },
        bytesReadBack: backend.bytesReadBack - bytesBefore,
      };
      emit(event, transfers(event.preview, event.mask, event.layerMasks));
    }

    phase = 'decoding the image';
    const finalScope = new Scope(backend);
    let image: Rgba;
    try {
      image =
        lastPreview !== null && completed % params.previewEvery === 0
          ? lastPreview
          : await readback.decode(latent, finalScope, completed);
    } finally {
      finalScope.disposeAll();
    }
    const totalMs = performance.now() - started;
    emit(
      { type: 'done', jobId: job.id, image, history, params, totalMs, timeToFirstPreviewMs: firstPreviewMs ?? totalMs },
      [image.data.buffer as ArrayBuffer, ...history.flatMap((e) => transfers(e.preview, e.mask, e.layerMasks))],
    );
  } catch (err) {
    if (err instanceof Cancelled) emit({ type: 'cancelled', jobId: job.id, atStep: completed });
    else emit({ type: 'error', jobId: job.id, error: classifyError(err, phase).toInfo() });
  } finally {
    jobScope.disposeAll();
  }
}

function transfers(preview: Rgba | null, mask: Gray | null, layers: Gray[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = layers.map((l) => l.data.buffer as ArrayBuffer);
  if (preview !== null) list.push(preview.data.buffer as ArrayBuffer);
  if (mask !== null) list.push(mask.data.buffer as ArrayBuffer);
  return list;
}

/** Lets a cancel message in before the next step (the loop's awaits may all be resolved already). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Text embeddings [∅, T, T] and, in image modes, the reference's features. */
async function encode(
  parts: EngineParts,
  job: Job,
  plan: ModePlan,
  scope: Scope,
  emit: Emit,
  checkAbort: () => Promise<void>,
): Promise<JobTensors> {
  const { backend, graphs, tokenizer, manifest } = parts;
  emit({ type: 'loading', jobId: job.id, phase: 'encoding-text' });
  const uncond = tokenizer.encode('').ids;
  const prompt = tokenizer.encode(job.prompt).ids;
  const textEmbeds = await runOwned(backend, graphs.textEncoder, scope, {
    input_ids: backend.int64(
      BigInt64Array.from([...uncond, ...prompt, ...prompt], (v) => BigInt(v)),
      [3, prompt.length],
    ),
  });
  const tensors: JobTensors = {
    textEmbeds: textEmbeds.text_embeds!,
    patchTokens: null,
    imageEmbed: null,
    negativeTokens: null,
  };
  if (plan.rows.includes('negative') && parts.negativeImageTokens !== null) {
    const { imageTokens, imageTokenDim } = manifest.adapter;
    tensors.negativeTokens = scope.track(backend.float32(parts.negativeImageTokens, [1, imageTokens, imageTokenDim]));
  }
  if (plan.usesReference && job.reference !== null) {
    await checkAbort();
    emit({ type: 'loading', jobId: job.id, phase: 'encoding-reference' });
    const size = manifest.reference.size;
    const encoded = await graphs.imageEncoder.encode(
      referencePixels(job.reference, size),
      [1, 3, size, size],
      checkAbort,
    );
    const upload = (name: string) => {
      const out = encoded.outputs.get(name);
      return out === undefined ? null : scope.track(backend.float32(out.data, out.dims));
    };
    tensors.patchTokens = upload('patch_tokens') ?? upload('image_tokens'); // version 2: image_tokens
    tensors.imageEmbed = upload('image_embed');
  }
  return tensors;
}

/** Runs a pack graph on inputs made for it (freed here); its outputs belong to `scope`. */
async function runOwned(
  backend: TrackedBackend,
  graph: PackGraph,
  scope: Scope,
  feeds: Record<string, TensorHandle>,
): Promise<Record<string, TensorHandle>> {
  try {
    return scope.trackAll(await graph.session.run(feeds));
  } finally {
    for (const t of Object.values(feeds)) backend.dispose(t);
  }
}
