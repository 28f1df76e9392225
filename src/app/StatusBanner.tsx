import { useState } from 'react';
import { useStore } from '../store';
import { loadDefaultPack, retryEngine } from '../engine/recovery';
import { bannerFor } from './status-banner-model';
import './StatusBanner.css';

/** Problems that stop the app from working, in full, under the header (the header only names them). */
export function StatusBanner() {
  const engine = useStore((s) => s.engine);
  const pack = useStore((s) => s.pack);
  const job = useStore((s) => s.job);
  const [retrying, setRetrying] = useState(false);
  const banner = bannerFor(engine, pack, job);
  if (!banner) return null;
  const restart = (how: () => Promise<void>) => () => {
    setRetrying(true);
    void how().finally(() => setRetrying(false));
  };
  return (
    <div
      className={`status-banner status-banner--${banner.tone}`}
      role={banner.tone === 'error' ? 'alert' : 'status'}
      data-testid="status-banner"
      data-kind={banner.kind}
    >
      <strong className="status-banner__title">{banner.title}</strong>
      <span className="status-banner__message">{banner.message}</span>
      {(banner.retry || banner.backToDefault) && (
        <span className="status-banner__actions">
          {banner.backToDefault && (
            <button type="button" className="header-button" onClick={restart(loadDefaultPack)} disabled={retrying}>
              Back to the default pack
            </button>
          )}
          {banner.retry && (
            <button
              type="button"
              className="header-button"
              onClick={restart(retryEngine)}
              disabled={retrying}
              data-testid="status-banner-retry"
            >
              {retrying ? 'Restarting…' : 'Retry'}
            </button>
          )}
        </span>
      )}
      {banner.detail && (
        <details className="status-banner__detail">
          <summary>Technical detail</summary>
          <pre>{banner.detail}</pre>
        </details>
      )}
    </div>
  );
}
