/**
 * Command-line flags → generation Params over the pack's defaults, shared by the CLIs.
 * Values are passed through as typed; the engine's own validation judges ranges, so the
 * CLI and the page get the same messages.
 */
import type { Manifest } from '../workers/packs/manifest';
import type { Mode, Params } from '../workers/protocol';

export const PARAM_FLAGS = {
  mode: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  'guidance-text': { type: 'string' },
  'guidance-image': { type: 'string' },
  'gamma-scope': { type: 'string' },
  'gamma-num': { type: 'string' },
  'mask-reuse': { type: 'string' },
  'global-scale': { type: 'string' },
  'preview-every': { type: 'string' },
  'binary-mask': { type: 'boolean' },
  'no-scoring': { type: 'boolean' },
} as const;

type FlagValues = Partial<Record<keyof typeof PARAM_FLAGS, string | boolean>>;

const NUMERIC: [keyof typeof PARAM_FLAGS, keyof Params][] = [
  ['steps', 'steps'],
  ['seed', 'seed'],
  ['guidance-text', 'guidanceText'],
  ['guidance-image', 'guidanceImage'],
  ['gamma-scope', 'gammaScope'],
  ['gamma-num', 'gammaNum'],
  ['mask-reuse', 'maskReuseStep'],
  ['global-scale', 'globalScale'],
  ['preview-every', 'previewEvery'],
];

export function defaultParams(manifest: Manifest): Params {
  const d = manifest.defaults;
  return { ...d, binaryMask: d.binaryMask ?? false, scoring: d.scoring ?? true };
}

export function paramsFromFlags(manifest: Manifest, flags: FlagValues): Params {
  const params: Params = defaultParams(manifest);
  const record = params as unknown as Record<string, unknown>;
  if (typeof flags.mode === 'string') params.mode = flags.mode as Mode;
  for (const [flag, key] of NUMERIC) {
    const v = flags[flag];
    if (typeof v === 'string') record[key] = Number(v);
  }
  if (flags['binary-mask'] === true) params.binaryMask = true;
  if (flags['no-scoring'] === true) params.scoring = false;
  return params;
}
