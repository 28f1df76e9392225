/**
 * Loads a pack folder from disk with the worker's own manifest parser and integrity check
 * (same messages, same PackInvalid errors), returning what Engine.create takes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphKey } from '../workers/engine';
import { packInvalid } from '../workers/errors';
import { verifyFile } from '../workers/packs/integrity';
import type { Manifest } from '../workers/packs/manifest';
import { parseManifest } from '../workers/packs/parse';

export interface DiskPack {
  manifest: Manifest;
  graphs: Partial<Record<GraphKey, Uint8Array>>;
  totalBytes: number;
}

const ENGINE_GRAPHS: readonly GraphKey[] = ['textEncoder', 'imageEncoder', 'unet', 'unetGlobal', 'decoder'];

async function readPackFile(dir: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(dir, file)));
  } catch (e) {
    throw packInvalid(file, `cannot be read from ${dir}`, e instanceof Error ? e.message : String(e));
  }
}

export async function loadPackFromDisk(dir: string): Promise<DiskPack> {
  const manifest = parseManifest(new TextDecoder().decode(await readPackFile(dir, 'pack.json')));
  const graphs: Partial<Record<GraphKey, Uint8Array>> = {};
  let totalBytes = 0;
  for (const key of ENGINE_GRAPHS) {
    const ref = manifest.graphs[key];
    if (ref === undefined) continue;
    const bytes = await readPackFile(dir, ref.file);
    await verifyFile(ref, bytes);
    graphs[key] = bytes;
    totalBytes += bytes.length;
  }
  return { manifest, graphs, totalBytes };
}
