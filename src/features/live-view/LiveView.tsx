import { useCallback, useState } from 'react';
import type { Gray } from '../../../workers/protocol';
import { Panel } from '../../ui/Panel';
import { drawHeatmap, drawRgba } from '../../lib/canvas';
import { useFrameCanvas } from '../../lib/use-frame-canvas';
import { useStore } from '../../store';
import { LayerMaskGrid } from './LayerMaskGrid';
import { liveFrames } from '../../engine/live-frames';
import { ResultBar } from './ResultBar';
import './LiveView.css';

const drawOverlay = (canvas: HTMLCanvasElement, mask: Gray | null) => drawHeatmap(canvas, mask, true);

/** The running job as it happens: latent preview, the mask over it, and each layer's mask. */
export function LiveView() {
  const [showMask, setShowMask] = useState(true);
  const previewRef = useFrameCanvas(liveFrames.preview, drawRgba);
  const maskRef = useFrameCanvas(liveFrames.mask, drawOverlay);
  const hasFrames = useStore((s) => s.job.status !== 'idle');
  const toggle = useCallback(() => setShowMask((v) => !v), []);

  return (
    <Panel
      title="Live view"
      hint="Where the reference is written, step by step"
      className="live-view"
      actions={
        <label className="switch">
          <input type="checkbox" checked={showMask} onChange={toggle} />
          <span>Mask overlay</span>
        </label>
      }
    >
      <div className="live-view__stage">
        <div className={`live-view__frame${showMask ? ' live-view__frame--masked' : ''}`} data-testid="live-frame">
          <canvas
            ref={previewRef}
            className="live-view__canvas live-view__canvas--pixels"
            data-testid="preview-canvas"
          />
          <canvas
            ref={maskRef}
            className="live-view__canvas live-view__canvas--overlay"
            data-testid="mask-canvas"
            hidden={!showMask}
          />
          {!hasFrames && (
            <div className="live-view__empty">
              <p>Your image appears here</p>
              <span>with the mask of the customized word, updated every step</span>
            </div>
          )}
        </div>
        <ResultBar />
      </div>
      <LayerMaskGrid />
    </Panel>
  );
}
