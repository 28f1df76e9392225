import type { StateCreator } from 'zustand';
import type { Params, PromptAnalysis } from '../../workers/protocol';
import { followPhrase, promptWords, selectPhrase, selectWord, type WordSelection } from '../lib/prompt-words';

/**
 * What the person sets up before Generate: the reference (its facts; the pixels live in
 * features/reference/reference-pixels.ts), the prompt with the chosen target phrase, and
 * the parameters.
 */
export type ReferenceState =
  | { status: 'empty' }
  | { status: 'loading'; name: string }
  | {
      status: 'ready';
      name: string;
      width: number;
      height: number;
      notes: string[];
      /** Where the square crop sits along the long side, in [0, 1]. */
      cropPosition: number;
      /** Bumped whenever the pixels change, so canvases know to repaint. */
      version: number;
      /** A later file that was refused; this reference stays until one is accepted. */
      refused?: { name: string; message: string };
    }
  | { status: 'error'; name: string; message: string };

export type AnalysisState =
  | { status: 'idle' }
  | { status: 'done'; prompt: string; targetWord: string; targetIndex?: number; analysis: PromptAnalysis };

export interface InputsSlice {
  reference: ReferenceState;
  prompt: string;
  selection: WordSelection | null;
  analysis: AnalysisState;
  /** Null until a pack gives its defaults. */
  params: Params | null;
  paramProblems: string[];
  /** Bumped to ask the prompt field to come into view and take focus (e.g. after Reuse). */
  promptFocusRequest: number;
  setReference(reference: ReferenceState): void;
  setCropPosition(position: number): void;
  /** Keeps the target phrase selected if the edited prompt still has it. */
  setPrompt(prompt: string): void;
  clickWord(index: number, extend: boolean): void;
  /** Sets prompt and target together (example, suggested prompt, shared link); `targetIndex` picks the copy. */
  setPromptAndTarget(prompt: string, targetWord: string, targetIndex?: number): void;
  setAnalysis(analysis: AnalysisState): void;
  setParams(params: Params, problems?: string[]): void;
  focusPrompt(): void;
}

export const createInputsSlice: StateCreator<InputsSlice> = (set) => ({
  reference: { status: 'empty' },
  prompt: '',
  selection: null,
  analysis: { status: 'idle' },
  params: null,
  paramProblems: [],
  promptFocusRequest: 0,
  setReference: (reference) => set({ reference }),
  setCropPosition: (cropPosition) =>
    set(({ reference }) => (reference.status === 'ready' ? { reference: { ...reference, cropPosition } } : {})),
  setPrompt: (prompt) =>
    set(({ prompt: before, selection }) => {
      if (!selection) return { prompt };
      const old = promptWords(before);
      const phrase = old
        .slice(selection.first, selection.last + 1)
        .map((w) => w.text)
        .join(' ');
      return { prompt, selection: followPhrase(promptWords(prompt), phrase, selection.first) };
    }),
  clickWord: (index, extend) => set(({ selection }) => ({ selection: selectWord(selection, index, extend) })),
  setPromptAndTarget: (prompt, targetWord, targetIndex) =>
    set({ prompt, selection: selectPhrase(promptWords(prompt), targetWord.toLowerCase().trim(), targetIndex) }),
  setAnalysis: (analysis) => set({ analysis }),
  setParams: (params, problems = []) => set({ params, paramProblems: problems }),
  focusPrompt: () => set(({ promptFocusRequest }) => ({ promptFocusRequest: promptFocusRequest + 1 })),
});
