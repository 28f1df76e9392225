/**
 * Retry after a failure that needs a fresh worker (a lost GPU device, out of memory, an
 * engine or pack that failed to start): the worker is replaced, not repaired, and the pack
 * reloads (from the Cache API, no download). The person's inputs, settings and gallery live
 * in the page and are untouched.
 */
import { readPackSource } from '../lib/url-options';
import { useStore } from '../store';
import { restartEngine } from './session';

export async function retryEngine(): Promise<void> {
  const { epPreference, pack } = useStore.getState();
  const source = pack.status === 'idle' ? readPackSource(window.location.search) : pack.source;
  // The failed job's error is answered by the restart; the next Generate starts clean.
  useStore.setState({ job: { status: 'idle' } });
  await restartEngine(epPreference, source);
}
