/**
 * Loads a pack folder from disk with the worker's own manifest parser and integrity check
 * (same messages, same PackInvalid errors), returning what Engine.create takes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphKey } from '../workers/engine';
import { packInvalid } from '../workers/errors';
import { verifyFile } from '../workers/packs/integrity';
import { filesToLoad } from '../workers/packs/limits';
import type { Manifest } from '../workers/packs/manifest';
import type { AnyManifest } from '../workers/packs/manifest-v2';
import { parseManifest } from '../workers/packs/parse';

export interface DiskPack<M extends AnyManifest = Manifest> {
  manifest: M;
  graphs: Partial<Record<GraphKey, Uint8Array>>;
  /** Every file the engine reads, by its path in the pack (graphs too). */
  files: Map<string, Uint8Array>;
  totalBytes: number;
}

async function readPackFile(dir: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(dir, file)));
  } catch (e) {
    throw packInvalid(file, `cannot be read from ${dir}`, e instanceof Error ? e.message : String(e));
  }
}

/** A pack of either format version (what the engine runs). */
export async function loadAnyPackFromDisk(dir: string): Promise<DiskPack<AnyManifest>> {
  const manifest = parseManifest(new TextDecoder().decode(await readPackFile(dir, 'pack.json')));
  const graphs: Partial<Record<GraphKey, Uint8Array>> = {};
  const files = new Map<string, Uint8Array>();
  let totalBytes = 0;
  for (const ref of filesToLoad(manifest)) {
    const bytes = await readPackFile(dir, ref.file);
    await verifyFile(ref, bytes);
    files.set(ref.file, bytes);
    if (ref.graph !== null) graphs[ref.graph as GraphKey] = bytes;
    totalBytes += bytes.length;
  }
  return { manifest, graphs, files, totalBytes };
}

/** A version-1 pack, for the tools that read its toy-world parts (layers, examples, judge). */
export async function loadPackFromDisk(dir: string): Promise<DiskPack> {
  const pack = await loadAnyPackFromDisk(dir);
  const { manifest } = pack;
  if (manifest.formatVersion !== 1)
    throw packInvalid('pack.json', `is format version ${manifest.formatVersion}; this tool reads version-1 packs`);
  return { ...pack, manifest };
}
