import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderPack } from '../protocol';
import { folderExamples } from './folder-source';
import { deviceBudget } from './limits';
import { loadPack } from './loader';
import { locatePack } from './source';
import { engineErrorOf } from '../testing/engine-error';

const PACK_DIR = 'public/models/test-tiny';
const budget = deviceBudget({ ep: 'wasm' });

/** The committed test pack as a folder input would give it: every file under the folder, by path. */
function testTinyFolder(): FolderPack {
  const files: FolderPack['files'] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push({ path: relative(PACK_DIR, full), file: new File([readFileSync(full)], name) });
    }
  };
  walk(PACK_DIR);
  return { kind: 'folder', name: 'test-tiny', files };
}

function withFile(folder: FolderPack, path: string, file: File | null): FolderPack {
  const others = folder.files.filter((f) => f.path !== path);
  return { ...folder, files: file ? [...others, { path, file }] : others };
}

function load(folder: FolderPack) {
  const { baseUrl, fetchFn } = locatePack(folder, 'http://localhost/');
  return loadPack(baseUrl, { budget, ...(fetchFn && { fetchFn }) });
}

// Hashing the 2.5 MB pack takes seconds on a loaded machine.
describe('a pack from a folder on disk', { timeout: 60_000 }, () => {
  it('loads through the same checks as a URL, reading every graph from the folder', async () => {
    const folder = testTinyFolder();
    const pack = await load(folder);
    expect(pack.manifest.name).toBe('test-tiny');
    const unet = folder.files.find((f) => f.path === 'unet.onnx')!.file;
    expect(pack.graphs.unet?.length).toBe(unet.size);
    expect(pack.totalBytes).toBeGreaterThan(2_000_000);
    expect(locatePack(folder, 'http://localhost/').folder).toBe(folder);
  });

  it('refuses a folder without pack.json, naming the file and the folder', async () => {
    const err = await engineErrorOf(load(withFile(testTinyFolder(), 'pack.json', null)));
    expect(err.kind).toBe('PackInvalid');
    expect(err.file).toBe('pack.json');
    expect(err.message).toMatch(/pack\.json: is not in the folder ‘test-tiny’/);
  });

  it('points at the pack inside when the folder above it was chosen', async () => {
    const inner = testTinyFolder().files.map((f) => ({ ...f, path: `test-tiny/${f.path}` }));
    const err = await engineErrorOf(load({ kind: 'folder', name: 'models', files: inner }));
    expect(err.file).toBe('pack.json');
    expect(err.message).toMatch(/holds test-tiny\/pack\.json: choose the folder ‘test-tiny’/);
  });

  it('refuses a pack.json naming a file the folder lacks, naming that file', async () => {
    const err = await engineErrorOf(load(withFile(testTinyFolder(), 'unet.onnx', null)));
    expect(err.kind).toBe('PackInvalid');
    expect(err.file).toBe('unet.onnx');
    expect(err.message).toMatch(/unet\.onnx: is named in pack\.json, but the folder ‘test-tiny’ has no such file/);
  });

  it('refuses a file whose hash is wrong, as for a URL', async () => {
    const folder = testTinyFolder();
    const unet = folder.files.find((f) => f.path === 'unet.onnx')!.file;
    const bytes = new Uint8Array(await unet.arrayBuffer());
    bytes[bytes.length - 1] = 255 - (bytes.at(-1) ?? 0); // same size, another last byte
    const err = await engineErrorOf(load(withFile(folder, 'unet.onnx', new File([bytes], 'unet.onnx'))));
    expect(err.kind).toBe('PackInvalid');
    expect(err.file).toBe('unet.onnx');
    expect(err.message).toMatch(/expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/);
  });

  it('refuses a file longer than pack.json says before reading it', async () => {
    const bigger = new File([new Uint8Array(2_000_000)], 'decoder.onnx');
    const err = await engineErrorOf(load(withFile(testTinyFolder(), 'decoder.onnx', bigger)));
    expect(err.file).toBe('decoder.onnx');
    expect(err.message).toMatch(/sends 2000000 bytes, the manifest says \d+/);
  });

  it('hands the page the examples the folder holds, as files', () => {
    const folder = testTinyFolder();
    const star = folder.files.find((f) => f.path === 'examples/ref-star-0.png')!.file;
    const refs = [
      { url: 'folder:///examples/ref-star-0.png', label: 'star', word: 'star', prompt: 'a star' },
      { url: 'folder:///examples/gone.png', label: 'gone', word: 'ball', prompt: 'a ball' },
    ];
    expect(folderExamples(refs, folder)).toEqual([{ ...refs[0], file: star }]);
  });
});
