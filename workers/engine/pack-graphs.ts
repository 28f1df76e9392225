/**
 * The pack's own graphs: checks their I/O against what the engine knows how to feed and
 * read (pack contract, "Graph I/O"), then creates one session per graph.
 */
import type { GraphSpec, Manifest } from '../packs/manifest';
import { packInvalid } from '../errors';
import { MODES, type Mode } from '../protocol';
import type { GraphSession } from './backend';
import type { TrackedBackend } from './tracked-backend';

/** The graphs the engine runs (`judge` is evaluation-only). */
export type GraphKey = 'textEncoder' | 'imageEncoder' | 'unet' | 'unetGlobal' | 'decoder';

const UNET_INPUTS = [
  'latent',
  'timestep',
  'alpha_bar',
  'text_embeds',
  'image_tokens',
  'image_embed',
  'image_scale',
  'mask',
  'target_tokens',
  'gamma_num',
  'scoring',
] as const;
export type UnetInput = (typeof UNET_INPUTS)[number];

const KNOWN_INPUTS: Record<GraphKey, readonly string[]> = {
  textEncoder: ['input_ids'],
  imageEncoder: ['pixels'],
  unet: UNET_INPUTS,
  unetGlobal: UNET_INPUTS,
  decoder: ['latent'],
};

const REQUIRED_INPUTS: Record<GraphKey, readonly string[]> = {
  textEncoder: ['input_ids'],
  imageEncoder: ['pixels'],
  unet: ['latent', 'text_embeds'],
  unetGlobal: ['latent', 'text_embeds'],
  decoder: ['latent'],
};

const REQUIRED_OUTPUTS: Record<GraphKey, readonly string[]> = {
  textEncoder: ['text_embeds'],
  imageEncoder: [],
  unet: ['model_output', 'word_attention'],
  unetGlobal: ['model_output'], // word_attention only for masked-global (see supportedModes)
  decoder: ['image'],
};

export interface PackGraph {
  spec: GraphSpec;
  session: GraphSession;
}

export type PackGraphs = { [K in GraphKey]: K extends 'unetGlobal' ? PackGraph | null : PackGraph };

function checkSpec(key: GraphKey, spec: GraphSpec, manifest: Manifest): void {
  const file = spec.file;
  const names = spec.inputs.map((i) => i.name);
  for (const input of spec.inputs) {
    if (!KNOWN_INPUTS[key].includes(input.name)) {
      throw packInvalid(
        file,
        `input '${input.name}' of ${key} is not one the engine can feed (known: ${KNOWN_INPUTS[key].join(', ')})`,
      );
    }
    if (input.dtype === 'float16')
      throw packInvalid(file, `input '${input.name}' is float16; this engine feeds float32 and int64 only`);
  }
  for (const name of REQUIRED_INPUTS[key]) {
    if (!names.includes(name)) throw packInvalid(file, `${key} lacks the required input '${name}'`);
  }
  for (const name of REQUIRED_OUTPUTS[key]) {
    if (!spec.outputs.some((o) => o.name === name)) throw packInvalid(file, `${key} lacks the output '${name}'`);
  }
  // The image encoder must produce whatever the UNets consume.
  if (key === 'imageEncoder') {
    const unets = [manifest.graphs.unet, manifest.graphs.unetGlobal].filter((g) => g !== undefined);
    for (const [input, output] of [
      ['image_tokens', 'patch_tokens'],
      ['image_embed', 'image_embed'],
    ] as const) {
      const needed = unets.some((u) => u.inputs.some((i) => i.name === input));
      if (needed && !spec.outputs.some((o) => o.name === output)) {
        throw packInvalid(file, `imageEncoder lacks the output '${output}' that a UNet's '${input}' needs`);
      }
    }
  }
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
