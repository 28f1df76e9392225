/**
 * Cross-field checks of a schema-valid manifest: the tokenizer, scheduler and layer list,
 * and the graph I/O names and shapes that docs/pack-contract.md fixes (the rules live in
 * graph-io.ts, shared with the engine). A pack that passes the schema but would feed the engine mismatched tensors is
 * refused here, before any download, with the graph and tensor named.
 */
import { fmtShape, graphIoProblems, graphIoProblemsV2, type GraphKey } from './graph-io';
import type { Manifest } from './manifest';
import { graphFilesV2, graphsOfV2, type ManifestV2 } from './manifest-v2';

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
    problems.push(
      `maskResolution ${fmtShape(m.maskResolution)} must equal the largest layer resolution ${fmtShape(largest)}`,
    );
  }
  if (new Set(m.layers.map((l) => l.name)).size !== m.layers.length) problems.push('layers: names must be unique');

  const graphs = m.graphs;
  for (const key of ['textEncoder', 'imageEncoder', 'unet', 'decoder', 'unetGlobal'] as const satisfies GraphKey[]) {
    const spec = graphs[key];
    if (spec) problems.push(...graphIoProblems(key, spec, m));
  }

  if ((m.defaults.mode === 'global' || m.defaults.mode === 'masked-global') && !graphs.unetGlobal) {
    problems.push(`defaults.mode "${m.defaults.mode}" needs a unetGlobal graph`);
  }
  const files = [...Object.values(graphs), ...(m.examples?.references ?? [])].map((f) => f.file);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup !== undefined) problems.push(`file "${dup}" is listed twice`);
  return problems;
}

/** Version 2's cross-field checks (docs/pack-contract-v2.md); empty when consistent. */
export function checkManifestV2(m: ManifestV2): string[] {
  const problems: string[] = [];
  const t = m.tokenizer;
  if (t.bos === t.eos) problems.push('tokenizer: bos and eos must be distinct ids');
  if (m.scheduler.betaStart >= m.scheduler.betaEnd) problems.push('scheduler.betaStart must be below betaEnd');
  if (m.scheduler.type === 'lcm') {
    const { originalSteps, trainTimesteps } = m.scheduler;
    if (originalSteps > trainTimesteps)
      problems.push(`scheduler.originalSteps ${originalSteps} exceeds trainTimesteps ${trainTimesteps}`);
    if (m.defaults.steps > originalSteps)
      problems.push(`defaults.steps ${m.defaults.steps} exceeds the LCM schedule's originalSteps ${originalSteps}`);
  }

  const [C, H, W] = m.latent.shape;
  if (m.preview.factors.length !== C)
    problems.push(`preview.factors has ${m.preview.factors.length} rows, expected one per latent channel (${C})`);
  const [Hm, Wm] = m.maskResolution;
  if (Hm > H || Wm > W)
    problems.push(`maskResolution ${fmtShape(m.maskResolution)} is finer than the latent ${fmtShape([H, W])}`);
  if (new Set(m.maskLayers.map((l) => l.name)).size !== m.maskLayers.length)
    problems.push('maskLayers: names must be unique');
  const [, Ni, Di] = m.adapter.uncondImageTokens.shape;
  if (Ni !== m.adapter.imageTokens || Di !== m.adapter.imageTokenDim)
    problems.push(
      `adapter.uncondImageTokens.shape ${fmtShape(m.adapter.uncondImageTokens.shape)} must be [1, imageTokens, imageTokenDim]`,
    );

  for (const [key, spec] of graphsOfV2(m)) problems.push(...graphIoProblemsV2(key, spec, m));

  if (!m.modes.includes(m.defaults.mode)) problems.push(`defaults.mode "${m.defaults.mode}" is not one of modes`);
  // Every file the engine reads must carry a size and hash in `files`, and be listed once.
  const needed = [
    ...graphsOfV2(m).flatMap(([, spec]) => graphFilesV2(spec)),
    t.vocab,
    t.merges,
    m.adapter.uncondImageTokens.file,
  ];
  const dup = needed.find((f, i) => needed.indexOf(f) !== i);
  if (dup !== undefined) problems.push(`file "${dup}" is used twice`);
  for (const f of needed) if (!(f in m.files)) problems.push(`files: "${f}" has no size and sha256`);
  const uncondBytes = 4 * Ni * Di;
  const uncond = m.files[m.adapter.uncondImageTokens.file];
  if (uncond !== undefined && uncond.bytes !== uncondBytes)
    problems.push(`files: "${m.adapter.uncondImageTokens.file}" is ${uncond.bytes} bytes, expected ${uncondBytes}`);
  return problems;
}
