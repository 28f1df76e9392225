import { useId, useState } from 'react';
import type { ReactNode } from 'react';

interface NumberFieldProps {
  label: string;
  help: string;
  value: number;
  step: number;
  /** Validates and stores the typed text; returns the problems (empty when accepted as is) and the value kept. */
  commit(text: string): { problems: string[]; value: number };
  extra?: ReactNode;
}

/**
 * A number input that edits freely (a half-typed "0." is fine) and commits on blur or
 * Enter, where the value is checked and clamped; the reason for a change is shown below
 * until the value changes again.
 */
export function NumberField({ label, help, value, step, commit, extra }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [committed, setCommitted] = useState<{ problems: string[]; value: number } | null>(null);
  // The message stays on this field, whatever the other fields do, until this field's value changes.
  const problems = committed !== null && Object.is(committed.value, value) ? committed.problems : [];
  const done = () => {
    if (draft === null) return;
    setCommitted(commit(draft));
    setDraft(null);
  };
  return (
    <div className="param">
      <label className="param__label" htmlFor={id}>
        {label}
      </label>
      <div className="param__control">
        <input
          id={id}
          className="field-input"
          type="number"
          inputMode="decimal"
          step={step}
          value={draft ?? String(value)}
          aria-describedby={`${id}-help`}
          aria-invalid={problems.length > 0}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={done}
          onKeyDown={(e) => {
            if (e.key === 'Enter') done();
            if (e.key === 'Escape') setDraft(null);
          }}
        />
        {extra}
      </div>
      <p className="param__help" id={`${id}-help`}>
        {problems.length > 0 ? <span className="param__problem">{problems.join(' ')}</span> : help}
      </p>
    </div>
  );
}
