import { Panel } from '../../app/Panel';
import './GalleryPanel.css';

/** Kept results (stored in this browser). */
export function GalleryPanel() {
  return (
    <Panel title="Gallery" hint="Results you keep stay in this browser" className="gallery-panel">
      <div className="gallery-empty" data-testid="gallery-area">
        Nothing kept yet — generated images appear here.
      </div>
    </Panel>
  );
}
