/**
 * Retry after a failure that needs a fresh worker (a lost GPU device, out of memory, an
 * engine or pack that failed to start): the worker is replaced, not repaired, and the pack
 * reloads (from the Cache API, no download; a folder pack from its folder again). The
 * person's inputs, settings and gallery live in the page and are untouched. Choosing
 * another pack (the default one, a folder) goes through the same fresh worker.
 */
import type { FolderPack, PackSource } from '../../workers/protocol';
import { DEFAULT_PACK, withoutPack } from '../lib/url-options';
import { useStore } from '../store';
import { restartEngine } from './session';

export async function retryEngine(): Promise<void> {
  // The failed job's error is answered by the restart; the next Generate starts clean.
  useStore.setState({ job: { status: 'idle' } });
  await restartEngine(useStore.getState().epPreference); // the pack asked for last
}

/** Another pack in a fresh worker; the address drops `?pack=` (it cannot name this pack). */
async function switchPack(source: PackSource): Promise<void> {
  window.history.replaceState(null, '', withoutPack(window.location.href));
  useStore.setState({ job: { status: 'idle' } });
  await restartEngine(useStore.getState().epPreference, source);
}

/**
 * After a refused pack: the embedded one. The address drops `?pack=` so a reload (and the EP
 * switch) keeps the default; inputs stay as they are.
 */
export function loadDefaultPack(): Promise<void> {
  return switchPack(DEFAULT_PACK);
}

/**
 * A pack from a folder on this computer: its files go to the worker as File handles, never
 * uploaded. A reload cannot reopen the folder, so it brings back the default pack.
 */
export function loadFolderPack(folder: FolderPack): Promise<void> {
  return switchPack(folder);
}
