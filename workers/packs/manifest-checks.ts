/**
 * Cross-field checks of a schema-valid manifest: the graph I/O names and shapes that
 * docs/pack-contract.md fixes, checked against the tokenizer, latent, adapter and layer
 * list. A pack that passes the schema but would feed the engine mismatched tensors is
 * refused here, before any download, with the graph and tensor named.
 */
import type { Dim, GraphSpec, Manifest, TensorSpec } from './manifest';

/** Expected shape; `null` = any dimension (symbolic such as `batch`, or not fixed by the contract). */
type Want = readonly (number | null)[];
interface IoRule {
  required: boolean;
  shape: Want;
  dtype?: TensorSpec['dtype'];
}
type GraphRules = { inputs: Record<string, IoRule>; outputs: Record<string, IoRule> };

function rulesFor(m: Manifest): Record<'textEncoder' | 'imageEncoder' | 'unet' | 'unetGlobal' | 'decoder', GraphRules> {
  const L = m.tokenizer.maxLength;
  const [C, H, W] = m.latent.shape;
  const [Hm, Wm] = m.maskResolution;
  const S = m.image.size;
  const R = m.reference.size;
  const nL = m.layers.length;
  const req = (shape: Want, dtype?: TensorSpec['dtype']): IoRule => ({
    required: true,
    shape,
    ...(dtype && { dtype }),
  });
  const opt = (shape: Want): IoRule => ({ required: false, shape });
  const b = null; // batch
  const unetCommon = {
    latent: req([b, C, H, W]),
    timestep: req([b]),
    text_embeds: req([b, L, null]),
    image_scale: opt([b]),
    mask: opt([b, 1, Hm, Wm]),
    target_tokens: opt([b, L]),
  };
  const unetOutputs = { model_output: req([b, C, H, W]), word_attention: req([b, nL, Hm, Wm]) };
  const realcustom: GraphRules = {
    inputs: {
      ...unetCommon,
      alpha_bar: opt([b]),
      image_tokens: req([b, m.adapter.imageTokens, m.adapter.imageTokenDim]),
      gamma_num: opt([b]),
      scoring: opt([b]),
    },
    outputs: unetOutputs,
  };
  // Without word_attention a global UNet still serves `global` mode, just not `masked-global`.
  const global: GraphRules = {
    inputs: { ...unetCommon, image_embed: req([b, null]) },
    outputs: { ...unetOutputs, word_attention: opt([b, nL, Hm, Wm]) },
  };
  return {
    textEncoder: {
      inputs: { input_ids: req([b, L], 'int64') },
      outputs: { text_embeds: req([b, L, null]) },
    },
    imageEncoder: {
      inputs: { pixels: req([1, 3, R, R]) },
      outputs: {
        patch_tokens: req([1, m.adapter.imageTokens, m.adapter.imageTokenDim]),
        image_embed: req([1, null]),
      },
    },
    // adapter.kind says which of the two the main `unet` graph is.
    unet: m.adapter.kind === 'realcustom' ? realcustom : global,
    unetGlobal: global,
    decoder: {
      inputs: { latent: req([1, C, H, W]) },
      outputs: { image: req([1, 3, S, S]) },
    },
  };
}

function fmt(shape: readonly Dim[] | Want): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}

function checkTensors(
  graph: string,
  side: 'input' | 'output',
  specs: readonly TensorSpec[],
  rules: Record<string, IoRule>,
  floatDtype: 'float32' | 'float16' | null,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of specs) {
    if (seen.has(t.name)) problems.push(`${graph}: ${side} "${t.name}" is listed twice`);
    seen.add(t.name);
    const rule = rules[t.name];
    // Extra outputs are harmless (the engine ignores them); unknown inputs cannot be fed.
    if (rule === undefined) {
      if (side === 'input') problems.push(`${graph}: unknown input "${t.name}" (the engine cannot feed it)`);
      continue;
    }
    const want = rule.shape;
    const ok =
      t.shape.length === want.length &&
      want.every((w, i) => w === null || typeof t.shape[i] === 'string' || t.shape[i] === w);
    if (!ok) problems.push(`${graph}: ${side} "${t.name}" has shape ${fmt(t.shape)}, expected ${fmt(want)}`);
    const wantDtype = rule.dtype ?? floatDtype;
    if (wantDtype !== null && t.dtype !== wantDtype) {
      problems.push(`${graph}: ${side} "${t.name}" is ${t.dtype}, expected ${wantDtype}`);
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && !seen.has(name)) problems.push(`${graph}: missing ${side} "${name}"`);
  }
  return problems;
}

function checkGraph(name: string, g: GraphSpec, rules: GraphRules, m: Manifest): string[] {
  // In an fp32 pack every float tensor is float32; fp16 packs may keep fp32 I/O, so only the
  // explicit int64 rules apply there.
  const floatDtype = m.dtype === 'float32' ? 'float32' : null;
  return [
    ...checkTensors(name, 'input', g.inputs, rules.inputs, floatDtype),
    ...checkTensors(name, 'output', g.outputs, rules.outputs, floatDtype),
  ];
}

/** Returns human-readable problems; empty when the manifest is consistent. */
export function checkManifest(m: Manifest): string[] {
  const problems: string[] = [];
  const t = m.tokenizer;
  const specials = { pad: t.pad, bos: t.bos, eos: t.eos, unk: t.unk };
  for (const [k, id] of Object.entries(specials)) {
    if (id >= t.vocab.length)
      problems.push(`tokenizer.${k} = ${id} is outside the vocabulary (${t.vocab.length} entries)`);
  }
  if (new Set(Object.values(specials)).size !== 4)
    problems.push('tokenizer: pad, bos, eos and unk must be distinct ids');
  if (new Set(t.vocab).size !== t.vocab.length) problems.push('tokenizer.vocab has duplicate entries');

  if (m.scheduler.betaStart >= m.scheduler.betaEnd) problems.push('scheduler.betaStart must be below betaEnd');

  const largest = m.layers.reduce<[number, number]>(
    (a, l) => (l.resolution[0] * l.resolution[1] > a[0] * a[1] ? l.resolution : a),
    [0, 0],
  );
  if (largest[0] !== m.maskResolution[0] || largest[1] !== m.maskResolution[1]) {
    problems.push(`maskResolution ${fmt(m.maskResolution)} must equal the largest layer resolution ${fmt(largest)}`);
  }
  if (new Set(m.layers.map((l) => l.name)).size !== m.layers.length) problems.push('layers: names must be unique');

  const rules = rulesFor(m);
  const graphs = m.graphs;
  problems.push(...checkGraph('textEncoder', graphs.textEncoder, rules.textEncoder, m));
  problems.push(...checkGraph('imageEncoder', graphs.imageEncoder, rules.imageEncoder, m));
  problems.push(...checkGraph('unet', graphs.unet, rules.unet, m));
  problems.push(...checkGraph('decoder', graphs.decoder, rules.decoder, m));
  if (graphs.unetGlobal) problems.push(...checkGraph('unetGlobal', graphs.unetGlobal, rules.unetGlobal, m));

  if ((m.defaults.mode === 'global' || m.defaults.mode === 'masked-global') && !graphs.unetGlobal) {
    problems.push(`defaults.mode "${m.defaults.mode}" needs a unetGlobal graph`);
  }
  const files = [...Object.values(graphs), ...(m.examples?.references ?? [])].map((f) => f.file);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup !== undefined) problems.push(`file "${dup}" is listed twice`);
  return problems;
}
