/**
 * Interrupted downloads: the loader over the OPFS store (on an in-memory OPFS) against a
 * server that cuts a body short, honours Range (206 + Content-Range) or ignores it (200).
 */
import { describe, expect, it } from 'vitest';
import type { PackProgress, PackStorage } from '../protocol';
import { fileOf, makeFixturePack } from '../testing/pack-fixture';
import { MemoryOpfsDirectory } from '../testing/memory-opfs';
import type { FetchFn } from './fetch-file';
import { deviceBudget } from './limits';
import { loadPack } from './loader';
import { OPFS_DIR_NAME, OpfsStore } from './opfs-store';
import { engineErrorOf } from '../testing/engine-error';

const BASE = 'https://packs.example/fixture/';
const budget = deviceBudget({ ep: 'wasm' });
const VICTIM = 'unet.onnx';
const CUT = 600;

interface Server {
  fetchFn: FetchFn;
  /** Each request as `file` or `file bytes=N-`. */
  requests: string[];
  /** Bodies to cut short, once each: file → bytes sent before the connection drops. */
  cuts: Map<string, number>;
  ignoreRange: boolean;
  /** Answer a Range with a 206 that starts elsewhere (a broken server or proxy). */
  wrongRangeStart: boolean;
  /** Bodies that end early but cleanly, once each: file → bytes sent (a proxy that closed the response). */
  shortened: Map<string, number>;
}

function server(files: Map<string, Uint8Array>): Server {
  const s: Server = {
    requests: [],
    cuts: new Map(),
    shortened: new Map(),
    ignoreRange: false,
    wrongRangeStart: false,
    fetchFn: null!,
  };
  s.fetchFn = async (url, init) => {
    const file = url.slice(BASE.length);
    const range = new Headers(init?.headers).get('range');
    s.requests.push(range ? `${file} ${range}` : file);
    const whole = files.get(file);
    if (!whole) return new Response('missing', { status: 404 });
    const from = range && !s.ignoreRange ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    const start = s.wrongRangeStart && from > 0 ? from - 1 : from;
    const body = whole.subarray(start, s.shortened.get(file) ?? whole.length);
    s.shortened.delete(file);
    const cut = s.cuts.get(file);
    s.cuts.delete(file);
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new TypeError('network error: connection reset')); // after the cut
        sent = true;
        controller.enqueue(body.slice(0, cut ?? body.length));
        if (cut === undefined) controller.close();
      },
    });
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    if (start === 0) return new Response(stream, { status: 200, headers });
    headers['content-range'] = `bytes ${start}-${whole.length - 1}/${whole.length}`;
    return new Response(stream, { status: 206, headers });
  };
  return s;
}

async function setup() {
  const { files, manifest } = await makeFixturePack();
  const root = new MemoryOpfsDirectory();
  const store = new OpfsStore(async () => root);
  const stored = () => root.dirs.get(OPFS_DIR_NAME)?.files ?? new Map<string, Uint8Array>();
  const sha = manifest.graphs.unet.sha256;
  return { files, manifest, root, store, stored, sha, srv: server(files) };
}

const graphRequests = (requests: string[]) => requests.filter((r) => r.includes('.onnx'));

