import { Panel } from '../../app/Panel';
import './ReferencePanel.css';

/** The subject to customize. */
export function ReferencePanel() {
  return (
    <Panel title="Reference" hint="The subject the word will take its look from">
      <div className="reference-drop" data-testid="reference-area">
        <svg viewBox="0 0 24 24" className="reference-drop__icon" aria-hidden="true">
          <path d="M4 16l4.5-5 3.5 4 2.5-3L20 16M4 5h16v14H4z" />
        </svg>
        <p className="reference-drop__title">No reference yet</p>
        <p className="reference-drop__hint">Drop, paste or pick an image</p>
      </div>
    </Panel>
  );
}
