import type { Mode, PromptAnalysis } from '../../../workers/protocol';
import { phraseOf, promptWords, type WordSelection } from '../../lib/prompt-words';
import type { AnalysisState } from '../../store/inputs-slice';
import { knownWords } from '../pack-card/pack-card';

export interface PromptMessage {
  level: 'error' | 'warn' | 'info';
  text: string;
}

/**
 * The tokenizer's findings in the page's words, each with what it means for the run: an
 * unknown target stops Generate, an unknown other word only weakens the prompt, a phrase
 * spreads the mask over several tokens.
 */
export function promptMessages(
  analysis: PromptAnalysis,
  targetWord: string,
  vocabulary: readonly string[] = [],
): PromptMessage[] {
  const words = knownWords(vocabulary);
  const knows = words.length > 0 ? ` This pack knows: ${words.join(', ')}.` : '';
  const target = new Set(targetWord.split(' ').filter(Boolean));
  const out: PromptMessage[] = [];
  for (const problem of analysis.problems) {
    const unknown = /^‘(.+)’ is unknown to this pack\.$/u.exec(problem)?.[1];
    if (unknown !== undefined) {
      out.push(
        target.has(unknown)
          ? { level: 'error', text: `${problem} The target must be a word it knows: pick another word.${knows}` }
          : { level: 'warn', text: `${problem} It is read as an unknown token and adds nothing to the image.` },
      );
    } else if (problem.startsWith('Choose')) {
      out.push({ level: 'info', text: 'Click a word below to make it the target (shift-click to add a neighbour).' });
    } else {
      out.push({ level: problem.includes('longer than') ? 'warn' : 'error', text: problem });
    }
  }
  const tokens = analysis.targetPositions.length;
  if (tokens > 1)
    out.push({
      level: 'info',
      text: `The target covers ${tokens} tokens (${analysis.targetPositions
        .map((p) => analysis.tokens[p - 1]?.text ?? '?')
        .join(', ')}): the mask adds up their attention.`,
    });
  return out;
}

/** Whether the worker's analysis is of the prompt and target on screen now (older answers are not shown). */
export function isCurrentAnalysis(
  analysis: AnalysisState,
  prompt: string,
  selection: WordSelection | null,
): analysis is Extract<AnalysisState, { status: 'done' }> {
  return (
    analysis.status === 'done' &&
    analysis.prompt === prompt &&
    analysis.targetWord === phraseOf(promptWords(prompt), selection) &&
    analysis.targetIndex === selection?.first
  );
}

/**
 * Why the chosen target cannot be customized (not at that place, past the word limit,
 * unknown to the pack), so Generate is refused before the click; null when it can, or
 * while the analysis of the current text is pending (the engine checks again).
 */
export function targetRefusal(
  analysis: AnalysisState,
  prompt: string,
  selection: WordSelection | null,
  mode: Mode,
): string | null {
  if (mode !== 'realcustom' && mode !== 'masked-global') return null;
  if (!selection || !isCurrentAnalysis(analysis, prompt, selection)) return null;
  const { targetPositions, tokens, problems } = analysis.analysis;
  if (targetPositions.length === 0)
    return problems.find((p) => p.startsWith('‘')) ?? 'The target word is not in the prompt.';
  const unknown = targetPositions.map((p) => tokens[p - 1]).filter((t) => t !== undefined && !t.known);
  if (unknown.length > 0)
    return `‘${unknown.map((t) => t?.text).join(' ')}’ is unknown to this pack: pick a word it knows.`;
  return null;
}
