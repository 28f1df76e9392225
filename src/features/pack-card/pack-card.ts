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
  words: string[];
  reference: { will: string; willNot: string };
}

export function packCardFacts(summary: PackSummary): PackCardFacts {
  const words = knownWords(summary.vocabulary);
  return {
    trainedOn: summary.description || `The ${summary.name} pack (no description given).`,
    size: `Makes ${summary.imageSize}×${summary.imageSize} images; the reference is read at ${summary.referenceSize}×${summary.referenceSize}.`,
    words,
    reference: {
      will: 'A reference lends its colours, texture and shape to the target word, as far as this pack learned such looks.',
      willNot: `It will not teach the pack new subjects or words: a photo of something unlike its training images is read only as colours and rough shapes, and words outside its ${words.length} are ignored.`,
    },
  };
}
