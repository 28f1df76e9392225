import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { makeFixturePack } from '../testing/pack-fixture';
import { parseManifest, validateManifest } from './parse';

async function goodJson(): Promise<Record<string, unknown>> {
  const { manifest } = await makeFixturePack();
  return structuredClone(manifest) as unknown as Record<string, unknown>;
}

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function packError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    const err = e as EngineError;
    expect(err.kind).toBe('PackInvalid');
    expect(err.file).toBe('pack.json');
    return err;
  }
  throw new Error('expected a PackInvalid error');
}

describe('parseManifest', () => {
  it('accepts a good pack', async () => {
    const m = parseManifest(JSON.stringify(await goodJson()));
    expect(m.name).toBe('fixture');
    expect(m.graphs.unet.inputs).toHaveLength(10);
  });

  it('refuses a missing field, naming it', async () => {
    const json = await goodJson();
    delete json.scheduler;
    expect(packError(() => validateManifest(json)).message).toMatch(/scheduler/);
  });

  it('refuses an unknown top-level field (a typo must not pass)', async () => {
    const json = { ...(await goodJson()), defualts: {} };
    expect(packError(() => validateManifest(json)).message).toMatch(/defualts/);
  });

  it('refuses an unknown nested field', async () => {
    const json = await goodJson();
    (json.latent as Record<string, unknown>).scael = 1;
    expect(packError(() => validateManifest(json)).message).toMatch(/scael/);
  });

  it('refuses a malformed hash', async () => {
    const json = await goodJson();
    (json.graphs as { unet: { sha256: string } }).unet.sha256 = 'abc';
    expect(packError(() => validateManifest(json)).message).toMatch(/graphs\.unet\.sha256/);
  });

  it('refuses a shape that does not match the latent', async () => {
    const json = await goodJson();
    const unet = (json.graphs as { unet: { inputs: { name: string; shape: unknown[] }[] } }).unet;
    first(unet.inputs).shape = ['batch', 4, 16, 16];
    expect(packError(() => validateManifest(json)).message).toMatch(
      /unet: input "latent" has shape \[batch, 4, 16, 16\], expected \[\*, 4, 8, 8\]/,
    );
  });

  it('refuses word_attention that disagrees with the layer list', async () => {
    const json = await goodJson();
    (json.layers as unknown[]).push({ name: 'up.8', resolution: [8, 8] });
    expect(packError(() => validateManifest(json)).message).toMatch(/word_attention/);
  });

  it('refuses an input the engine cannot feed and a missing required one', async () => {
    const json = await goodJson();
    const dec = (json.graphs as { decoder: { inputs: { name: string }[] } }).decoder;
    first(dec.inputs).name = 'z';
    const msg = packError(() => validateManifest(json)).message;
    expect(msg).toMatch(/decoder: unknown input "z"/);
    expect(msg).toMatch(/decoder: missing input "latent"/);
  });

  it('refuses file paths that leave the pack', async () => {
    const json = await goodJson();
    (json.graphs as { unet: { file: string } }).unet.file = '../../secret.onnx';
    expect(packError(() => validateManifest(json)).message).toMatch(/graphs\.unet\.file/);
  });

  it('recognizes an HTML page served instead of pack.json', () => {
    expect(packError(() => parseManifest('<!DOCTYPE html><html><body>app</body></html>')).message).toMatch(/HTML page/);
  });

  it('refuses text that is not JSON', () => {
    expect(packError(() => parseManifest('{"format": ')).message).toMatch(/not valid JSON/);
  });
});
