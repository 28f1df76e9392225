/**
 * What the page learns about a loaded pack: the manifest's user-facing parts, defaults as
 * full `Params`, example URLs resolved against the pack's address, and the runtime in use.
 */
import type { Mode, PackSummary, RuntimeInfo } from '../protocol';
import type { Manifest } from './manifest';

export function summarizePack(
  m: Manifest,
  baseUrl: string,
  totalBytes: number,
  modes: readonly Mode[],
  runtime: RuntimeInfo,
): PackSummary {
  const t = m.tokenizer;
  const special = new Set([t.pad, t.bos, t.eos, t.unk]);
  const { binaryMask = false, scoring = true, ...defaults } = m.defaults;
  return {
    name: m.name,
    version: m.version,
    description: m.description,
    license: m.license,
    imageSize: m.image.size,
    referenceSize: m.reference.size,
    layers: m.layers.map((l) => ({ name: l.name, resolution: [l.resolution[0], l.resolution[1]] })),
    maskResolution: [m.maskResolution[0], m.maskResolution[1]],
    // A default mode the engine cannot run (no unetGlobal) falls back to the first it can.
    defaults: {
      ...defaults,
      mode: modes.includes(defaults.mode) ? defaults.mode : (modes[0] ?? 'text'),
      binaryMask,
      scoring,
    },
    modes: [...modes],
    vocabulary: t.vocab.filter((_, id) => !special.has(id)),
    maxTokens: t.maxLength - 2, // bos and eos take two places
    examples: {
      references: (m.examples?.references ?? []).map((r) => ({
        url: new URL(r.file, baseUrl).href,
        label: r.label,
        word: r.word,
        prompt: r.prompt,
      })),
      prompts: [...(m.examples?.prompts ?? [])],
    },
    totalBytes,
    runtime,
  };
}
