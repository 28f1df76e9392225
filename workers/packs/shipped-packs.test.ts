// Every pack the app ships must pass the loader's own checks: schema, consistency, and the
// size and SHA-256 of each listed file. Catches a re-export that forgot to update pack.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyFile } from './integrity';
import { filesToLoad } from './limits';
import { parseManifest } from './parse';

const MODELS = join(import.meta.dirname, '..', '..', 'public', 'models');
const packs = existsSync(MODELS)
  ? readdirSync(MODELS).filter((name) => existsSync(join(MODELS, name, 'pack.json')))
  : [];

describe.skipIf(packs.length === 0).each(packs)('shipped pack %s', (name) => {
  it('follows the contract and every file matches its size and hash', async () => {
    const dir = join(MODELS, name);
    const manifest = parseManifest(readFileSync(join(dir, 'pack.json'), 'utf8'));
    expect(manifest.name).toBe(name);
    const examples = manifest.formatVersion === 1 ? (manifest.examples?.references ?? []) : [];
    const files = [...filesToLoad(manifest), ...examples];
    for (const ref of files) await verifyFile(ref, new Uint8Array(readFileSync(join(dir, ref.file))));
  });
});
