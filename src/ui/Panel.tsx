import { useId, type ReactNode } from 'react';
import './Panel.css';

interface PanelProps {
  title: string;
  /** One line under the title: what this area is for. */
  hint?: string;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled area of the workspace; features render inside it. */
export function Panel({ title, hint, actions, className, children }: PanelProps) {
  const id = useId();
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <div className="panel__head">
        <div>
          <h2 className="panel__title" id={id}>
            {title}
          </h2>
          {hint && <p className="panel__hint">{hint}</p>}
        </div>
        {actions && <div className="panel__actions">{actions}</div>}
      </div>
      <div className="panel__body">{children}</div>
    </section>
  );
}
