import { useStore } from '../store';
import { formatBytes } from '../lib/format';
import { packLoadLine } from '../lib/pack-load-line';
import { packStorageNote } from '../lib/pack-storage-note';
import { ProgressBar } from '../ui/ProgressBar';
import { PackModelCard } from './PackModelCard';
import './PackStatus.css';

/** The model pack: name once loaded, a progress bar while loading, the reason if refused. */
export function PackStatus() {
  const pack = useStore((s) => s.pack);
  const engineBusy = useStore((s) => s.engine.status === 'loading');
  const fromFolder = pack.status !== 'idle' && typeof pack.source !== 'string';

  if (pack.status === 'done') {
    const { name, version, totalBytes, storage } = pack.summary;
    const note = packStorageNote(storage);
    return (
      <div className="pack-status pack-status--done" data-testid="pack-status" data-status="done">
        <span className="pack-status__name">{name}</span>
        <span className="pack-status__meta">
          v{version} · {formatBytes(totalBytes)}
          {fromFolder && ' · from a folder on this computer'}
          {note.persistence && ` · ${note.persistence}`}
        </span>
        {note.warnings.length > 0 && (
          <span className="pack-status__meta" data-testid="pack-storage-warning" title={note.warnings.join('\n')}>
            Not kept for the next visit: {note.warnings[0]}
          </span>
        )}
        <PackModelCard summary={pack.summary} />
      </div>
    );
  }
  if (pack.status === 'error') {
    // The whole message is in the status banner; the header only names the state.
    return (
      <div
        className="pack-status pack-status--error"
        data-testid="pack-status"
        data-status="error"
        title={pack.error.message}
      >
        <span className="pack-status__name">Pack refused</span>
      </div>
    );
  }
  const line =
    pack.status === 'loading'
      ? packLoadLine(pack.progress, pack.step, fromFolder)
      : { label: engineBusy ? 'Starting engine…' : 'Loading model pack…', fraction: null, step: 'starting' };
  return (
    <div className="pack-status" data-testid="pack-status" data-status={pack.status} data-step={line.step}>
      <span className="pack-status__meta">{line.label}</span>
      <ProgressBar label="Model pack loading" fraction={line.fraction} />
    </div>
  );
}
