/**
 * Cross-field checks of a schema-valid manifest: the tokenizer, scheduler and layer list,
 * and the graph I/O names and shapes that docs/pack-contract.md fixes (the rules live in
 * graph-io.ts, shared with the engine). A pack that passes the schema but would feed the engine mismatched tensors is
 * refused here, before any download, with the graph and tensor named.
 */
import { fmtShape, graphIoProblems, type GraphKey } from './graph-io';
import type { Manifest } from './manifest';

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
