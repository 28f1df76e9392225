/**
 * The Generate, Compare and Cancel actions: build the job from the inputs, run it through
 * the engine session, and after `done` keep the result (scrubber, gallery, downloads).
 */
import type { FinalEvent, Job, Mode } from '../../workers/protocol';
import { clearCompareFrames, compareFrames, compareOrder } from '../features/compare/compare-frames';
import { keepResult } from '../features/gallery/gallery-actions';
import { targetRefusal } from '../features/prompt/prompt-messages';
import { setLastFiles, setLastResult, type DoneEvent } from '../features/live-view/last-result';
import { croppedReference } from '../features/reference/reference-pixels';
import { phraseOf, promptWords } from '../lib/prompt-words';
import { imagePng, masksPng, resultFileName, thumbnailPng } from '../lib/result-png';
import { useStore } from '../store';
import { cancelJob, runJob } from '../engine/session';

/** Why Generate cannot run now, or null when it can. */
export function whyNotReady(mode?: Mode): string | null {
  const { pack, reference, prompt, selection, params, analysis } = useStore.getState();
  if (pack.status !== 'done' || !params) return 'Waiting for the model pack.';
  const m = mode ?? params.mode;
  if (m !== 'text' && reference.status !== 'ready') return 'Add a reference image first.';
  if (promptWords(prompt).length === 0) return 'Type a prompt first.';
  if ((m === 'realcustom' || m === 'masked-global') && !selection) return 'Pick the word to customize.';
  return targetRefusal(analysis, prompt, selection, m);
}

function buildJob(mode?: Mode): Job | null {
  const { prompt, selection, params } = useStore.getState();
  if (!params || whyNotReady(mode)) return null;
  const p = { ...params, mode: mode ?? params.mode };
  return {
    id: crypto.randomUUID(),
    prompt,
    targetWord: phraseOf(promptWords(prompt), selection),
    ...(selection ? { targetIndex: selection.first } : {}),
    reference: p.mode === 'text' ? null : croppedReference(),
    params: p,
  };
}

/**
 * The Compare run in progress. The worker replaces a running job by itself; this only tells
 * a Compare loop that Generate, Cancel or another Compare took over, so it stops quietly.
 */
let activeCompare: object | null = null;

function stopCompare(reason: string): void {
  activeCompare = null;
  const { compare: c, setCompare } = useStore.getState();
  if (c.status === 'running') setCompare({ status: 'stopped', modes: c.modes, reason });
}

async function runAndKeep(job: Job): Promise<FinalEvent> {
  useStore.getState().setResult({ status: 'none' }); // no replay of an old job over a running one
  const final = await runJob(job);
  if (final.type === 'done') {
    setLastResult(job, final);
    keep(job, final).catch((err: unknown) =>
      useStore.getState().setGalleryNotice(`The result could not be saved as PNG: ${String(err)}`),
    );
  }
  return final;
}

async function keep(job: Job, done: DoneEvent): Promise<void> {
  const { pack } = useStore.getState();
  const summary = pack.status === 'done' ? pack.summary : null;
  const settings = {
    prompt: job.prompt,
    targetWord: job.targetWord,
    ...(job.targetIndex === undefined ? {} : { targetIndex: job.targetIndex }),
    params: done.params,
    packName: summary?.name ?? '',
  };
  const last = done.history.at(-1);
  const [image, masks, reference] = await Promise.all([
    imagePng(done.image, settings),
    masksPng(last?.mask ?? null, last?.layerMasks ?? [], summary?.layers.map((l) => l.name) ?? []),
    job.reference ? thumbnailPng(job.reference) : null,
  ]);
  setLastFiles(job.id, {
    image,
    masks,
    name: resultFileName(settings),
    masksName: resultFileName(settings, '-masks'),
  });
  await keepResult({ ...settings, image, masks, reference });
}

export async function generate(): Promise<void> {
  const job = buildJob();
  if (!job) return;
  stopCompare('Replaced by Generate.');
  await runAndKeep(job);
}

/** The same prompt, reference and seed as realcustom, global (the chosen λ) and text. */
export async function compare(): Promise<void> {
  const { pack, params, setCompare } = useStore.getState();
  if (pack.status !== 'done' || !params) return;
  const modes = compareOrder(pack.summary.modes, params.mode);
  const jobs = modes.map((m) => buildJob(m));
  if (jobs.some((j) => j === null)) return;
  stopCompare('Replaced by a new comparison.');
  const mine = {};
  activeCompare = mine;
  clearCompareFrames();
  for (const [index, job] of (jobs as Job[]).entries()) {
    setCompare({ status: 'running', modes, index });
    const final = await runAndKeep(job);
    if (activeCompare !== mine) return; // replaced by Generate, another Compare or Cancel
    if (final.type !== 'done') {
      setCompare({ status: 'stopped', modes, reason: final.type === 'error' ? final.error.message : 'Cancelled.' });
      return;
    }
    const last = final.history.at(-1);
    compareFrames[job.params.mode].publish({ image: final.image, mask: last?.mask ?? null });
  }
  activeCompare = null;
  setCompare({ status: 'done', modes });
}

export async function cancel(): Promise<void> {
  stopCompare('Cancelled.');
  await cancelJob();
}
