/**
 * Streams one pack file into memory with progress, refusing it as early as possible:
 * HTTP errors, an HTML content type, a Content-Length above the manifest's byte count, or a
 * body that keeps going past it (an untrusted server cannot make us buffer more than the
 * manifest promised). Integrity (hash) is checked by the caller once the bytes are in.
 *
 * Resuming: given the bytes a store already holds, it asks for the rest with
 * `Range: bytes=N-` and accepts only a `206` whose Content-Range starts at N; a `200` (the
 * server ignores Range) is the whole file again, taken from byte 0. Each chunk also goes to
 * `sink` at its offset, so a store can keep it as it arrives. One buffer of the file's size
 * is the only copy held.
 */
import { EngineError, packInvalid } from '../errors';
import { htmlInsteadOf } from './sniff';

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

export interface FetchFileOptions {
  /** The bytes of this file in memory so far, and how many of them were stored before (a resumed download). */
  onBytes?: (loaded: number, resumedFrom: number) => void;
  signal?: AbortSignal | undefined;
  fetchFn?: FetchFn;
  /** The first `from` bytes are stored already: `read` copies them in once the server agreed to send the rest. */
  resume?: { from: number; read: (into: Uint8Array) => Promise<void> } | undefined;
  /** Each chunk as it arrives, at its offset in the file (0 again when the server restarted the file). */
  sink?: ((chunk: Uint8Array, at: number) => Promise<void>) | undefined;
}

export interface FetchedFile {
  /** The file (shorter than promised when the body ended early: the caller's check calls it truncated). */
  bytes: Uint8Array;
  /** Where the body continued a stored prefix (0: the whole file came over the network). */
  resumedFrom: number;
  /** Bytes that came over the network. */
  networkBytes: number;
}

/** `bytes 100-999/1000` → 100; null for anything else. */
function rangeStart(contentRange: string | null): number | null {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(contentRange?.trim() ?? '');
  return m ? Number(m[1]) : null;
}

export async function fetchFile(
  url: string,
  file: string,
  expectedBytes: number,
  opts: FetchFileOptions = {},
): Promise<FetchedFile> {
  const fetchFn = opts.fetchFn ?? ((u, i) => fetch(u, i));
  const from = opts.resume && opts.resume.from > 0 && opts.resume.from < expectedBytes ? opts.resume.from : 0;
  const init: RequestInit = {};
  if (opts.signal) init.signal = opts.signal;
  if (from > 0) init.headers = { Range: `bytes=${from}-` };
  let res: Response;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError')
      throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    if (e instanceof EngineError) throw e; // a FetchFn's own refusal (a file a folder lacks)
    throw packInvalid(file, `could not be downloaded from ${url} (network error or blocked by CORS)`, String(e));
  }
  if (
    from > 0 &&
    (res.status === 416 || (res.status === 206 && rangeStart(res.headers.get('content-range')) !== from))
  ) {
    // Not the rest we asked for: ask for the whole file instead of guessing how the pieces fit.
    await res.body?.cancel();
    return fetchFile(url, file, expectedBytes, { ...opts, resume: undefined });
  }
  if (!res.ok) {
    const hint = res.status === 404 ? ' — the file is missing from the pack' : '';
    throw packInvalid(file, `HTTP ${res.status} ${res.statusText} from ${url}${hint}`);
  }
  const start = res.status === 206 ? from : 0; // 200: the server ignored Range and sends it all
  if ((res.headers.get('content-type') ?? '').toLowerCase().includes('text/html')) {
    await res.body?.cancel();
    throw packInvalid(file, htmlInsteadOf(file, url));
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  // With Content-Encoding the header counts compressed bytes, so it only bounds from above when absent.
  if (!res.headers.has('content-encoding') && Number.isFinite(length) && start + length > expectedBytes) {
    await res.body?.cancel();
    throw packInvalid(
      file,
      `the server sends ${start + length} bytes, the manifest says ${expectedBytes} — stale or wrong file`,
    );
  }
  const out = new Uint8Array(expectedBytes);
  if (start > 0) await opts.resume?.read(out.subarray(0, start));
  let loaded = start;
  const take = async (value: Uint8Array) => {
    if (loaded + value.length > expectedBytes) {
      throw packInvalid(
        file,
        `the server sent more than the ${expectedBytes} bytes the manifest lists — stale or wrong file`,
      );
    }
    out.set(value, loaded);
    await opts.sink?.(value, loaded);
    loaded += value.length;
    opts.onBytes?.(loaded, start);
  };
  if (!res.body) await take(new Uint8Array(await res.arrayBuffer()));
  else {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await take(value);
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      if (e instanceof EngineError) throw e;
      if (e instanceof Error && e.name === 'AbortError')
        throw new EngineError('Cancelled', 'Pack loading was cancelled.');
      throw packInvalid(file, `download from ${url} broke off after ${loaded} bytes`, String(e));
    }
  }
  // Shorter than promised: hand back what came so verifyFile names it "truncated".
  const bytes = loaded === expectedBytes ? out : out.slice(0, loaded);
  return { bytes, resumedFrom: start, networkBytes: loaded - start };
}
