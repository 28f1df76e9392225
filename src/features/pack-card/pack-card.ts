/**
 * What a newcomer should know about the loaded pack, from its summary (never hard-coded:
 * packs differ): what it was trained on, the image size, the words it knows, and what a
 * photo reference will and will not do with it.
 */
import type { PackSummary } from '../../../workers/protocol';

/** The words a person can type: the vocabulary without special tokens (`<pad>`, `<unk>`…). */
export function knownWords(vocabulary: readonly string[]): string[] {
  return [...new Set(vocabulary.filter((w) => !/^<.*>$/u.test(w) && w !== ''))];
}

export interface PackCardFacts {
  trainedOn: string;
  size: string;
  /** The words it knows; null when any word is read (a byte-level BPE tokenizer, as CLIP's). */
  words: string[] | null;
  /** The sentence about its words. */
  wordsLine: string;
  reference: { will: string; willNot: string };
}

export function packCardFacts(summary: PackSummary): PackCardFacts {
  // A pack lists its words when its tokenizer is a closed word list; byte-level BPE lists none.
  const open = summary.vocabulary.length === 0;
  const words = open ? null : knownWords(summary.vocabulary);
  return {
    trainedOn: summary.description || `The ${summary.name} pack (no description given).`,
    size: `Makes ${summary.imageSize}×${summary.imageSize} images; the reference is read at ${summary.referenceSize}×${summary.referenceSize}.`,
    words,
    wordsLine: words
      ? `Its ${words.length} words: ${words.join(', ')}. Other words are not understood.`
      : `It reads any words (byte-level BPE, as CLIP): up to ${summary.maxTokens} tokens, the rest of a longer prompt is cut.`,
    reference: {
      will: 'A reference lends its colours, texture and shape to the target word, as far as this pack learned such looks.',
      willNot: words
        ? `It will not teach the pack new subjects or words: a photo of something unlike its training images is read only as colours and rough shapes, and words outside its ${words.length} are ignored.`
        : 'It will not teach the pack a new subject: the reference guides the look of the target word, it does not add knowledge the model lacks.',
    },
  };
}
