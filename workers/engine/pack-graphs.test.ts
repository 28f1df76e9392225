/**
 * A version-2 graph with `externalData` gets its data files from the pack's files, named as
 * the graph names them (relative to the graph's folder); a missing one is PackInvalid.
 * (tools/external-data.test.ts runs such a graph on both real backends.)
 */
import { describe, expect, it } from 'vitest';
import { makeFixturePackV2 } from '../testing/pack-v2-fixture';
import type { Backend, ExternalData, GraphSession } from './backend';
import { createPackGraphs } from './pack-graphs';
import { TrackedBackend } from './tracked-backend';
import { engineErrorOf } from '../testing/engine-error';

function recordingBackend(inputsOf: (name: string) => string[]) {
  const calls: { name: string; externalData: readonly ExternalData[] | undefined }[] = [];
  const backend = {
    ep: 'cpu',
    bytesReadBack: 0,
    createSession: async (name: string, _model: Uint8Array, externalData?: readonly ExternalData[]) => {
      calls.push({ name, externalData });
      const session: GraphSession = {
        name,
        inputNames: inputsOf(name),
        outputNames: [],
        run: () => Promise.reject(new Error('not run here')),
        release: () => Promise.resolve(),
      };
      return session;
    },
  } as unknown as Backend;
  return { backend: new TrackedBackend(backend), calls };
}

describe('version-2 graphs with external data', () => {
  it('hands each graph its external data files, and none to the others', async () => {
    const { manifest, files } = await makeFixturePackV2();
    const inputsOf = (key: string) =>
      manifest.graphs[key as keyof typeof manifest.graphs]!.inputs.map((i: { name: string }) => i.name);
    const { backend, calls } = recordingBackend(inputsOf);
    const bytes = Object.fromEntries(Object.entries(manifest.graphs).map(([k, g]) => [k, files.get(g.file)!]));
    await createPackGraphs(backend, manifest, bytes, files);
    const unet = calls.find((c) => c.name === 'unet')!;
    expect(unet.externalData).toEqual([{ path: 'unet.onnx.data', data: files.get('unet.onnx.data') }]);
    for (const c of calls.filter((c) => c.name !== 'unet')) expect(c.externalData).toEqual([]);
  });

  it('refuses a graph whose external data was not provided (PackInvalid naming the file)', async () => {
    const { manifest, files } = await makeFixturePackV2();
    const inputsOf = (key: string) =>
      manifest.graphs[key as keyof typeof manifest.graphs]!.inputs.map((i: { name: string }) => i.name);
    const { backend } = recordingBackend(inputsOf);
    const bytes = Object.fromEntries(Object.entries(manifest.graphs).map(([k, g]) => [k, files.get(g.file)!]));
    const without = new Map([...files].filter(([path]) => path !== 'unet.onnx.data'));
    const err = await engineErrorOf(createPackGraphs(backend, manifest, bytes, without));
    expect(err.kind).toBe('PackInvalid');
    expect(err.message).toMatch(/unet\.onnx\.data/);
  });
});
