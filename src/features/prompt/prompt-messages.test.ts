import { describe, expect, it } from 'vitest';
import type { PromptAnalysis } from '../../../workers/protocol';
import { promptMessages } from './prompt-messages';

const tokens = (...words: string[]) => words.map((text, id) => ({ text, id, known: text !== 'zork' }));

describe('promptMessages', () => {
  it('an unknown target is an error, an unknown other word a warning', () => {
    const analysis: PromptAnalysis = {
      tokens: tokens('a', 'zork', 'on', 'grass'),
      targetPositions: [2],
      truncatedWords: [],
      problems: ['‘zork’ is unknown to this pack.'],
    };
    expect(promptMessages(analysis, 'zork')[0]?.level).toBe('error');
    expect(promptMessages(analysis, 'grass')[0]?.level).toBe('warn');
  });
  it('explains a phrase over several tokens', () => {
    const analysis: PromptAnalysis = {
      tokens: tokens('a', 'red', 'star'),
      targetPositions: [2, 3],
      truncatedWords: [],
      problems: [],
    };
    expect(promptMessages(analysis, 'red star')).toEqual([
      { level: 'info', text: 'The target covers 2 tokens (red, star): the mask adds up their attention.' },
    ]);
  });
  it('turns "choose a word" into how to do it, and keeps truncation as a warning', () => {
    const analysis: PromptAnalysis = {
      tokens: tokens('a'),
      targetPositions: [],
      truncatedWords: ['x'],
      problems: ['Choose a word of the prompt to customize.', 'The prompt is longer than 1 words; ignored: x.'],
    };
    expect(promptMessages(analysis, '').map((m) => m.level)).toEqual(['info', 'warn']);
  });
});
