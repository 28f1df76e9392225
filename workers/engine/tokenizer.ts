/**
 * The pack's word tokenizer (pack contract: lowercase, split on anything that is not
 * [a-z0-9], bos … eos, padded to maxLength, unknown words → unk) and the prompt analysis
 * the page shows while the user types: which words the pack knows, where the target
 * phrase sits, what was cut.
 */
import type { PromptAnalysis, TokenInfo } from '../protocol';

/** The warning names every word past the limit up to this many; past it, the first 8 and a count. */
const LISTED_CUT_WORDS = 12;
const NAMED_OF_MANY = 8;

export interface WordTokenizerSpec {
  vocab: readonly string[];
  maxLength: number;
  pad: number;
  bos: number;
  eos: number;
  unk: number;
}

export function splitWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

export interface Encoded {
  /** maxLength ids: bos, kept words, eos, pad… */
  ids: number[];
  /** One entry per kept word (word tokenizer: its token position is index + 1, after bos). */
  tokens: TokenInfo[];
  truncatedWords: string[];
}

/** What the engine needs of a pack's tokenizer (word-level for version 1, CLIP BPE for version 2). */
export interface PromptTokenizer {
  readonly maxLength: number;
  encode(text: string): Encoded;
  /** `targetIndex`: the word index (as the page's chips count) of the occurrence to target. */
  analyze(prompt: string, targetWord: string, targetIndex?: number): PromptAnalysis;
}

export class WordTokenizer implements PromptTokenizer {
  private readonly index = new Map<string, number>();

  constructor(private readonly spec: WordTokenizerSpec) {
    spec.vocab.forEach((word, id) => {
      if (!this.index.has(word)) this.index.set(word, id);
    });
  }

  get maxLength(): number {
    return this.spec.maxLength;
  }

  /** Room for words between bos and eos. */
  get maxWords(): number {
    return this.spec.maxLength - 2;
  }

  isKnown(word: string): boolean {
    return this.index.has(word);
  }

  encode(text: string): Encoded {
    const words = splitWords(text);
    const kept = words.slice(0, this.maxWords);
    const tokens = kept.map((text) => {
      const id = this.index.get(text);
      return { text, id: id ?? this.spec.unk, known: id !== undefined };
    });
    const ids = [this.spec.bos, ...tokens.map((t) => t.id), this.spec.eos];
    while (ids.length < this.spec.maxLength) ids.push(this.spec.pad);
    return { ids, tokens, truncatedWords: words.slice(this.maxWords) };
  }

  /**
   * Positions (after bos) of every occurrence of the phrase's words among the kept tokens.
   * A phrase of several words must appear contiguously; each occurrence contributes all its
   * tokens (the mask sums the attention over them).
   */
  findPhrase(tokens: readonly TokenInfo[], phrase: string): number[] {
    return occurrences(
      tokens.map((t) => t.text),
      splitWords(phrase),
    ).map((i) => i + 1);
  }

  /**
   * `targetIndex` (the word index of the phrase's first word, as the page's chips count)
   * targets that one occurrence; without it every occurrence is targeted.
   */
  analyze(prompt: string, targetWord: string, targetIndex?: number): PromptAnalysis {
    const { tokens, truncatedWords } = this.encode(prompt);
    const parts = splitWords(targetWord);
    const phrase = parts.join(' ');
    const words = splitWords(prompt);
    const at = targetIndex === undefined ? null : occurrenceAt(words, parts, targetIndex);
    const targetPositions =
      targetIndex === undefined
        ? this.findPhrase(tokens, targetWord)
        : at !== null && at + parts.length <= this.maxWords
          ? parts.map((_, j) => at + j + 1)
          : [];
    const problems: string[] = [];

    if (tokens.length === 0)
      problems.push(
        /\S/u.test(prompt)
          ? 'The prompt has no word this pack can read: it reads only the letters a–z and digits.'
          : 'The prompt is empty.',
      );
    if (phrase === '') {
      problems.push('Choose a word of the prompt to customize.');
    } else if (targetPositions.length === 0) {
      const inFullPrompt = targetIndex === undefined ? occurrences(words, parts).length > 0 : at !== null;
      problems.push(
        inFullPrompt
          ? `‘${phrase}’ is past the ${this.maxWords}-word limit; move it earlier in the prompt.`
          : targetIndex === undefined
            ? `‘${phrase}’ is not in the prompt.`
            : `‘${phrase}’ is not word ${targetIndex + 1} of the prompt.`,
      );
    }
    for (const word of new Set(splitWords(`${prompt} ${targetWord}`))) {
      if (!this.isKnown(word)) problems.push(`‘${word}’ is unknown to this pack.`);
    }
    // Emoji and letters outside a–z are not in a word vocabulary: say so instead of
    // silently dropping them (or reporting the fragments of a split word as unknown).
    const skipped = [...new Set(prompt.toLowerCase().match(/[^\p{ASCII}]/gu) ?? [])].filter((c) => /\S/u.test(c));
    if (skipped.length > 0) {
      problems.push(
        `This pack reads only the letters a–z and digits: ${skipped.map((c) => `‘${c}’`).join(' ')} ${skipped.length === 1 ? 'is' : 'are'} skipped (a word containing one is split there).`,
      );
    }
    if (truncatedWords.length > 0) {
      // A few of the cut words, not hundreds: the chips fold the rest into one.
      const named = truncatedWords.length > LISTED_CUT_WORDS ? NAMED_OF_MANY : truncatedWords.length;
      const shown = truncatedWords.slice(0, named).join(' ');
      const more = truncatedWords.length - named;
      problems.push(
        `The prompt is longer than ${this.maxWords} words; ignored: ${shown}${more > 0 ? ` … and ${more} more words` : ''}.`,
      );
    }
    return { tokens, targetPositions, truncatedWords, problems };
  }
}

/** `index` when the phrase's words start there, else null. */
export function occurrenceAt(words: readonly string[], phrase: readonly string[], index: number): number | null {
  if (!Number.isInteger(index) || index < 0 || phrase.length === 0) return null;
  return phrase.every((w, j) => words[index + j] === w) ? index : null;
}

/** Word indices covered by non-overlapping occurrences of `phrase` in `words`. */
export function occurrences(words: readonly string[], phrase: readonly string[]): number[] {
  const hits: number[] = [];
  if (phrase.length === 0) return hits;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((w, j) => words[i + j] === w)) {
      for (let j = 0; j < phrase.length; j++) hits.push(i + j);
      i += phrase.length - 1;
    }
  }
  return hits;
}
