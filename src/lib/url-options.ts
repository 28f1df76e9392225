/**
 * Options the page reads from its own URL: `?ep=webgpu|wasm|auto` forces the execution
 * provider (tests force webgpu), `?pack=<name or url>` loads another pack than the embedded default,
 * and with `?testHooks` (tests and `npm run bench:browser` only) `wasmThreads=N` sets the
 * worker's WASM thread count.
 */
import type { EpPreference } from '../../workers/protocol';

/** The embedded default pack: a name under public/models/ (the worker resolves names and URLs). */
export const DEFAULT_PACK = 'toyworld';

const EP_PREFERENCES: readonly EpPreference[] = ['auto', 'webgpu', 'wasm'];

export function readEpPreference(search: string): EpPreference {
  const value = new URLSearchParams(search).get('ep');
  return EP_PREFERENCES.find((ep) => ep === value) ?? 'auto';
}

export function readPackSource(search: string): string {
  const value = new URLSearchParams(search).get('pack')?.trim();
  return value ? value : DEFAULT_PACK;
}

/** `?testHooks&wasmThreads=N` (1–64): the WASM threads the worker uses instead of its own choice. */
export function readWasmThreads(search: string): number | undefined {
  const flags = new URLSearchParams(search);
  const n = Number(flags.get('wasmThreads') ?? NaN);
  return flags.has('testHooks') && Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
}

/** The same URL with `ep` set (`auto` removes it), keeping every other parameter. */
export function withEpPreference(href: string, ep: EpPreference): string {
  const url = new URL(href);
  if (ep === 'auto') url.searchParams.delete('ep');
  else url.searchParams.set('ep', ep);
  return url.toString();
}

/** The same URL without `pack` (the embedded default), keeping every other parameter. */
export function withoutPack(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('pack');
  return url.toString();
}
