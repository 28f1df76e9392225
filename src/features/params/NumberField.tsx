import { useId, useState } from 'react';
import type { ReactNode } from 'react';

interface NumberFieldProps {
  label: string;
  help: string;
  value: number;
  step: number;
  /** Validates and stores the typed text; returns the problems (empty when accepted as is). */
  commit(text: string): string[];
  /** The parameter problems that still hold: a message fades once another edit resolved it. */
  current: readonly string[];
  extra?: ReactNode;
}

/**
 * A number input that edits freely (a half-typed "0." is fine) and commits on blur or
 * Enter, where the value is checked and clamped; the reason for a change is shown below.
 */
export function NumberField({ label, help, value, step, commit, current, extra }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [committed, setProblems] = useState<string[]>([]);
  const problems = committed.filter((p) => current.includes(p));
  const done = () => {
    if (draft === null) return;
    setProblems(commit(draft));
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
