import { describe, expect, it } from 'vitest';
import type { PackProgress } from '../protocol';
import type { BlobStore } from './blob-store';
import { fakeOnnx, fileOf, makeFixturePack, memoryFetch } from '../testing/pack-fixture';
import { engineErrorOf } from '../testing/engine-error';
import { sha256Hex, verifyFile } from './integrity';
import { deviceBudget } from './limits';
import { loadPack } from './loader';

const BASE = 'https://packs.example/fixture/';
const budget = deviceBudget({ ep: 'wasm' });

class MemoryStore implements BlobStore {
  readonly kind = 'memory';
  readonly entries = new Map<string, Uint8Array>();
  async storedBytes(sha: string) {
    return this.entries.get(sha)?.length ?? 0;
  }
  async get(sha: string) {
    return this.entries.get(sha) ?? null;
  }
  async put(sha: string, bytes: Uint8Array) {
    this.entries.set(sha, bytes.slice());
  }
  async delete(sha: string) {
    this.entries.delete(sha);
  }
  readonly texts = new Map<string, string>();
  async getText(url: string) {
    return this.texts.get(url) ?? null;
  }
  async putText(url: string, text: string) {
    this.texts.set(url, text);
  }
}

async function expectPackInvalid(p: Promise<unknown>, file: string, message: RegExp): Promise<void> {
  const err = await engineErrorOf(p);
  expect(err.kind).toBe('PackInvalid');
  expect(err.file).toBe(file);
  expect(err.message).toMatch(message);
}

describe('verifyFile', () => {
  it('accepts the right bytes and names the file on a wrong hash', async () => {
    const bytes = fakeOnnx(64, 7);
    const ref = { file: 'unet.onnx', bytes: 64, sha256: await sha256Hex(bytes) };
    await verifyFile(ref, bytes);
    const other = fakeOnnx(64, 8);
    await expectPackInvalid(
      verifyFile(ref, other),
      'unet.onnx',
      /unet\.onnx: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64} — the file is corrupt or stale/,
    );
  });

  it('calls a short file truncated', async () => {
    const bytes = fakeOnnx(64, 7);
    const ref = { file: 'unet.onnx', bytes: 64, sha256: await sha256Hex(bytes) };
    await expectPackInvalid(
      verifyFile(ref, bytes.slice(0, 40)),
      'unet.onnx',
      /expected 64 bytes, got 40 — the file is truncated/,
    );
  });

  it('recognizes HTML and non-ONNX bytes', async () => {
    const html = new TextEncoder().encode('<!doctype html><html></html>');
    await expectPackInvalid(
      verifyFile({ file: 'unet.onnx', bytes: html.length, sha256: '0'.repeat(64) }, html),
      'unet.onnx',
      /HTML page instead of the model(?![^]*missing)/,
    );
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    await expectPackInvalid(
      verifyFile({ file: 'unet.onnx', bytes: 8, sha256: await sha256Hex(png) }, png),
      'unet.onnx',
      /not an ONNX model/,
    );
  });
});

