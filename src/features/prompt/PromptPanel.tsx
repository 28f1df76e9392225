import { useEffect, useId, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { Panel } from '../../ui/Panel';
import { highlightRuns, phraseOf, promptWords } from '../../lib/prompt-words';
import { useStore } from '../../store';
import { PackCard } from '../pack-card/PackCard';
import { isCurrentAnalysis, promptMessages } from './prompt-messages';
import { usePromptAnalysis } from './use-prompt-analysis';
import './PromptPanel.css';

const NO_SUGGESTIONS: string[] = [];

/** The scene, and which of its words takes the reference's look. */
export function PromptPanel() {
  usePromptAnalysis();
  const prompt = useStore((s) => s.prompt);
  const selection = useStore((s) => s.selection);
  const analysis = useStore((s) => s.analysis);
  const setPrompt = useStore((s) => s.setPrompt);
  const clickWord = useStore((s) => s.clickWord);
  const suggestions = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.examples.prompts : NO_SUGGESTIONS));
  const vocabulary = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.vocabulary : NO_SUGGESTIONS));
  const maxWords = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.maxTokens : Infinity));
  const backdrop = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const focusRequest = useStore((s) => s.promptFocusRequest);
  const id = useId();

  // Asked for by another feature (Reuse): bring the prompt into view and focus it.
  useEffect(() => {
    if (focusRequest === 0) return;
    input.current?.scrollIntoView({ block: 'center' });
    input.current?.focus({ preventScroll: true });
  }, [focusRequest]);

  const words = promptWords(prompt);
  const phrase = phraseOf(words, selection);
  // Only an analysis of what is on screen now (an answer for older text is not shown).
  const current = isCurrentAnalysis(analysis, prompt, selection);
  const tokens = current ? analysis.analysis.tokens : null;
  const messages = current ? promptMessages(analysis.analysis, phrase, vocabulary) : [];
  // Words past the encoder's limit fold into one chip (a long paste makes one, not hundreds).
  const cut = Math.max(0, words.length - maxWords);

  const pick = (index: number) => (event: MouseEvent) => clickWord(index, event.shiftKey);
  const pickByKey = (index: number) => (event: KeyboardEvent) => {
    if (event.shiftKey && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      clickWord(index, true);
    }
  };

  return (
    <Panel title="Prompt" hint="Describe the scene, then pick the word to customize">
      <PackCard />
      <div className="prompt-field">
        <div ref={backdrop} className="prompt-field__backdrop" aria-hidden="true">
          {highlightRuns(prompt, words, selection).map((run, i) =>
            run.marked ? <mark key={i}>{run.text}</mark> : <span key={i}>{run.text}</span>,
          )}
          {'\n'}
        </div>
        <textarea
          ref={input}
          className="prompt-input"
          rows={3}
          value={prompt}
          placeholder="a star and a blue ball on grass"
          aria-label="Prompt"
          aria-describedby={`${id}-target`}
          spellCheck={false}
          onChange={(e) => setPrompt(e.target.value)}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <p className="prompt-target" id={`${id}-target`} data-testid="target-word">
        {phrase ? (
          <>
            Target: <strong>{phrase}</strong>
          </>
        ) : (
          'No target word yet'
        )}
      </p>
      <div
        className="word-chips"
        data-testid="word-chips"
        role="group"
        aria-label="Target word (shift-click for a phrase)"
      >
        {words.slice(0, words.length - cut).map((word, index) => {
          const selected = selection !== null && index >= selection.first && index <= selection.last;
          const token = tokens?.[index];
          const state = token === undefined ? (tokens ? 'cut' : 'pending') : token.known ? 'known' : 'unknown';
          return (
            <button
              key={`${index}-${word.text}`}
              type="button"
              className={`chip chip--${state}`}
              aria-pressed={selected}
              title={
                state === 'unknown'
                  ? 'Not in the pack’s vocabulary'
                  : state === 'cut'
                    ? 'Past the word limit: ignored'
                    : undefined
              }
              onClick={pick(index)}
              onKeyDown={pickByKey(index)}
            >
              {word.text}
            </button>
          );
        })}
        {cut > 0 && (
          <span className="chip chip--cut chip--folded" title="Past the word limit: ignored">
            +{cut} {cut === 1 ? 'word' : 'words'} past the limit
          </span>
        )}
      </div>
      <ul className="prompt-messages" aria-live="polite" data-testid="prompt-messages">
        {messages.map((m) => (
          <li key={m.text} className={`notice notice--${m.level === 'info' ? 'ok' : m.level}`}>
            {m.text}
          </li>
        ))}
      </ul>
      {suggestions.length > 0 && (
        <details className="suggestions">
          <summary>Suggested prompts</summary>
          <ul>
            {suggestions.map((s) => (
              <li key={s}>
                <button type="button" className="text-button" onClick={() => setPrompt(s)}>
                  {s}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Panel>
  );
}
