/**
 * Retry after a failure that needs a fresh worker (a lost GPU device, out of memory, an
 * engine or pack that failed to start): the worker is replaced, not repaired, and the pack
 * reloads (from the Cache API, no download). The person's inputs, settings and gallery live
 * in the page and are untouched.
 */
import { DEFAULT_PACK, readPackSource, withoutPack } from '../lib/url-options';
import { useStore } from '../store';
import { restartEngine } from './session';

export async function retryEngine(): Promise<void> {
  const { epPreference, pack } = useStore.getState();
  const source = pack.status === 'idle' ? readPackSource(window.location.search) : pack.source;
  // The failed job's error is answered by the restart; the next Generate starts clean.
  useStore.setState({ job: { status: 'idle' } });
  await restartEngine(epPreference, source);
}

/**
 * After a refused pack: the embedded one, in a fresh worker. The address drops `?pack=` so a
 * reload (and the EP switch, which reads it) keeps the default; inputs stay as they are.
 */
export async function loadDefaultPack(): Promise<void> {
  window.history.replaceState(null, '', withoutPack(window.location.href));
  useStore.setState({ job: { status: 'idle' } });
  await restartEngine(useStore.getState().epPreference, DEFAULT_PACK);
}
