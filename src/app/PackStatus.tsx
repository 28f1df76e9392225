import { packFraction } from '../store/pack-slice';
import { useStore } from '../store';
import { formatBytes } from '../lib/format';
import { ProgressBar } from '../ui/ProgressBar';
import { PackModelCard } from './PackModelCard';
import './PackStatus.css';

/** The model pack: name once loaded, a progress bar while loading, the reason if refused. */
export function PackStatus() {
  const pack = useStore((s) => s.pack);
  const engineBusy = useStore((s) => s.engine.status === 'loading');

  if (pack.status === 'done') {
    const { name, version, totalBytes } = pack.summary;
    return (
      <div className="pack-status pack-status--done" data-testid="pack-status" data-status="done">
        <span className="pack-status__name">{name}</span>
        <span className="pack-status__meta">
          v{version} · {formatBytes(totalBytes)}
        </span>
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
  const progress = pack.status === 'loading' ? pack.progress : null;
  const fraction = packFraction(progress);
  const label = progress
    ? `${progress.fromCache ? 'From cache' : 'Downloading'} ${progress.file} · ${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)}`
    : engineBusy
      ? 'Starting engine…'
      : 'Loading model pack…';
  return (
    <div className="pack-status" data-testid="pack-status" data-status={pack.status}>
      <span className="pack-status__meta">{label}</span>
      <ProgressBar label="Model pack download" fraction={fraction} />
    </div>
  );
}
