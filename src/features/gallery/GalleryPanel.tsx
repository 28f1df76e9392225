import { useEffect, useRef } from 'react';
import { Panel } from '../../ui/Panel';
import { useStore } from '../../store';
import { clearGallery, followGallery } from './gallery-actions';
import { GalleryCard } from './GalleryCard';
import './GalleryPanel.css';

/** Kept results (stored in this browser's IndexedDB; they survive a reload; every tab shows the same). */
export function GalleryPanel() {
  useEffect(followGallery, []);
  const gallery = useStore((s) => s.gallery);
  const notice = useStore((s) => s.galleryNotice);
  const setNotice = useStore((s) => s.setGalleryNotice);
  const confirm = useRef<HTMLDialogElement>(null);
  const count = gallery.status === 'done' ? gallery.entries.length : 0;

  return (
    <Panel
      title="Gallery"
      hint="Every finished result is kept in this browser"
      className="gallery-panel"
      actions={
        count > 0 && (
          <button type="button" className="text-button" onClick={() => confirm.current?.showModal()}>
            Clear all…
          </button>
        )
      }
    >
      {notice && (
        <p className="notice notice--error" role="alert">
          {notice}{' '}
          <button type="button" className="text-button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      <div data-testid="gallery-area" data-status={gallery.status} data-count={count}>
        {gallery.status === 'error' && <p className="notice notice--error">{gallery.message}</p>}
        {gallery.status === 'loading' && <div className="gallery-empty">Opening the gallery…</div>}
        {gallery.status === 'done' && count === 0 && (
          <div className="gallery-empty">Nothing kept yet — finished images appear here.</div>
        )}
        {gallery.status === 'done' && count > 0 && (
          <ul className="gallery-list">
            {gallery.entries.map((entry) => (
              <GalleryCard key={entry.id} entry={entry} />
            ))}
          </ul>
        )}
      </div>
      <dialog ref={confirm} className="check-dialog" aria-labelledby="gallery-clear-title">
        <h2 id="gallery-clear-title" className="gallery-confirm__title">
          Delete all {count} kept results?
        </h2>
        <p className="check-dialog__intro">They are stored only in this browser; this cannot be undone.</p>
        <form method="dialog" className="gallery-confirm__buttons">
          <button type="submit" className="header-button" autoFocus>
            Keep them
          </button>
          <button
            type="submit"
            className="danger-button"
            onClick={() => {
              void clearGallery();
            }}
          >
            Delete all
          </button>
        </form>
      </dialog>
    </Panel>
  );
}
