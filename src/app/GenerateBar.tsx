import { useEffect, useSyncExternalStore } from 'react';
import { JobProgress } from '../features/live-view/JobProgress';
import { useStore } from '../store';
import { cancel, compare, generate, whyNotReady } from './generate';
import './GenerateBar.css';

const subscribe = (onChange: () => void) => useStore.subscribe(onChange);

/** Generate (Ctrl+Enter), Compare and Cancel, with the job's progress and time left. */
export function GenerateBar() {
  const blocked = useSyncExternalStore(subscribe, () => whyNotReady());
  const busy = useStore((s) => s.job.status === 'loading' || s.job.status === 'running');
  const comparing = useStore((s) => s.compare.status === 'running');

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !whyNotReady()) {
        event.preventDefault();
        void generate();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="generate-bar" data-testid="generate-bar">
      <div className="generate-bar__buttons">
        <button
          type="button"
          className="primary-button generate-bar__go"
          disabled={blocked !== null}
          aria-keyshortcuts="Control+Enter"
          title={blocked ?? (busy ? 'Replaces the running job' : 'Ctrl+Enter')}
          onClick={() => void generate()}
        >
          {busy && !comparing ? 'Generate again' : 'Generate'}
        </button>
        <button
          type="button"
          className="header-button"
          disabled={blocked !== null}
          title="Runs realcustom, global and text with the same prompt, reference and seed"
          onClick={() => void compare()}
        >
          Compare modes
        </button>
        <button type="button" className="header-button" disabled={!busy} onClick={() => void cancel()}>
          Cancel
        </button>
        {blocked && (
          <span className="generate-bar__why" data-testid="generate-blocked">
            {blocked}
          </span>
        )}
      </div>
      <JobProgress />
    </div>
  );
}
