/**
 * Glue between the worker bridge and the store: starts the worker with the chosen execution
 * provider, loads the pack, runs jobs and routes their events (counters to the store, pixels
 * to the live frames). The only module that holds the bridge. Which job runs is the
 * worker's decision (a new job replaces the running one); the page only sends jobs.
 */
import { EngineError, serializeError } from '../../workers/errors';
import type { EngineEvent, EpPreference, FinalEvent, Job, LoadProgress, PackSource } from '../../workers/protocol';
import { PACK_ANSWERED_MARK } from '../../workers/protocol';
import { clearLiveFrames, liveFrames } from './live-frames';
import { createEngineBridge, type EngineBridge } from './bridge';
import { askPersistence } from '../lib/persist-storage';
import { readPackSource, readWasmThreads } from '../lib/url-options';
import { useStore } from '../store';

let bridge: EngineBridge | null = null;
let starting: Promise<void> | null = null;
/** Counts restartEngine calls: of overlapping restarts only the last starts a worker. */
let restarts = 0;
/**
 * The pack the page asked for last: a restart that names none (the EP toggle, a retry) loads
 * this one, even while an earlier switch to it is still waiting for the old worker to go.
 */
let requestedPack: PackSource | null = null;

/** Starts the worker once per page (idempotent, so React's double effects are harmless). */
export function ensureEngineStarted(packSource: PackSource): Promise<void> {
  requestedPack ??= packSource;
  starting ??= start(useStore.getState().epPreference, packSource);
  return starting;
}

/**
 * Rebuilds the worker: with another pack (a folder, the default one), or with the pack asked
 * for last when none is given (the EP toggle, a retry after a lost device).
 */
export async function restartEngine(ep: EpPreference, packSource?: PackSource): Promise<void> {
  const mine = ++restarts;
  if (packSource) requestedPack = packSource;
  const pack = requestedPack ?? readPackSource(window.location.search);
  const old = bridge;
  bridge = null;
  useStore.getState().setEpPreference(ep);
  // From now on no worker answers until the new one has started (disposal can take seconds):
  // Generate, the prompt analysis and the checks wait for the pack instead of calling nothing.
  showLoading(pack);
  await old?.dispose().catch(() => undefined);
  // A later restart (the toggle pressed again while the old worker was being disposed) wins:
  // starting this one as well would leave a worker on the earlier choice in charge, and it
  // keeps the pack an earlier restart asked for unless it names another.
  if (mine !== restarts) return;
  starting = start(ep, pack);
  return starting;
}

/** The engine and the pack as loading, with the pack asked for. */
function showLoading(packSource: PackSource): void {
  const { setEngine, setPack } = useStore.getState();
  setEngine({ status: 'loading' });
  setPack({ status: 'loading', source: packSource, progress: null, step: null, storage: null });
}

async function start(ep: EpPreference, packSource: PackSource): Promise<void> {
  const own = createEngineBridge(ep);
  bridge = own;
  // A restart replaces the bridge; the old start() must not write over the new one's state.
  const current = () => bridge === own;
  const { setEngine, setPack } = useStore.getState();
  // The pack loads while the worker probes the device: neither waits for the other (the
  // worker asks for the GPU adapter once, and not at all for loading when WASM was chosen).
  showLoading(packSource);
  // Asked once per load, before the download, when the worker says the pack is worth keeping.
  let persistence = null as Promise<boolean | null> | null; // set in the callback below
  const onProgress = (p: LoadProgress) => {
    if (!current()) return;
    if (p.step === 'storage' && p.storage.persistWanted && p.storage.persisted !== true)
      persistence ??= askPersistence();
    useStore.getState().setPackProgress(p);
  };
  const loadingPack = own.loadPack(packSource, onProgress, { wasmThreads: readWasmThreads(window.location.search) });
  loadingPack.catch(() => undefined); // answered below
  try {
    const capabilities = await own.capabilities();
    if (current()) setEngine({ status: 'done', capabilities });
  } catch (err) {
    if (current()) setEngine({ status: 'error', error: serializeError(err) });
  }
  try {
    const loadedPack = await loadingPack;
    performance.mark(PACK_ANSWERED_MARK); // tools/bench-ready.ts: the worker's answer reached the page
    const persisted = persistence ? await persistence : null;
    const summary = persisted === null ? loadedPack : { ...loadedPack, storage: { ...loadedPack.storage, persisted } };
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

/**
 * Runs a job. The worker replaces a running one (which ends `cancelled`) and resolves with
 * the job's final event (`done` carries the image and the history for scrubbing and saving).
 */
export async function runJob(job: Job): Promise<FinalEvent> {
  const engine = engineBridge();
  clearLiveFrames();
  useStore.getState().startJob(job.id, performance.now());
  // Progress comes through the callback's own MessagePort, so a step may arrive after
  // generate() resolved with the final event: nothing is applied after that.
  let ended = false;
  let final: FinalEvent;
  try {
    final = await engine.generate(job, (event) => ended || onEvent(event));
  } catch (err) {
    final = { type: 'error', jobId: job.id, error: serializeError(err) }; // the worker went away
  }
  ended = true;
  onEvent(final);
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
