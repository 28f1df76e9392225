import { describe, expect, it } from 'vitest';
import type { PackSummary } from '../../../workers/protocol';
import { packCardFacts } from './pack-card';

const summary = (vocabulary: string[]): PackSummary =>
  ({
    name: 'p',
    description: 'd',
    imageSize: 32,
    referenceSize: 32,
    vocabulary,
    maxTokens: 77,
  }) as unknown as PackSummary;

describe('packCardFacts', () => {
  it('lists a closed vocabulary without special tokens and says other words are not understood', () => {
    const f = packCardFacts(summary(['<pad>', 'a', 'star', 'star', 'red']));
    expect(f.words).toEqual(['a', 'star', 'red']);
    expect(f.wordsLine).toBe('Its 3 words: a, star, red. Other words are not understood.');
    expect(f.reference.willNot).toMatch(/outside its 3 are ignored/);
  });

  it('says a byte-level BPE pack (no word list) reads any words, up to its token limit', () => {
    const f = packCardFacts(summary([]));
    expect(f.words).toBeNull();
    expect(f.wordsLine).toMatch(/reads any words .* up to 77 tokens/);
    expect(f.wordsLine).not.toMatch(/0 words/);
    expect(f.reference.willNot).not.toMatch(/outside its/);
  });
});
