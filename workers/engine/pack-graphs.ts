/**
 * The pack's own graphs: checks their I/O against the contract's rules (packs/graph-io.ts:
 * what the engine knows how to feed and read), then creates one session per graph.
 */
import { graphIoProblems, graphIoProblemsV2, type GraphKey, type GraphKeyV1 } from '../packs/graph-io';
import type { GraphSpec } from '../packs/manifest';
import type { AnyManifest, GraphNameV2, GraphSpecV2, ManifestV2 } from '../packs/manifest-v2';
import { packInvalid } from '../errors';
import { MODES, type Mode } from '../protocol';
import type { TimeStep } from '../packs/load-clock';
import type { ExternalData, GraphSession } from './backend';
import { ReferenceEncoder } from './reference-encoder';
import type { TrackedBackend } from './tracked-backend';

export interface PackGraph {
  spec: GraphSpec | GraphSpecV2;
  session: GraphSession;
}

/**
 * A graph created after the pack is ready (the global modes' UNet: no first job needs it).
 * `get()` starts its creation if nothing has, and every caller waits on the same promise.
 */
export interface DeferredGraph {
  spec: GraphSpec | GraphSpecV2;
  get(): Promise<PackGraph>;
  /** The session once created; null if it never was or its creation failed. */
  created(): Promise<GraphSession | null>;
}

export type PackGraphs = {
  [K in GraphKey]: K extends 'unetGlobal'
    ? DeferredGraph | null
    : K extends 'imageEncoder'
      ? ReferenceEncoder
      : K extends 'previewDecoder'
        ? PackGraph | null
        : PackGraph;
};

const untimed: TimeStep = (_step, run) => run();

/**
 * The graphs' bytes. The global modes' UNet may come as a function that loads them: the
 * worker fetches that file after the pack is ready (no first job needs it), and the deferred
 * graph calls it when its session is created.
 */
export type GraphBytes = Partial<Record<Exclude<GraphKey, 'unetGlobal'>, Uint8Array>> & {
  unetGlobal?: Uint8Array | (() => Promise<Uint8Array>);
};

/** The contract's I/O rules (packs/graph-io.ts); a pack.json the engine was handed may skip parse.ts. */
function checkSpec(key: GraphKey, spec: GraphSpec | GraphSpecV2, manifest: AnyManifest): void {
  const problems =
    manifest.formatVersion === 2
      ? graphIoProblemsV2(key as GraphNameV2, spec as GraphSpecV2, manifest)
      : graphIoProblems(key as GraphKeyV1, spec as GraphSpec, manifest);
  if (problems.length > 0) throw packInvalid(spec.file, problems.join('; '));
}

