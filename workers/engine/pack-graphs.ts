/**
 * The pack's own graphs: checks their I/O against the contract's rules (packs/graph-io.ts:
 * what the engine knows how to feed and read), then creates one session per graph.
 */
import { graphIoProblems, type GraphKey } from '../packs/graph-io';
import type { GraphSpec, Manifest } from '../packs/manifest';
import { packInvalid } from '../errors';
import { MODES, type Mode } from '../protocol';
import type { GraphSession } from './backend';
import type { TrackedBackend } from './tracked-backend';

export interface PackGraph {
  spec: GraphSpec;
  session: GraphSession;
}

export type PackGraphs = { [K in GraphKey]: K extends 'unetGlobal' ? PackGraph | null : PackGraph };

/** The contract's I/O rules (packs/graph-io.ts); a pack.json the engine was handed may skip parse.ts. */
function checkSpec(key: GraphKey, spec: GraphSpec, manifest: Manifest): void {
  const problems = graphIoProblems(key, spec, manifest);
  if (problems.length > 0) throw packInvalid(spec.file, problems.join('; '));
}

async function createGraph(
  backend: TrackedBackend,
  key: GraphKey,
  spec: GraphSpec,
  manifest: Manifest,
  bytes: Uint8Array | undefined,
): Promise<PackGraph> {
  checkSpec(key, spec, manifest);
  if (bytes === undefined) throw packInvalid(spec.file, `the bytes of ${key} were not provided`);
  const session = await backend.createSession(key, bytes);
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

export async function createPackGraphs(
  backend: TrackedBackend,
  manifest: Manifest,
  graphBytes: Partial<Record<GraphKey, Uint8Array>>,
): Promise<PackGraphs> {
  const g = manifest.graphs;
  const created: PackGraph[] = [];
  const make = async (key: GraphKey, spec: GraphSpec) => {
    const graph = await createGraph(backend, key, spec, manifest, graphBytes[key]);
    created.push(graph);
    return graph;
  };
  try {
    // One at a time: session creation compiles and allocates; parallel creation only
    // raises peak memory on a phone.
    const textEncoder = await make('textEncoder', g.textEncoder);
    const imageEncoder = await make('imageEncoder', g.imageEncoder);
    const unet = await make('unet', g.unet);
    const unetGlobal = g.unetGlobal === undefined ? null : await make('unetGlobal', g.unetGlobal);
    const decoder = await make('decoder', g.decoder);
    return { textEncoder, imageEncoder, unet, unetGlobal, decoder };
  } catch (err) {
    await Promise.all(created.map((c) => c.session.release()));
    throw err;
  }
}

/** Modes this pack can run: the global ones need `unetGlobal`, masked-global its attention maps. */
export function supportedModes(graphs: PackGraphs): Mode[] {
  const modes: Mode[] = ['realcustom', 'text'];
  const global = graphs.unetGlobal;
  if (global !== null) {
    modes.push('global');
    if (global.spec.outputs.some((o) => o.name === 'word_attention')) modes.push('masked-global');
  }
  return MODES.filter((m) => modes.includes(m));
}
