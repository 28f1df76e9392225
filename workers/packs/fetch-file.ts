/**
 * Streams one pack file into memory with progress, refusing it as early as possible:
 * HTTP errors, an HTML content type, a Content-Length above the manifest's byte count, or a
 * body that keeps going past it (an untrusted server cannot make us buffer more than the
 * manifest promised). Integrity (hash) is checked by the caller once the bytes are in.
 */
import { EngineError, packInvalid } from '../errors';
import { htmlInsteadOf } from './sniff';

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

export interface FetchFileOptions {
  /** Called with the bytes received so far for this file. */
  onBytes?: (loaded: number) => void;
  signal?: AbortSignal | undefined;
  fetchFn?: FetchFn;
}

export async function fetchFile(
  url: string,
  file: string,
  expectedBytes: number,
  opts: FetchFileOptions = {},
): Promise<Uint8Array> {
  const fetchFn = opts.fetchFn ?? ((u, i) => fetch(u, i));
  let res: Response;
  try {
    res = await fetchFn(url, opts.signal ? { signal: opts.signal } : {});
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError')
      throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    if (e instanceof EngineError) throw e; // a FetchFn's own refusal (a file a folder lacks)
    throw packInvalid(file, `could not be downloaded from ${url} (network error or blocked by CORS)`, String(e));
  }
  if (!res.ok) {
    const hint = res.status === 404 ? ' — the file is missing from the pack' : '';
    throw packInvalid(file, `HTTP ${res.status} ${res.statusText} from ${url}${hint}`);
  }
  if ((res.headers.get('content-type') ?? '').toLowerCase().includes('text/html')) {
    await res.body?.cancel();
    throw packInvalid(file, htmlInsteadOf(file, url));
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  // With Content-Encoding the header counts compressed bytes, so it only bounds from above when absent.
  if (!res.headers.has('content-encoding') && Number.isFinite(length) && length > expectedBytes) {
    await res.body?.cancel();
    throw packInvalid(
      file,
      `the server sends ${length} bytes, the manifest says ${expectedBytes} — stale or wrong file`,
    );
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer());

  const out = new Uint8Array(expectedBytes);
  let loaded = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > expectedBytes) {
        throw packInvalid(
          file,
          `the server sent more than the ${expectedBytes} bytes the manifest lists — stale or wrong file`,
        );
      }
      out.set(value, loaded);
      loaded += value.length;
      opts.onBytes?.(loaded);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof EngineError) throw e;
    if (e instanceof Error && e.name === 'AbortError')
      throw new EngineError('Cancelled', 'Pack loading was cancelled.');
    throw packInvalid(file, `download from ${url} broke off after ${loaded} bytes`, String(e));
  }
  // Shorter than promised: hand back what came so verifyFile names it "truncated".
  return loaded === expectedBytes ? out : out.slice(0, loaded);
}
