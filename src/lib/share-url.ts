/**
 * A link that restores the prompt, the target word and the parameters (never the image:
 * the reference stays on this device). Other query parameters (`pack`, `ep`) are kept.
 * Reading goes through sanitizeParams, so a hand-edited link cannot send NaN to the engine.
 */
import type { Params } from '../../workers/protocol';
import { paramsFromSearch } from './params-sanitize';

export interface SharedSettings {
  prompt: string;
  targetWord: string;
  /** Which copy of the word (its word index in the prompt); absent in older links. */
  targetIndex?: number;
  params: Params;
}

/** Parameters written into a link; `previewEvery` is a display choice, not part of the result. */
const SHARED_KEYS = [
  'mode',
  'steps',
  'guidanceText',
  'guidanceImage',
  'gammaScope',
  'gammaNum',
  'maskReuseStep',
  'globalScale',
  'seed',
  'binaryMask',
  'scoring',
] as const satisfies readonly (keyof Params)[];

export function shareUrl(href: string, settings: SharedSettings): string {
  const url = new URL(href);
  url.hash = '';
  url.searchParams.set('prompt', settings.prompt);
  url.searchParams.set('word', settings.targetWord);
  if (settings.targetIndex === undefined) url.searchParams.delete('at');
  else url.searchParams.set('at', String(settings.targetIndex));
  for (const key of SHARED_KEYS) url.searchParams.set(key, String(settings.params[key]));
  return url.toString();
}

/** The settings a link carries, or null when it carries none (a plain visit). */
export function readSharedSettings(search: string, defaults: Params): (SharedSettings & { problems: string[] }) | null {
  const query = new URLSearchParams(search);
  const carries = ['prompt', 'word', ...SHARED_KEYS].some((key) => query.has(key));
  if (!carries) return null;
  const { params, problems } = paramsFromSearch(search, defaults);
  const at = Number(query.get('at') ?? NaN); // a bad position falls back to the word's nearest copy
  const targetIndex = Number.isInteger(at) && at >= 0 ? { targetIndex: at } : {};
  return { prompt: query.get('prompt') ?? '', targetWord: query.get('word') ?? '', ...targetIndex, params, problems };
}
