import { describe, expect, it } from 'vitest';
import { followPhrase, highlightRuns, phraseOf, promptWords, selectWord } from './prompt-words';

describe('promptWords', () => {
  it('splits like the tokenizer and keeps offsets', () => {
    const words = promptWords('A red-star, and 2 balls!');
    expect(words.map((w) => w.text)).toEqual(['a', 'red', 'star', 'and', '2', 'balls']);
    expect(words[2]).toEqual({ text: 'star', start: 6, end: 10 });
  });
  it('has no words for an empty or punctuation-only prompt', () => {
    expect(promptWords('')).toEqual([]);
    expect(promptWords(' ,.; ')).toEqual([]);
  });
});

describe('chip selection', () => {
  const words = promptWords('a red star and a blue ball');
  it('a click selects one word, a shift-click extends to a phrase either way', () => {
    const one = selectWord(null, 2, false);
    expect(phraseOf(words, one)).toBe('star');
    expect(phraseOf(words, selectWord(one, 1, true))).toBe('red star');
    expect(phraseOf(words, selectWord(one, 3, true))).toBe('star and');
    const back = selectWord(selectWord(one, 4, true), 1, true);
    expect(back).toEqual({ first: 1, last: 2, anchor: 2 });
  });
  it('shift-click with nothing selected selects the one word', () => {
    expect(selectWord(null, 5, true)).toEqual({ first: 5, last: 5, anchor: 5 });
  });
  it('no selection is an empty phrase', () => {
    expect(phraseOf(words, null)).toBe('');
  });
});

describe('followPhrase', () => {
  it('finds the phrase again after an edit, nearest the old place', () => {
    const edited = promptWords('a star near a red star');
    expect(followPhrase(edited, 'red star', 1)).toEqual({ first: 4, last: 5, anchor: 4 });
    expect(followPhrase(edited, 'star', 0)).toEqual({ first: 1, last: 1, anchor: 1 });
    expect(followPhrase(edited, 'star', 5)).toEqual({ first: 5, last: 5, anchor: 5 });
  });
  it('is null when the phrase is gone', () => {
    expect(followPhrase(promptWords('a ball'), 'star')).toBeNull();
    expect(followPhrase(promptWords('a ball'), '')).toBeNull();
  });
});

describe('highlightRuns', () => {
  it('marks the selected phrase in the original text', () => {
    const prompt = 'A Red  Star on grass';
    const words = promptWords(prompt);
    expect(highlightRuns(prompt, words, { first: 1, last: 2, anchor: 1 })).toEqual([
      { text: 'A ', marked: false },
      { text: 'Red  Star', marked: true },
      { text: ' on grass', marked: false },
    ]);
    expect(highlightRuns(prompt, words, null)).toEqual([{ text: prompt, marked: false }]);
  });
});
