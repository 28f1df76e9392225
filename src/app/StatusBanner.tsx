import { useStore } from '../store';
import './StatusBanner.css';

/** Problems that stop the app from working, in full, under the header (the header only names them). */
export function StatusBanner() {
  const engineError = useStore((s) => (s.engine.status === 'error' ? s.engine.error : null));
  const packError = useStore((s) => (s.pack.status === 'error' ? s.pack.error : null));
  const error = engineError ?? packError;
  if (!error) return null;
  const title = engineError ? 'The engine could not start' : 'The model pack was refused';
  return (
    <div className="status-banner" role="alert" data-testid="status-banner" data-kind={error.kind}>
      <strong className="status-banner__title">{title}</strong>
      <span className="status-banner__message">{error.message}</span>
      {error.detail && (
        <details className="status-banner__detail">
          <summary>Technical detail</summary>
          <pre>{error.detail}</pre>
        </details>
      )}
    </div>
  );
}
