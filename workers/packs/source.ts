/**
 * Where a pack comes from: a pack shipped with the app (`toyworld` → `<app>/models/toyworld/`),
 * a URL the user typed, or a folder the user picked on their disk. User URLs are untrusted
 * input: only https (http only for the app's own origin). Whatever the source, its files go
 * through the same schema, hash and size checks as shipped packs (loader.ts).
 */
import { EngineError } from '../errors';
import type { FolderPack, PackSource } from '../protocol';
import type { FetchFn } from './fetch-file';
import { FOLDER_BASE, folderFetch } from './folder-source';

/** How the loader reaches a pack's files. */
export interface PackLocation {
  /** Absolute URL of the pack folder, ending in `/` (`folder:///` for a folder on disk). */
  baseUrl: string;
  /** Reads the files from the person's disk; absent: the network. */
  fetchFn?: FetchFn;
  /** The folder on disk, whose files are neither downloaded nor copied into the browser's cache. */
  folder: FolderPack | null;
}

export function locatePack(source: PackSource, appBase: string, underPageCsp = true): PackLocation {
  if (typeof source !== 'string') return { baseUrl: FOLDER_BASE, fetchFn: folderFetch(source), folder: source };
  return { baseUrl: resolvePackSource(source, appBase, underPageCsp), folder: null };
}

const PACK_NAME = /^[a-z0-9-]+$/;

/**
 * @param source a shipped pack's name, an app-relative path, or an http(s) URL (folder or pack.json)
 * @param appBase absolute URL of the app root, ending in `/`
 * @param underPageCsp whether the caller runs under the page's Content-Security-Policy (the
 *   app's worker does; Node tools and tests do not, and may fetch from any http server)
 * @returns absolute URL of the pack folder, ending in `/`
 */
export function resolvePackSource(source: string, appBase: string, underPageCsp = true): string {
  const s = source.trim();
  if (s === '') throw new EngineError('BadInput', 'No pack given: name a shipped pack or paste a pack URL.');
  let url: URL;
  try {
    url = PACK_NAME.test(s) ? new URL(`models/${s}/`, appBase) : new URL(s, appBase);
  } catch {
    throw new EngineError('BadInput', `"${s}" is neither a pack name nor a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EngineError('BadInput', `Packs load over http(s) only, not ${url.protocol} ("${s}").`);
  }
  url.search = '';
  url.hash = '';
  if (url.pathname.endsWith('/pack.json')) url.pathname = url.pathname.slice(0, -'pack.json'.length);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (underPageCsp && url.protocol === 'http:' && url.origin !== new URL(appBase).origin) {
    // The page's CSP (vite.config.ts: connect-src 'self' https:) would block the fetch, and
    // the browser would only say "failed to fetch": name the real reason before trying.
    const secure = new URL(url.href);
    secure.protocol = 'https:';
    throw new EngineError(
      'BadInput',
      `${url.href} is an http: address, and this page's Content-Security-Policy (connect-src 'self' https:) lets it fetch packs from other servers only over https:. Use ${secure.href} if that server offers it.`,
    );
  }
  return url.href;
}
