import { describe, expect, it } from 'vitest';
import { WordTokenizer, splitWords } from './tokenizer';

const vocab = ['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'red', 'star', 'and', 'blue', 'ball', 'on', 'grass', 'toy'];
const tok = new WordTokenizer({ vocab, maxLength: 8, pad: 0, bos: 1, eos: 2, unk: 3 });

describe('word tokenizer', () => {
  it('lowercases and splits on anything outside [a-z0-9]', () => {
    expect(splitWords('  A Red-star, on GRASS!! 2x ')).toEqual(['a', 'red', 'star', 'on', 'grass', '2x']);
    expect(splitWords('éclair')).toEqual(['clair']);
  });

  it('wraps in bos/eos, pads, and maps unknown words to unk', () => {
    const e = tok.encode('A zebra on grass');
    expect(e.ids).toEqual([1, 4, 3, 10, 11, 2, 0, 0]);
    expect(e.tokens.map((t) => t.known)).toEqual([true, false, true, true]);
    expect(e.truncatedWords).toEqual([]);
    expect(tok.encode('').ids).toEqual([1, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('truncates to maxLength − 2 words and reports the cut', () => {
    const e = tok.encode('a red star and a blue ball on grass');
    expect(e.ids).toEqual([1, 4, 5, 6, 7, 4, 8, 2]);
    expect(e.truncatedWords).toEqual(['ball', 'on', 'grass']);
  });

  it('finds single and multi-token targets, every occurrence', () => {
    expect(tok.analyze('a red star on grass', 'star').targetPositions).toEqual([3]);
    expect(tok.analyze('a red star on grass', 'Red Star').targetPositions).toEqual([2, 3]);
    expect(tok.analyze('a star and a star', 'star').targetPositions).toEqual([2, 5]);
    // Words present but not contiguous are not the phrase.
    expect(tok.analyze('a red ball and a star', 'red star').targetPositions).toEqual([]);
  });

  it('targets the one occurrence at a word index (the chip clicked)', () => {
    expect(tok.analyze('a star and a star', 'star', 4).targetPositions).toEqual([5]);
    expect(tok.analyze('a star and a star', 'star', 1).targetPositions).toEqual([2]);
    expect(tok.analyze('a red star on grass', 'red star', 1).targetPositions).toEqual([2, 3]);
    expect(tok.analyze('a star and a star', 'star', 2).problems).toEqual(['‘star’ is not word 3 of the prompt.']);
    // A copy past the limit is refused, never swapped for an earlier copy.
    const past = tok.analyze('a star and a red blue ball star', 'star', 7);
    expect(past.targetPositions).toEqual([]);
    expect(past.problems).toContain('‘star’ is past the 6-word limit; move it earlier in the prompt.');
  });

  it('explains problems in words', () => {
    expect(tok.analyze('a red star', 'star').problems).toEqual([]);
    expect(tok.analyze('a red star', 'toy').problems).toEqual(['‘toy’ is not in the prompt.']);
    expect(tok.analyze('a zebra', 'zebra').problems).toEqual(['‘zebra’ is unknown to this pack.']);
    expect(tok.analyze('', 'star').problems).toContain('The prompt is empty.');
    expect(tok.analyze('красная звезда', 'star').problems).toContain(
      'The prompt has no word this pack can read: it reads only the letters a–z and digits.',
    );
    expect(tok.analyze('a red star', ' ').problems).toEqual(['Choose a word of the prompt to customize.']);
    const long = tok.analyze('a red blue ball and a on star', 'star');
    expect(long.targetPositions).toEqual([]);
    expect(long.problems).toContain('‘star’ is past the 6-word limit; move it earlier in the prompt.');
    expect(long.truncatedWords).toEqual(['on', 'star']);
  });

  it('names a few of the cut words and counts the rest', () => {
    const short = tok.analyze('a red star and a blue ball on grass', 'star');
    expect(short.problems).toContain('The prompt is longer than 6 words; ignored: ball on grass.');
    const long = tok.analyze(
      `a red star ${Array.from({ length: 500 }, (_, i) => (i % 2 ? 'ball' : 'grass')).join(' ')}`,
      'star',
    );
    expect(long.truncatedWords).toHaveLength(497);
    expect(long.problems).toContain(
      'The prompt is longer than 6 words; ignored: ball grass ball grass ball grass ball grass … and 489 more words.',
    );
  });

  it('names the characters it skips (emoji, letters outside a–z)', () => {
    const { problems, targetPositions } = tok.analyze('a red ⭐ star on grüne 🌿 grass', 'star');
    expect(targetPositions).toEqual([3]);
    expect(problems).toContain(
      'This pack reads only the letters a–z and digits: ‘⭐’ ‘ü’ ‘🌿’ are skipped (a word containing one is split there).',
    );
  });
});
