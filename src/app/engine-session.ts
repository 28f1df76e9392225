/**
 * Glue between the worker bridge and the store: starts the worker with the chosen execution
 * provider, loads the pack, runs jobs and routes their events (counters to the store, pixels
 * to the live-view frames). The only module that holds the bridge.
 */
import { EngineError, serializeError } from '../../workers/errors';
import type { EngineEvent, EpPreference, Job } from '../../workers/protocol';
import { clearLiveFrames, liveFrames } from '../features/live-view/live-frames';
import { createEngineBridge, type EngineBridge } from '../lib/worker-bridge';
import { useStore } from '../store';

let bridge: EngineBridge | null = null;
let starting: Promise<void> | null = null;

/** Starts the worker once per page (idempotent, so React's double effects are harmless). */
export function ensureEngineStarted(packSource: string): Promise<void> {
  starting ??= start(useStore.getState().epPreference, packSource);
  return starting;
}

/** Rebuilds the worker, e.g. after the EP toggle or a lost device. */
export async function restartEngine(ep: EpPreference, packSource: string): Promise<void> {
  const old = bridge;
  bridge = null;
  useStore.getState().setEpPreference(ep);
  await old?.dispose().catch(() => undefined);
  starting = start(ep, packSource);
  return starting;
}

async function start(ep: EpPreference, packSource: string): Promise<void> {
  const own = createEngineBridge(ep);
  bridge = own;
  // A restart replaces the bridge; the old start() must not write over the new one's state.
  const current = () => bridge === own;
  const { setEngine, setPack } = useStore.getState();
  setEngine({ status: 'loading' });
  setPack({ status: 'idle' });
  try {
    const capabilities = await own.capabilities();
    if (!current()) return;
    setEngine({ status: 'done', capabilities });
  } catch (err) {
    if (current()) setEngine({ status: 'error', error: serializeError(err) });
    return;
  }
  setPack({ status: 'loading', source: packSource, progress: null });
  try {
    const summary = await own.loadPack(packSource, (p) => current() && useStore.getState().setPackProgress(p));
    if (current()) setPack({ status: 'done', source: packSource, summary });
  } catch (err) {
    if (current()) setPack({ status: 'error', source: packSource, error: serializeError(err) });
  }
}

/** The running worker's API, for features that call it directly (prompt analysis, checks). */
export function engineBridge(): EngineBridge {
  if (!bridge) throw new EngineError('Internal', 'The engine is not started.');
  return bridge;
}

export type FinalEvent = Extract<EngineEvent, { type: 'done' | 'error' | 'cancelled' }>;

/** How long after generate() returns its final event may still be on its way (another port). */
const FINAL_EVENT_GRACE_MS = 10_000;

/**
 * Runs a job; a running job is replaced (the worker cancels it). Resolves with the job's
 * final event (`done` carries the image and the history for scrubbing and saving).
 */
export async function runJob(job: Job): Promise<FinalEvent> {
  const engine = engineBridge();
  const { job: current, startJob, applyEvent } = useStore.getState();
  if (current.status === 'loading' || current.status === 'running') await engine.cancel(current.jobId);
  clearLiveFrames();
  startJob(job.id, performance.now());
  // Events come through the callback's own MessagePort, so generate() may resolve before
  // the final event is delivered: wait for the event itself.
  let resolveFinal: (event: FinalEvent) => void = () => undefined;
  const final = new Promise<FinalEvent>((resolve) => (resolveFinal = resolve));
  let settled = false;
  const settle = (event: FinalEvent) => {
    settled = true;
    resolveFinal(event);
  };
  const fail = (error: FinalEvent) => {
    if (settled) return;
    applyEvent(error, performance.now());
    settle(error);
  };
  engine
    .generate(job, (event) => {
      onEvent(event);
      if (event.type === 'done' || event.type === 'error' || event.type === 'cancelled') settle(event);
    })
    .then(() =>
      setTimeout(
        () =>
          fail({
            type: 'error',
            jobId: job.id,
            error: { kind: 'Internal', message: 'The job ended without a result.' },
          }),
        FINAL_EVENT_GRACE_MS,
      ),
    )
    .catch((err: unknown) => fail({ type: 'error', jobId: job.id, error: serializeError(err) }));
  return final;
}

export async function cancelJob(): Promise<void> {
  const { job } = useStore.getState();
  if (bridge && (job.status === 'loading' || job.status === 'running')) await bridge.cancel(job.jobId);
}

function onEvent(event: EngineEvent): void {
  useStore.getState().applyEvent(event, performance.now());
  const { job } = useStore.getState();
  if (job.status === 'idle' || job.jobId !== event.jobId) return; // a replaced job's late event
  if (event.type === 'step') {
    if (event.preview) liveFrames.preview.publish(event.preview);
    liveFrames.mask.publish(event.mask);
    liveFrames.layerMasks.publish(event.layerMasks);
  } else if (event.type === 'done') {
    liveFrames.preview.publish(event.image);
  }
}
