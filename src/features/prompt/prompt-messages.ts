import type { PromptAnalysis } from '../../../workers/protocol';

export interface PromptMessage {
  level: 'error' | 'warn' | 'info';
  text: string;
}

/**
 * The tokenizer's findings in the page's words, each with what it means for the run: an
 * unknown target stops Generate, an unknown other word only weakens the prompt, a phrase
 * spreads the mask over several tokens.
 */
export function promptMessages(analysis: PromptAnalysis, targetWord: string): PromptMessage[] {
  const target = new Set(targetWord.split(' ').filter(Boolean));
  const out: PromptMessage[] = [];
  for (const problem of analysis.problems) {
    const unknown = /^‘(.+)’ is unknown to this pack\.$/u.exec(problem)?.[1];
    if (unknown !== undefined) {
      out.push(
        target.has(unknown)
          ? { level: 'error', text: `${problem} The target must be a word it knows: pick another word.` }
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
