/**
 * A pack in a folder on the person's disk: the loader reads it through a FetchFn that
 * answers from the folder's File objects, so pack.json's schema, the sizes, the SHA-256
 * hashes and the HTML sniff are the same checks, in the same place, as for a URL.
 * Nothing is uploaded and nothing is copied into the Cache API (the files are on disk).
 */
import { packInvalid } from '../errors';
import type { ExampleReference, FolderPack } from '../protocol';
import type { FetchFn } from './fetch-file';

/**
 * The base URL the loader resolves a folder pack's file names against. Only the FetchFn
 * below reads it; a non-special scheme keeps `new URL(file, base)` a plain path join.
 */
export const FOLDER_BASE = 'folder:///';

/** `folder:///examples/a%20b.png` → `examples/a b.png` (null: not a folder pack's URL). */
function pathOf(url: string): string | null {
  if (!url.startsWith(FOLDER_BASE)) return null;
  const path = new URL(url).pathname.slice(1);
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    return path;
  }
}

function missing(path: string, folder: FolderPack): string {
  if (path !== 'pack.json') return `is named in pack.json, but the folder ‘${folder.name}’ has no such file`;
  // The person may have picked the folder above the pack: point at the pack inside.
  const nested = folder.files.find((f) => /^[^/]+\/pack\.json$/.test(f.path));
  const hint = nested
    ? ` It holds ${nested.path}: choose the folder ‘${nested.path.split('/')[0] ?? ''}’ instead.`
    : ' Choose the folder that holds the pack’s pack.json.';
  return `is not in the folder ‘${folder.name}’, so it is not a model pack.${hint}`;
}

function aborted(): Error {
  const e = new Error('Pack loading was cancelled.');
  e.name = 'AbortError';
  return e;
}

/** A FetchFn over the folder's files; a file the folder lacks is refused by name. */
export function folderFetch(folder: FolderPack): FetchFn {
  const byPath = new Map(folder.files.map((f) => [f.path, f.file]));
  return async (url, init) => {
    if (init?.signal?.aborted) throw aborted();
    const path = pathOf(url) ?? url;
    const file = byPath.get(path);
    if (!file) throw packInvalid(path, missing(path, folder));
    // The size lets the loader refuse a wrong file before reading it; the type (from the
    // file's extension) lets it refuse an HTML page saved where a graph should be.
    const headers: Record<string, string> = { 'content-length': String(file.size) };
    if (file.type) headers['content-type'] = file.type;
    return new Response(file, { headers });
  };
}

/** The examples a folder pack lists, with their files from the folder (those it lacks are left out). */
export function folderExamples(references: readonly ExampleReference[], folder: FolderPack): ExampleReference[] {
  const byPath = new Map(folder.files.map((f) => [f.path, f.file]));
  return references.flatMap((r) => {
    const path = pathOf(r.url);
    const file = path === null ? undefined : byPath.get(path);
    return file ? [{ ...r, file }] : [];
  });
}
