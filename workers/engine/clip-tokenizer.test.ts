import { describe, expect, it } from 'vitest';
import { ClipTokenizer } from './clip-tokenizer';

// A CLIP-format vocabulary as models/make_random_sd.py writes it: the 256 byte stand-ins,
// each with `</w>`, the merged symbols, then bos/eos at the real ids.
function byteChars(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  return cs.map((c) => String.fromCodePoint(c));
}

const MERGES = ['d o', 'do g</w>', 'c a', 'ca t</w>', 'r e', 're d</w>'];
const chars = byteChars();
const tokens = [...chars, ...chars.map((c) => `${c}</w>`), 'do', 'dog</w>', 'ca', 'cat</w>', 're', 'red</w>'];
const vocab: Record<string, number> = Object.fromEntries(tokens.map((t, i) => [t, i]));
vocab['<|startoftext|>'] = 49406;
vocab['<|endoftext|>'] = 49407;
const id = (t: string) => vocab[t]!;
const BOS = 49406;
const EOS = 49407;

const tok = new ClipTokenizer({
  vocab,
  merges: `#version: 0.2\n${MERGES.join('\n')}\n`,
  maxLength: 77,
  bos: BOS,
  eos: EOS,
  pad: EOS,
});

describe('ClipTokenizer', () => {
  it('merges by rank with </w> on the last symbol, lowercases, pads with eos', () => {
    const { ids } = tok.encode('A red DOG');
    expect(ids.slice(0, 6)).toEqual([BOS, id('a</w>'), id('red</w>'), id('dog</w>'), EOS, EOS]);
    expect(ids).toHaveLength(77);
    expect(tok.encode('').ids).toEqual([BOS, ...new Array<number>(76).fill(EOS)]);
  });

  it("splits like CLIP: letters, single digits, 's, punctuation runs", () => {
    // dogs: "d o" merges, "do g" is not a merge (only "do g</w>" is) → do, g, s</w>.
    expect(tok.pieceIds('dogs')).toEqual([id('do'), id('g'), id('s</w>')]);
    const { ids } = tok.encode("dog's 42!?");
    expect(ids.slice(1, 8)).toEqual([
      id('dog</w>'),
      id("'"),
      id('s</w>'),
      id('4</w>'),
      id('2</w>'),
      id('!'),
      id('?</w>'),
    ]);
    expect(ids[8]).toBe(EOS);
  });

  it('encodes non-ASCII letters as UTF-8 byte stand-ins', () => {
    // é = 0xC3 0xA9 → 'Ã' (0xC3 is kept as itself) and '©' (0xA9 is kept as itself).
    expect(tok.pieceIds('é')).toEqual([id('Ã'), id('©</w>')]);
  });

  it('maps a target word to all of its BPE tokens, and the chips to words', () => {
    const a = tok.analyze('two dogs on a red mat', 'dogs');
    // two → t w o</w> (1..3), dogs → do g s</w> (4..6)
    expect(a.targetPositions).toEqual([4, 5, 6]);
    expect(a.tokens.map((t) => t.text)).toEqual(['two', 'dogs', 'on', 'a', 'red', 'mat']);
    expect(a.problems).toEqual([]);
    expect(tok.analyze('a red dog', 'red dog').targetPositions).toEqual([2, 3]);
    expect(tok.analyze('a dog2', 'dog2').targetPositions).toEqual([2, 3]);
    expect(tok.analyze('a cat', 'dog').problems).toEqual(['‘dog’ is not in the prompt.']);
  });

  it('cuts to 75 tokens and names the words cut', () => {
    const prompt = `${'a '.repeat(74)}dog cat red`;
    const { ids, truncatedWords } = tok.encode(prompt);
    expect(ids).toHaveLength(77);
    expect(ids[75]).toBe(id('dog</w>'));
    expect(ids[76]).toBe(EOS);
    expect(truncatedWords).toEqual(['cat', 'red']);
    const a = tok.analyze(prompt, 'red');
    expect(a.targetPositions).toEqual([]);
    expect(a.problems[0]).toMatch(/past the 75-token limit/);
  });
});
