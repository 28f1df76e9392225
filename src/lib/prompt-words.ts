/**
 * The prompt's words as the pack's tokenizer splits them (lowercase runs of [a-z0-9]), with
 * where each sits in the text, and the chip selection rules: a click picks one word, a
 * shift-click extends from the last clicked word to a contiguous phrase (`red star`).
 */
export interface PromptWord {
  text: string; // lowercased, as the tokenizer sees it
  start: number; // character offsets in the prompt, end exclusive
  end: number;
}

/** First and last word index of the target phrase, inclusive, and the word clicked last. */
export interface WordSelection {
  first: number;
  last: number;
  anchor: number;
}

export function promptWords(prompt: string): PromptWord[] {
  return [...prompt.matchAll(/[a-z0-9]+/giu)].map((m) => ({
    text: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** A click on chip `index`: alone it selects that word; with shift it spans from the anchor. */
export function selectWord(selection: WordSelection | null, index: number, extend: boolean): WordSelection {
  if (!extend || !selection) return { first: index, last: index, anchor: index };
  return {
    first: Math.min(selection.anchor, index),
    last: Math.max(selection.anchor, index),
    anchor: selection.anchor,
  };
}

export function phraseOf(words: readonly PromptWord[], selection: WordSelection | null): string {
  if (!selection) return '';
  return words
    .slice(selection.first, selection.last + 1)
    .map((w) => w.text)
    .join(' ');
}

/**
 * After the prompt changed: the selection of the same phrase in the new words (its first
 * occurrence nearest to where it was), or null when the phrase is gone.
 */
export function followPhrase(words: readonly PromptWord[], phrase: string, near = 0): WordSelection | null {
  const parts = phrase.split(' ').filter((p) => p !== '');
  if (parts.length === 0) return null;
  let best: number | null = null;
  for (let i = 0; i + parts.length <= words.length; i++) {
    if (
      parts.every((p, j) => words[i + j]?.text === p) &&
      (best === null || Math.abs(i - near) < Math.abs(best - near))
    )
      best = i;
  }
  return best === null ? null : { first: best, last: best + parts.length - 1, anchor: best };
}

/** The phrase at word `index` when it is there (a link's or a gallery entry's copy), else its nearest copy. */
export function selectPhrase(words: readonly PromptWord[], phrase: string, index?: number): WordSelection | null {
  if (index === undefined) return followPhrase(words, phrase);
  const exact = followPhrase(words.slice(index), phrase);
  return exact?.first === 0
    ? { first: index, last: index + exact.last, anchor: index }
    : followPhrase(words, phrase, index);
}

/** The prompt cut into plain and highlighted runs, for drawing the target in the text. */
export function highlightRuns(
  prompt: string,
  words: readonly PromptWord[],
  selection: WordSelection | null,
): { text: string; marked: boolean }[] {
  const first = selection ? words[selection.first] : undefined;
  const last = selection ? words[selection.last] : undefined;
  if (!first || !last) return [{ text: prompt, marked: false }];
  return [
    { text: prompt.slice(0, first.start), marked: false },
    { text: prompt.slice(first.start, last.end), marked: true },
    { text: prompt.slice(last.end), marked: false },
  ].filter((r) => r.text !== '');
}
