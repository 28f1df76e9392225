import { useEffect } from 'react';
import { engineBridge } from '../../engine/session';
import { phraseOf, promptWords } from '../../lib/prompt-words';
import { useStore } from '../../store';

const DEBOUNCE_MS = 150;

/** Asks the worker's tokenizer about the prompt and target while the person types. */
export function usePromptAnalysis(): void {
  const packReady = useStore((s) => s.pack.status === 'done');
  const prompt = useStore((s) => s.prompt);
  const targetWord = useStore((s) => phraseOf(promptWords(s.prompt), s.selection));
  const targetIndex = useStore((s) => s.selection?.first);
  const setAnalysis = useStore((s) => s.setAnalysis);

  useEffect(() => {
    if (!packReady) return;
    let live = true;
    const timer = setTimeout(() => {
      engineBridge()
        .analyzePrompt(prompt, targetWord, targetIndex)
        .then((analysis) => live && setAnalysis({ status: 'done', prompt, targetWord, targetIndex, analysis }))
        .catch(() => live && setAnalysis({ status: 'idle' }));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [packReady, prompt, targetWord, targetIndex, setAnalysis]);
}
