import { useStore } from '../../store';
import { packCardFacts } from './pack-card';
import './PackCard.css';

/** The loaded pack's card: what it was trained on and what it can do, open until closed. */
export function PackCard() {
  const summary = useStore((s) => (s.pack.status === 'done' ? s.pack.summary : null));
  if (!summary) return null;
  const facts = packCardFacts(summary);
  return (
    <details className="pack-card" data-testid="pack-card" open>
      <summary>
        About the <strong>{summary.name}</strong> pack: what it knows
      </summary>
      <p>{facts.trainedOn}</p>
      <p>{facts.size}</p>
      <p className="pack-card__words" data-testid="pack-card-words">
        {facts.wordsLine}
      </p>
      <p>{facts.reference.will}</p>
      <p>{facts.reference.willNot}</p>
    </details>
  );
}
