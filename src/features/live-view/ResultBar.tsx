import { useId, useState } from 'react';
import { downloadBlob } from '../../lib/result-png';
import { shareUrl } from '../../lib/share-url';
import { useStore } from '../../store';
import { lastResult, showHistoryStep } from './last-result';

/** After a job: the timestep scrubber, downloads and a share link. */
export function ResultBar() {
  const result = useStore((s) => s.result);
  const scrubTo = useStore((s) => s.scrubTo);
  // A folder pack is on this computer only: the link (which has no `pack=`) opens the default pack.
  const fromFolder = useStore((s) => s.pack.status !== 'idle' && typeof s.pack.source !== 'string');
  const [link, setLink] = useState<string | null>(null);
  const id = useId();
  if (result.status !== 'ready') return null;
  const last = lastResult();
  const entry = last?.done.history[result.scrub];
  const files = result.filesReady ? last?.files : null;

  const share = async () => {
    if (!last) return;
    const url = shareUrl(window.location.href, {
      prompt: last.job.prompt,
      targetWord: last.job.targetWord,
      ...(last.job.targetIndex === undefined ? {} : { targetIndex: last.job.targetIndex }),
      params: last.done.params,
    });
    setLink(url);
    await navigator.clipboard?.writeText(url).catch(() => undefined);
  };

  return (
    <div className="result-bar" data-testid="result-bar">
      <div className="scrubber">
        <label htmlFor={id} className="scrubber__label">
          Replay
        </label>
        <input
          id={id}
          type="range"
          min={0}
          max={result.steps - 1}
          step={1}
          value={result.scrub}
          data-testid="scrubber"
          aria-valuetext={entry ? `Step ${entry.step} of ${result.steps}, timestep ${entry.timestep}` : undefined}
          onChange={(e) => {
            const index = Number(e.target.value);
            scrubTo(index);
            showHistoryStep(index);
          }}
        />
        <span className="scrubber__value" data-testid="scrub-step">
          {entry ? `step ${entry.step}/${result.steps} · t=${entry.timestep}` : ''}
        </span>
      </div>
      {last && (
        <p className="result-bar__what" data-testid="result-mode">
          This result: <strong>{last.done.params.mode}</strong> · “{last.job.targetWord || last.job.prompt}” · seed{' '}
          {last.done.params.seed}
          {!files?.masks && last.done.params.mode === 'text' && ' · text mode has no mask'}
        </p>
      )}
      <div className="result-bar__actions">
        <button
          type="button"
          className="header-button"
          disabled={!files}
          onClick={() => files && downloadBlob(files.image, files.name)}
        >
          Download PNG
        </button>
        <button
          type="button"
          className="header-button"
          disabled={!files?.masks}
          onClick={() => files?.masks && downloadBlob(files.masks, files.masksName)}
        >
          Download masks
        </button>
        <button type="button" className="header-button" onClick={() => void share()}>
          Share link
        </button>
      </div>
      {link && (
        <div className="share-link">
          <label htmlFor={`${id}-link`}>
            Link (copied; restores prompt, word and parameters, not the image
            {fromFolder &&
              '; not the pack either: it was loaded from a folder on this computer, the link opens the default pack'}
            )
          </label>
          <input
            id={`${id}-link`}
            className="field-input"
            readOnly
            value={link}
            data-testid="share-link"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
    </div>
  );
}
