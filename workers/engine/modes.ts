/**
 * What each mode runs per step: which UNet graph, which batch rows, how the rows are
 * weighted into ε, and whether a RealCustom mask is made.
 *
 * Row kinds: `uncond` (empty prompt, image_scale 0) = ε∅, `text` (prompt, image_scale 0)
 * = ε_T, `image` (prompt and reference at the mode's image scale) = ε_TI or ε_C,
 * `negative` (empty prompt and the pack's negative image tokens at the mode's image scale)
 * = IP-Adapter's own unconditional ε_u (version-2 packs' `adapter.uncondImageTokens`).
 */
import type { Params } from '../protocol';
import { dualWeights, singleWeights } from './guidance';

export type RowKind = 'uncond' | 'text' | 'image' | 'negative';

export interface ModePlan {
  graph: 'unet' | 'unetGlobal';
  /** Rows of the single batched pass when no mask has to be computed this step. */
  rows: readonly RowKind[];
  weights: readonly number[];
  /** realcustom / masked-global: a text pass makes the mask, then the `image` row uses it. */
  masked: boolean;
  /** image_scale of the `image` row. */
  imageScale: number;
  usesReference: boolean;
}

export interface PackTraits {
  /** The pack carries IP-Adapter's negative image tokens: `global`'s unconditional row uses them. */
  negativeImageTokens: boolean;
}

export function planFor(params: Params, pack: PackTraits = { negativeImageTokens: false }): ModePlan {
  const dual = dualWeights(params.guidanceText, params.guidanceImage);
  const single = singleWeights(params.guidanceText);
  switch (params.mode) {
    case 'realcustom':
      return {
        graph: 'unet',
        rows: ['uncond', 'text', 'image'],
        weights: dual,
        masked: true,
        imageScale: 1,
        usesReference: true,
      };
    case 'masked-global':
      return {
        graph: 'unetGlobal',
        rows: ['uncond', 'text', 'image'],
        weights: dual,
        masked: true,
        imageScale: params.globalScale,
        usesReference: true,
      };
    case 'global':
      return {
        graph: 'unetGlobal',
        rows: [pack.negativeImageTokens ? 'negative' : 'uncond', 'image'],
        weights: single,
        masked: false,
        imageScale: params.globalScale,
        usesReference: true,
      };
    case 'text':
      return {
        graph: 'unet',
        rows: ['uncond', 'text'],
        weights: single,
        masked: false,
        imageScale: 0,
        usesReference: false,
      };
  }
}

/** Whether step `index` (0-based) reuses the frozen mask instead of making a new one. */
export function maskFrozenAt(params: Params, index: number): boolean {
  return params.maskReuseStep > 0 && index >= params.maskReuseStep;
}
