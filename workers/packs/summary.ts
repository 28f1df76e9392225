/**
 * What the page learns about a loaded pack: the manifest's user-facing parts, defaults as
 * full `Params`, example URLs resolved against the pack's address, and the runtime in use
 * (the worker adds the load's timings).
 */
import { PARAM_RANGES, type Mode, type PackSummary, type Params, type RuntimeInfo } from '../protocol';
import type { Manifest } from './manifest';
import type { AnyManifest, ManifestV2 } from './manifest-v2';

export function summarizePack(
  m: AnyManifest,
  baseUrl: string,
  totalBytes: number,
  modes: readonly Mode[],
  runtime: RuntimeInfo,
): Omit<PackSummary, 'loadTimings' | 'storage'> {
  return m.formatVersion === 2
    ? summarizeV2(m, totalBytes, modes, runtime)
    : summarizeV1(m, baseUrl, totalBytes, modes, runtime);
}

/** The default of a parameter a version-2 pack does not set (gammaNum: no scoring module). */
function rangeDefault(key: 'gammaNum'): number {
  const r = PARAM_RANGES.find((p) => p.key === key);
  return r?.max ?? 1;
}

function summarizeV2(
  m: ManifestV2,
  totalBytes: number,
  modes: readonly Mode[],
  runtime: RuntimeInfo,
): Omit<PackSummary, 'loadTimings' | 'storage'> {
  const defaults: Params = {
    ...m.defaults,
    gammaNum: rangeDefault('gammaNum'),
    mode: modes.includes(m.defaults.mode) ? m.defaults.mode : (modes[0] ?? 'text'),
    binaryMask: false,
    scoring: false,
  };
  return {
    name: m.name,
    version: m.version,
    description: m.description,
    license: m.license,
    imageSize: m.image.size,
    referenceSize: m.reference.size,
    // One map: the UNet averages its attention layers itself (wordAttention "mean-of-maskLayers").
    layers: [
      { name: 'mean of the UNet cross-attention layers', resolution: [m.maskResolution[0], m.maskResolution[1]] },
    ],
    maskResolution: [m.maskResolution[0], m.maskResolution[1]],
    defaults,
    modes: [...modes],
    vocabulary: [], // byte-level BPE: every word is known
    maxTokens: m.tokenizer.maxLength - 2,
    examples: { references: [], prompts: [] },
    totalBytes,
    runtime,
    model: {
      formatVersion: 2,
      base: m.source?.sd ?? 'Stable Diffusion 1.5',
      adapter: m.adapter.variant,
      guidance: 'masked-global',
    },
  };
}

function summarizeV1(
  m: Manifest,
  baseUrl: string,
  totalBytes: number,
  modes: readonly Mode[],
  runtime: RuntimeInfo,
): Omit<PackSummary, 'loadTimings' | 'storage'> {
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
    model: null,
  };
}
