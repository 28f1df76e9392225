import type { Mode, Params } from '../../../workers/protocol';

type NumericKey = Exclude<keyof Params, 'mode' | 'binaryMask' | 'scoring' | 'previewEvery'>;

export interface ParamField {
  key: NumericKey;
  label: string;
  step: number;
  /** One line: what turning it up does. */
  help: string;
  /** Only shown for these modes (all when absent). */
  modes?: Mode[];
}

export const PARAM_FIELDS: readonly ParamField[] = [
  { key: 'steps', label: 'Steps', step: 1, help: 'Denoising steps: more is cleaner and slower (one UNet pass each).' },
  { key: 'guidanceText', label: 'ω_t text', step: 0.5, help: 'How strongly the image follows the prompt.' },
  {
    key: 'guidanceImage',
    label: 'ω_i image',
    step: 0.5,
    help: 'How strongly the reference’s look is written where the mask is.',
    modes: ['realcustom', 'masked-global'],
  },
  {
    key: 'gammaScope',
    label: 'γ_scope',
    step: 0.05,
    help: 'Share of the image the mask covers: where the reference may be written.',
    modes: ['realcustom', 'masked-global'],
  },
  {
    key: 'gammaNum',
    label: 'γ_num',
    step: 0.05,
    help: 'Share of reference tokens used, the ones most relevant to the word first.',
    modes: ['realcustom', 'masked-global'],
  },
  {
    key: 'maskReuseStep',
    label: 'Mask reuse',
    step: 1,
    help: 'Freeze the mask after this step (0 = recompute it every step).',
    modes: ['realcustom', 'masked-global'],
  },
  {
    key: 'globalScale',
    label: 'λ global',
    step: 0.1,
    help: 'Strength of the reference in the global modes (also used by Compare).',
  },
  { key: 'seed', label: 'Seed', step: 1, help: 'The starting noise: same seed and settings give the same image.' },
];

export const MODE_HELP: Record<Mode, string> = {
  realcustom: 'RealCustom: the reference only where the target word is, found anew each step.',
  global: 'Global: the reference everywhere in the image, scaled by λ (the usual adapter).',
  'masked-global': 'Masked global: the global branch, limited to the target word’s mask.',
  text: 'Text only: no reference, the plain text-to-image model.',
};

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}
