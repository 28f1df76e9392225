import { useState } from 'react';
import type { GalleryEntry } from '../../lib/gallery-db';
import { downloadBlob, resultFileName } from '../../lib/result-png';
import { shareUrl } from '../../lib/share-url';
import { useStore } from '../../store';
import { removeEntry } from './gallery-actions';
import { objectUrl } from './use-object-url';

/** One kept result: the image, its masks and reference, what made it, and what to do with it. */
export function GalleryCard({ entry }: { entry: GalleryEntry }) {
  const image = objectUrl(entry.image);
  const masks = objectUrl(entry.masks);
  const reference = objectUrl(entry.reference);
  const { params } = entry;
  const when = new Date(entry.createdAt).toLocaleString();

  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);

  const restore = () => {
    const { setParams, setPromptAndTarget, focusPrompt } = useStore.getState();
    setParams(params);
    setPromptAndTarget(entry.prompt, entry.targetWord, entry.targetIndex);
    focusPrompt(); // show where it went: the form, with the prompt focused
  };
  const copyLink = () => {
    const url = shareUrl(window.location.href, { ...entry, params });
    const done = (result: 'copied' | 'failed') => {
      setCopied(result);
      window.setTimeout(() => setCopied(null), 2500);
    };
    if (!navigator.clipboard) return done('failed');
    navigator.clipboard.writeText(url).then(
      () => done('copied'),
      () => done('failed'),
    );
  };

  return (
    <li className="gallery-card" data-testid="gallery-card" data-id={entry.id}>
      <div className="gallery-card__images">
        {image && <img src={image} alt={`Result: ${entry.prompt}`} className="gallery-card__image" />}
        <div className="gallery-card__side">
          {reference && <img src={reference} alt="Reference" title="Reference" className="gallery-card__thumb" />}
        </div>
      </div>
      {masks && <img src={masks} alt="Masks: combined, then each layer" className="gallery-card__masks" />}
      <p className="gallery-card__prompt" title={entry.prompt}>
        {entry.prompt}
      </p>
      <p className="gallery-card__meta">
        <span className="gallery-card__word">{entry.targetWord || '—'}</span> · {params.mode} · {params.steps} steps ·
        seed {params.seed}
      </p>
      <p className="gallery-card__meta">
        {entry.packName} · {when}
      </p>
      <div className="gallery-card__actions">
        <button
          type="button"
          className="text-button"
          onClick={() => downloadBlob(entry.image, resultFileName(entry))}
          aria-label={`Download PNG of “${entry.prompt}”`}
        >
          PNG
        </button>
        {entry.masks && (
          <button
            type="button"
            className="text-button"
            onClick={() => entry.masks && downloadBlob(entry.masks, resultFileName(entry, '-masks'))}
            aria-label={`Download masks of “${entry.prompt}”`}
          >
            Masks
          </button>
        )}
        <button type="button" className="text-button" onClick={restore} title="Put prompt, word and parameters back">
          Reuse
        </button>
        <button type="button" className="text-button" onClick={copyLink} title="Copy a link with these settings">
          {copied === 'copied' ? 'Link copied' : copied === 'failed' ? 'Copy failed' : 'Link'}
        </button>
        <button
          type="button"
          className="text-button gallery-card__delete"
          onClick={() => void removeEntry(entry.id)}
          aria-label={`Delete “${entry.prompt}”`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