describe('loadPack', () => {
  it('loads, reports progress, and makes no graph request on the second visit', async () => {
    const { files, manifest } = await makeFixturePack();
    const store = new MemoryStore();
    const requested: string[] = [];
    const progress: PackProgress[] = [];
    const first = await loadPack(BASE, {
      budget,
      store,
      fetchFn: memoryFetch(BASE, files, requested),
      onProgress: (p) => progress.push(p),
    });
    expect(Object.keys(first.graphs).sort()).toEqual(['decoder', 'imageEncoder', 'textEncoder', 'unet']);
    expect(first.downloadedBytes).toBe(first.totalBytes);
    expect(progress.at(-1)).toMatchObject({
      loadedBytes: first.totalBytes,
      totalBytes: first.totalBytes,
      fromCache: false,
    });
    expect(requested.filter((u) => u.endsWith('.onnx'))).toHaveLength(4);

    requested.length = 0;
    const second = await loadPack(BASE, { budget, store, fetchFn: memoryFetch(BASE, files, requested) });
    expect(requested).toEqual([`${BASE}pack.json`]);
    expect(second.downloadedBytes).toBe(0);
    expect(second.graphs.unet).toEqual(files.get(manifest.graphs.unet.file));
  });

  it('downloads a few files at once (never more than three), with progress that only grows', async () => {
    const { files } = await makeFixturePack();
    const inner = memoryFetch(BASE, files);
    let inFlight = 0;
    let most = 0;
    const slow: typeof inner = async (url, init) => {
      if (!url.endsWith('.onnx')) return inner(url, init);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5)); // the request's latency, while others are asked
      const res = await inner(url, init);
      inFlight--;
      return res;
    };
    const progress: PackProgress[] = [];
    const pack = await loadPack(BASE, { budget, fetchFn: slow, onProgress: (p) => progress.push(p) });
    expect(most).toBe(3);
    const loaded = progress.map((p) => p.loadedBytes);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded.at(-1)).toBe(pack.totalBytes);
  });

  it('loads only the files `only` selects; progress counts them, totalBytes the whole pack', async () => {
    const { files, manifest } = await makeFixturePack();
    const requested: string[] = [];
    const progress: PackProgress[] = [];
    const pack = await loadPack(BASE, {
      budget,
      fetchFn: memoryFetch(BASE, files, requested),
      onProgress: (p) => progress.push(p),
      only: (f) => f.graph !== 'unet',
    });
    expect(Object.keys(pack.graphs).sort()).toEqual(['decoder', 'imageEncoder', 'textEncoder']);
    expect(requested).not.toContain(`${BASE}unet.onnx`);
    const selected = pack.totalBytes - manifest.graphs.unet.bytes;
    expect(progress.at(-1)).toMatchObject({ loadedBytes: selected, totalBytes: selected });
    expect(pack.downloadedBytes).toBe(selected);
  });

  it('loads a visited pack offline: last good manifest, graphs from the store', async () => {
    const { files } = await makeFixturePack();
    const store = new MemoryStore();
    await loadPack(BASE, { budget, store, fetchFn: memoryFetch(BASE, files) });
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    const again = await loadPack(BASE, { budget, store, fetchFn: offline });
    expect(again.downloadedBytes).toBe(0);
    await expectPackInvalid(loadPack(BASE, { budget, fetchFn: offline }), 'pack.json', /could not be downloaded/);
  });

  it('drops a stale cache entry and refetches it', async () => {
    const { files, manifest } = await makeFixturePack();
    const store = new MemoryStore();
    await loadPack(BASE, { budget, store, fetchFn: memoryFetch(BASE, files) });
    store.entries.set(manifest.graphs.unet.sha256, fakeOnnx(manifest.graphs.unet.bytes, 99));
    const requested: string[] = [];
    const again = await loadPack(BASE, { budget, store, fetchFn: memoryFetch(BASE, files, requested) });
    expect(requested).toEqual([`${BASE}pack.json`, `${BASE}unet.onnx`]);
    expect(again.graphs.unet).toEqual(files.get('unet.onnx'));
    expect(store.entries.get(manifest.graphs.unet.sha256)).toEqual(files.get('unet.onnx'));
  });

  it('names a missing file', async () => {
    const { files } = await makeFixturePack();
    files.delete('decoder.onnx');
    await expectPackInvalid(
      loadPack(BASE, { budget, fetchFn: memoryFetch(BASE, files) }),
      'decoder.onnx',
      /HTTP 404.*missing from the pack/,
    );
  });

  it('names a corrupted file and does not cache it', async () => {
    const { files, manifest } = await makeFixturePack();
    const bad = fileOf(files, 'unet.onnx').slice();
    bad[500] = (bad[500] ?? 0) ^ 0xff;
    files.set('unet.onnx', bad);
    const store = new MemoryStore();
    await expectPackInvalid(
      loadPack(BASE, { budget, store, fetchFn: memoryFetch(BASE, files) }),
      'unet.onnx',
      /expected sha256/,
    );
    expect(store.entries.has(manifest.graphs.unet.sha256)).toBe(false);
  });

  it('names a truncated file', async () => {
    const { files } = await makeFixturePack();
    files.set('text_encoder.onnx', fileOf(files, 'text_encoder.onnx').slice(0, 100));
    await expectPackInvalid(
      loadPack(BASE, { budget, fetchFn: memoryFetch(BASE, files) }),
      'text_encoder.onnx',
      /truncated/,
    );
  });

  it('refuses a file longer than the manifest says while streaming', async () => {
    const { files } = await makeFixturePack();
    const base = memoryFetch(BASE, files);
    const fetchFn = async (url: string, init?: RequestInit) => {
      if (!url.endsWith('unet.onnx')) return base(url, init);
      return new Response(fakeOnnx(5000, 1) as Uint8Array<ArrayBuffer>); // no content-length: caught while reading
    };
    await expectPackInvalid(loadPack(BASE, { budget, fetchFn }), 'unet.onnx', /more than the \d+ bytes/);
  });

  it('recognizes an HTML page served instead of a model', async () => {
    const { files } = await makeFixturePack();
    const base = memoryFetch(BASE, files);
    const fetchFn = async (url: string, init?: RequestInit) =>
      url.endsWith('unet.onnx')
        ? new Response('<!doctype html><div id="root"></div>', { headers: { 'content-type': 'text/html' } })
        : base(url, init);
    await expectPackInvalid(
      loadPack(BASE, { budget, fetchFn }),
      'unet.onnx',
      /HTML page instead of the model \(https:.*unet\.onnx\)(?![^]*missing)/,
    );
  });

  it('refuses a pack too large for the device before downloading any graph', async () => {
    const { files, manifest } = await makeFixturePack();
    const huge = structuredClone(manifest);
    huge.graphs.unet.bytes = 1_900_000_000;
    files.set('pack.json', new TextEncoder().encode(JSON.stringify(huge)));
    const requested: string[] = [];
    await expectPackInvalid(
      loadPack(BASE, {
        budget: deviceBudget({ ep: 'webgpu', deviceMemoryGiB: 2 }),
        fetchFn: memoryFetch(BASE, files, requested),
      }),
      'pack.json',
      /needs 1812 MB, more than this device allows \(1024 MB, half of this device's ~2 GiB of memory\); nothing was downloaded/,
    );
    expect(requested).toEqual([`${BASE}pack.json`]);
  });
});
