import { useEffect, useId, useState, type DragEvent } from 'react';
import { Panel } from '../../ui/Panel';
import { objectUrl } from '../gallery/use-object-url';
import { useStore } from '../../store';
import { CropView } from './CropView';
import { imageFileOf, loadExample, loadReference } from './load-reference';
import { clearReference } from './reference-pixels';
import './ReferencePanel.css';

/** The subject to customize: drop, paste, pick, or one of the pack's examples. */
export function ReferencePanel() {
  const reference = useStore((s) => s.reference);
  const summary = useStore((s) => (s.pack.status === 'done' ? s.pack.summary : null));
  const refusal =
    reference.status === 'error' ? reference : reference.status === 'ready' ? reference.refused : undefined;
  const [dragging, setDragging] = useState(false);
  const inputId = useId();

  // Paste anywhere on the page, unless it carries no image (then it is text for a field).
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = imageFileOf(event.clipboardData);
      if (!file) return;
      event.preventDefault();
      void loadReference(file, file.name || 'Pasted image');
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = imageFileOf(event.dataTransfer);
    if (file) void loadReference(file, file.name);
  };

  return (
    <Panel
      title="Reference"
      hint="The subject the word will take its look from"
      actions={
        reference.status === 'ready' && (
          <button type="button" className="text-button" onClick={clearReference}>
            Remove
          </button>
        )
      }
    >
      <div
        className={`reference-drop${dragging ? ' reference-drop--over' : ''}${reference.status === 'ready' ? ' reference-drop--filled' : ''}`}
        data-testid="reference-area"
        data-status={reference.status}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {reference.status === 'ready' && summary ? (
          <CropView
            width={reference.width}
            height={reference.height}
            cropPosition={reference.cropPosition}
            version={reference.version}
            encoderSize={summary.referenceSize}
          />
        ) : (
          <>
            <svg viewBox="0 0 24 24" className="reference-drop__icon" aria-hidden="true">
              <path d="M4 16l4.5-5 3.5 4 2.5-3L20 16M4 5h16v14H4z" />
            </svg>
            <p className="reference-drop__title">
              {reference.status === 'loading' ? `Reading ${reference.name}…` : 'No reference yet'}
            </p>
            <p className="reference-drop__hint">Drop or paste an image here, or</p>
          </>
        )}
        <label className="reference-drop__pick" htmlFor={inputId}>
          {reference.status === 'ready' ? 'Choose another image…' : 'Choose an image…'}
        </label>
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          accept="image/*"
          aria-label="Reference image file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void loadReference(file, file.name);
            e.target.value = '';
          }}
        />
      </div>
      {refusal && (
        <p className="reference-message reference-message--error" role="alert">
          {refusal.name}: {refusal.message}
          {reference.status === 'ready' && ' The reference below is kept.'}
        </p>
      )}
      {reference.status === 'ready' && (
        <p className="reference-message" data-testid="reference-name">
          {reference.name} · {reference.width}×{reference.height}
          {reference.notes.map((n) => ` · ${n}`).join('')}
        </p>
      )}
      {summary && summary.examples.references.length > 0 && (
        <div className="examples">
          <p className="examples__title" id={`${inputId}-examples`}>
            Examples from the {summary.name} pack
          </p>
          <div className="examples__list" role="group" aria-labelledby={`${inputId}-examples`}>
            {summary.examples.references.map((example) => (
              <button
                key={example.url}
                type="button"
                className="examples__item"
                title={`${example.label} — “${example.prompt}”`}
                aria-label={`Example: ${example.label}, word “${example.word}”`}
                onClick={() => void loadExample(example)}
              >
                <img src={objectUrl(example.file ?? null) ?? example.url} alt="" className="examples__thumb" />
                <span>{example.word}</span>
              </button>
            ))}
          </div>
        </div>
      )}
    </Panel>
  );
}