async function createGraph(
  backend: TrackedBackend,
  key: GraphKey,
  spec: GraphSpec | GraphSpecV2,
  manifest: AnyManifest,
  bytes: Uint8Array | undefined,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<PackGraph> {
  checkSpec(key, spec, manifest);
  if (bytes === undefined) throw packInvalid(spec.file, `the bytes of ${key} were not provided`);
  const session = await backend.createSession(key, bytes, externalDataOf(spec, files));
  const declared = new Set(spec.inputs.map((i) => i.name));
  const actual = new Set(session.inputNames);
  if (declared.size !== actual.size || [...declared].some((n) => !actual.has(n))) {
    await session.release();
    throw packInvalid(
      spec.file,
      `the graph's inputs (${session.inputNames.join(', ')}) differ from pack.json (${[...declared].join(', ')})`,
    );
  }
  return { spec, session };
}

/**
 * A version-2 graph's external data files (pack paths, relative to the pack like the graph),
 * named as the graph's initializers name them: relative to the graph's own folder.
 */
function externalDataOf(spec: GraphSpec | GraphSpecV2, files: ReadonlyMap<string, Uint8Array>): ExternalData[] {
  if (!('externalData' in spec) || spec.externalData === undefined) return [];
  const folder = spec.file.includes('/') ? spec.file.slice(0, spec.file.lastIndexOf('/') + 1) : '';
  return spec.externalData.map((file) => {
    const data = files.get(file);
    if (data === undefined) throw packInvalid(file, `the external data of ${spec.file} was not provided to the engine`);
    if (!file.startsWith(folder)) throw packInvalid(file, `must be in the folder of ${spec.file}`);
    return { path: file.slice(folder.length), data };
  });
}

function deferGraph(spec: GraphSpec | GraphSpecV2, create: () => Promise<PackGraph>): DeferredGraph {
  let pending: Promise<PackGraph> | null = null;
  const get = () => (pending ??= create());
  return {
    spec,
    get,
    created: async () => (pending ? pending.then((g) => g.session).catch(() => null) : null),
  };
}

/**
 * Creates the sessions the first job needs, in the order it runs them, one at a time
 * (session creation compiles and allocates; parallel creation only raises peak memory on a
 * phone, and onnxruntime-web creates them on one thread anyway). The global modes' UNet is
 * left deferred: the engine starts it once the pack is ready.
 */
export async function createPackGraphs(
  backend: TrackedBackend,
  manifest: AnyManifest,
  graphBytes: GraphBytes,
  /** The pack's other files by path (version 2: the graphs' external data). */
  files: ReadonlyMap<string, Uint8Array> = new Map(),
  time: TimeStep = untimed,
): Promise<PackGraphs> {
  if (manifest.formatVersion === 2) return createPackGraphsV2(backend, manifest, graphBytes, files, time);
  const g = manifest.graphs;
  const created: PackGraph[] = [];
  const make = async (key: Exclude<GraphKey, 'unetGlobal'>, spec: GraphSpec) => {
    const graph = await time(key, () => createGraph(backend, key, spec, manifest, graphBytes[key], files));
    created.push(graph);
    return graph;
  };
  try {
    const textEncoder = await make('textEncoder', g.textEncoder);
    // The toy pack's image encoder is small: it stays created between jobs.
    const imageEncoder = new ReferenceEncoder(
      backend,
      await make('imageEncoder', g.imageEncoder),
      () => createGraph(backend, 'imageEncoder', g.imageEncoder, manifest, graphBytes.imageEncoder, files),
      false,
    );
    const unet = await make('unet', g.unet);
    const decoder = await make('decoder', g.decoder);
    const global = g.unetGlobal;
    const unetGlobal =
      global === undefined
        ? null
        : deferGraph(global, async () => {
            const source = graphBytes.unetGlobal;
            const bytes = typeof source === 'function' ? await source() : source;
            return time('unetGlobal', () => createGraph(backend, 'unetGlobal', global, manifest, bytes, files));
          });
    return { textEncoder, imageEncoder, unet, unetGlobal, decoder, previewDecoder: null };
  } catch (err) {
    await Promise.all(created.map((c) => c.session.release()));
    throw err;
  }
}

/**
 * Version 2: one UNet serves every mode the pack offers (text: image_scale 0; global and
 * masked-global: the IP-Adapter branch), so `unetGlobal` is the same graph.
 */
async function createPackGraphsV2(
  backend: TrackedBackend,
  manifest: ManifestV2,
  graphBytes: GraphBytes,
  files: ReadonlyMap<string, Uint8Array>,
  time: TimeStep,
): Promise<PackGraphs> {
  const g = manifest.graphs;
  const created: PackGraph[] = [];
  const make = async (key: GraphNameV2) => {
    const spec = g[key]!;
    const graph = await time(key, () => createGraph(backend, key, spec, manifest, graphBytes[key], files));
    created.push(graph);
    return graph;
  };
  try {
    const textEncoder = await make('textEncoder');
    // ViT-H/14 (1.26 GB in fp16) is created at load (its I/O checked, the first job needs it)
    // and released after each encoding; another reference creates it again.
    const imageEncoder = new ReferenceEncoder(
      backend,
      await make('imageEncoder'),
      () => createGraph(backend, 'imageEncoder', g.imageEncoder, manifest, graphBytes.imageEncoder, files),
      true,
    );
    const unet = await make('unet');
    const decoder = await make('decoder');
    // TAESD (5 MB): the previews of every job go through it, so it is created with the rest.
    const previewDecoder = g.previewDecoder === undefined ? null : await make('previewDecoder');
    const same = Promise.resolve(unet);
    const unetGlobal: DeferredGraph = { spec: unet.spec, get: () => same, created: async () => null };
    return { textEncoder, imageEncoder, unet, unetGlobal, decoder, previewDecoder };
  } catch (err) {
    await Promise.all(created.map((c) => c.session.release()));
    throw err;
  }
}

/** Every session created so far (a version-2 pack's unet is also its unetGlobal, counted once). */
export async function packSessions(graphs: PackGraphs): Promise<GraphSession[]> {
  const { unetGlobal, imageEncoder, previewDecoder, ...now } = graphs;
  const later = (await unetGlobal?.created()) ?? null;
  const maybe = [imageEncoder.session, later, previewDecoder?.session ?? null].filter(
    (s): s is GraphSession => s !== null,
  );
  return [...new Set([...Object.values(now).map((g) => g.session), ...maybe])];
}

/** Modes this pack can run: the global ones need `unetGlobal`, masked-global its attention maps. */
export function supportedModes(graphs: PackGraphs, manifest?: AnyManifest): Mode[] {
  // Version 2 lists its modes (never realcustom: no scoring module).
  if (manifest?.formatVersion === 2) return MODES.filter((m) => (manifest.modes as readonly Mode[]).includes(m));
  const modes: Mode[] = ['realcustom', 'text'];
  const global = graphs.unetGlobal;
  if (global !== null) {
    modes.push('global');
    if (global.spec.outputs.some((o) => o.name === 'word_attention')) modes.push('masked-global');
  }
  return MODES.filter((m) => modes.includes(m));
}