describe('an interrupted download', () => {
  it('keeps what arrived, resumes with a Range request, and is never downloaded again', async () => {
    const { files, store, stored, sha, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    const cut = await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    expect(cut.kind).toBe('PackInvalid');
    expect(cut.message).toMatch(/unet\.onnx: download from .* broke off after 600 bytes/);
    expect(stored().get(`${sha}.part`)).toEqual(fileOf(files, VICTIM).subarray(0, CUT));
    expect(stored().has(sha)).toBe(false);

    srv.requests.length = 0;
    const progress: PackProgress[] = [];
    const resumed = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn, onProgress: (p) => progress.push(p) });
    expect(graphRequests(srv.requests)).toEqual([`${VICTIM} bytes=${CUT}-`, 'decoder.onnx']);
    expect(resumed.graphs.unet).toEqual(fileOf(files, VICTIM));
    const victimBytes = fileOf(files, VICTIM).length;
    expect(resumed.downloadedBytes).toBe(victimBytes - CUT + fileOf(files, 'decoder.onnx').length);
    const before = resumed.totalBytes - resumed.storage.neededBytes; // the files before, and the kept part
    expect(resumed.storage.storedBytes).toBe(before);
    expect(progress.at(-1)?.resumedAtBytes).toBeGreaterThan(0);
    expect(stored().has(`${sha}.part`)).toBe(false);
    expect(stored().get(sha)).toEqual(fileOf(files, VICTIM));

    srv.requests.length = 0;
    const third = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(graphRequests(srv.requests)).toEqual([]);
    expect(third.downloadedBytes).toBe(0);
  });

  it('keeps the prefix of a body that ended early but cleanly, and resumes from it', async () => {
    const { files, store, stored, sha, srv } = await setup();
    srv.shortened.set(VICTIM, CUT);
    const short = await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    expect(short.message).toMatch(/unet\.onnx: expected \d+ bytes, got 600 — the file is truncated/);
    expect(stored().get(`${sha}.part`)?.length).toBe(CUT);
    srv.requests.length = 0;
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(graphRequests(srv.requests)[0]).toBe(`${VICTIM} bytes=${CUT}-`);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
  });

  it('verifies a part that holds every byte without downloading it', async () => {
    const { files, store, stored, sha, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    stored().set(`${sha}.part`, fileOf(files, VICTIM).slice()); // the tab closed between the last byte and the check
    srv.requests.length = 0;
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(graphRequests(srv.requests)).toEqual(['decoder.onnx']);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(stored().get(sha)).toEqual(fileOf(files, VICTIM));
  });

  it('starts over, honestly counted, when the server ignores Range (200)', async () => {
    const { files, store, stored, sha, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    srv.ignoreRange = true;
    srv.requests.length = 0;
    const progress: PackProgress[] = [];
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn, onProgress: (p) => progress.push(p) });
    expect(graphRequests(srv.requests)[0]).toBe(`${VICTIM} bytes=${CUT}-`);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(again.downloadedBytes).toBe(fileOf(files, VICTIM).length + fileOf(files, 'decoder.onnx').length);
    expect(progress.every((p) => p.resumedAtBytes === null)).toBe(true);
    expect(stored().get(sha)).toEqual(fileOf(files, VICTIM));
  });

  it('downloads the whole file again when a 206 does not start where asked', async () => {
    const { files, store, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    srv.wrongRangeStart = true;
    srv.requests.length = 0;
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(graphRequests(srv.requests).filter((r) => r.startsWith(VICTIM))).toEqual([
      `${VICTIM} bytes=${CUT}-`,
      VICTIM,
    ]);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
  });

  it('drops a kept part whose resumed file fails its hash and downloads it from byte 0', async () => {
    const { files, store, stored, sha, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    stored().get(`${sha}.part`)![100]! ^= 0xff; // damaged on disk
    srv.requests.length = 0;
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    // Files load a few at a time: the victim's own requests, in order.
    expect(graphRequests(srv.requests).filter((r) => r.startsWith(VICTIM))).toEqual([
      `${VICTIM} bytes=${CUT}-`,
      VICTIM,
    ]);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(stored().get(sha)).toEqual(fileOf(files, VICTIM));
    expect(stored().has(`${sha}.part`)).toBe(false);
  });

  it('drops a complete entry whose hash no longer matches and fetches it again', async () => {
    const { files, store, stored, sha, srv } = await setup();
    await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    stored().get(sha)![10]! ^= 0xff;
    srv.requests.length = 0;
    const again = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(graphRequests(srv.requests)).toEqual([VICTIM]);
    expect(again.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(stored().get(sha)).toEqual(fileOf(files, VICTIM));
  });
});

describe('storage', () => {
  it('refuses a pack that does not fit, naming both figures, before any download and deleting nothing', async () => {
    const { store, stored, sha, srv } = await setup();
    srv.cuts.set(VICTIM, CUT);
    await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn }));
    srv.requests.length = 0;
    const storage = { estimate: async () => ({ quota: 1_000_000, usage: 999_000 }) };
    const full = await engineErrorOf(loadPack(BASE, { budget, store, fetchFn: srv.fetchFn, storage }));
    expect(full.kind).toBe('StorageFull');
    expect(full.message).toMatch(/needs \d+\.\d MB more of this browser's storage, but only 0\.0 MB is left/);
    expect(graphRequests(srv.requests)).toEqual([]);
    expect(stored().get(`${sha}.part`)?.length).toBe(CUT);
  });

  it('counts what is stored against the quota and reports the figures before downloading', async () => {
    const { store, srv } = await setup();
    const seen: PackStorage[] = [];
    const storage = { estimate: async () => ({ quota: 10_000_000, usage: 0 }), persisted: async () => false };
    const first = await loadPack(BASE, {
      budget,
      store,
      fetchFn: srv.fetchFn,
      storage,
      onStorage: (s) => seen.push(s),
    });
    expect(seen[0]).toMatchObject({
      store: 'opfs',
      storedBytes: 0,
      neededBytes: first.totalBytes,
      availableBytes: 10_000_000,
      persistWanted: false, // a small pack
      persisted: false,
      warnings: [],
    });
    const second = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn, storage });
    expect(second.storage).toMatchObject({ storedBytes: first.totalBytes, neededBytes: 0 });
  });

  it('surfaces a failing write as a warning, and the pack still loads', async () => {
    const { files, root, store, srv } = await setup();
    await store.storedBytes('x'); // creates the pack folder
    root.dirs.get(OPFS_DIR_NAME)!.failWrites = new DOMException('quota exceeded', 'QuotaExceededError');
    const seen: PackStorage[] = [];
    const pack = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn, onStorage: (s) => seen.push(s) });
    expect(pack.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(pack.storage.warnings.length).toBeGreaterThan(0);
    expect(pack.storage.warnings.join('\n')).toMatch(/unet\.onnx: writing it to storage failed \(QuotaExceededError/);
    expect(seen.at(-1)?.warnings).toEqual(pack.storage.warnings);
  });

  it('downloads into memory, with a warning, while another tab holds the same file', async () => {
    const { files, store, sha, srv } = await setup();
    const other = await store.openPartial(sha); // another tab's download of the same file
    const pack = await loadPack(BASE, { budget, store, fetchFn: srv.fetchFn });
    expect(pack.graphs.unet).toEqual(fileOf(files, VICTIM));
    expect(pack.storage.warnings.join('\n')).toMatch(/unet\.onnx: could not be stored as it downloads/);
    await other.close();
  });
});
