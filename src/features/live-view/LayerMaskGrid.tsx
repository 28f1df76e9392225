import { useCallback } from 'react';
import type { Gray } from '../../../workers/protocol';
import { drawHeatmap } from '../../lib/canvas';
import { useFrameCanvas } from '../../lib/use-frame-canvas';
import { useStore } from '../../store';
import { liveFrames } from '../../engine/live-frames';

/** One small heat map per cross-attention layer, labelled by name and resolution. */
export function LayerMaskGrid() {
  const layers = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.layers : null));
  const maskResolution = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.maskResolution : null));
  if (!layers || !maskResolution) return null;
  return (
    <div className="layer-grid" data-testid="layer-grid">
      <CombinedMask resolution={maskResolution} />
      {layers.map((layer, index) => (
        <LayerMask key={layer.name} index={index} name={layer.name} resolution={layer.resolution} />
      ))}
    </div>
  );
}

const drawCombined = (canvas: HTMLCanvasElement, mask: Gray | null) => drawHeatmap(canvas, mask, false);

/** The mask the step used (the layers combined, top γ_scope kept), first in the grid. */
function CombinedMask({ resolution }: { resolution: [number, number] }) {
  const ref = useFrameCanvas(liveFrames.mask, drawCombined);
  return (
    <figure className="layer-grid__cell layer-grid__cell--combined">
      <canvas ref={ref} className="layer-grid__canvas" data-testid="combined-mask-canvas" />
      <figcaption>
        <span>mask</span>
        <span className="layer-grid__res">
          {resolution[0]}×{resolution[1]}
        </span>
      </figcaption>
    </figure>
  );
}

function LayerMask({ index, name, resolution }: { index: number; name: string; resolution: [number, number] }) {
  const paint = useCallback(
    (canvas: HTMLCanvasElement, masks: Gray[] | null) => drawHeatmap(canvas, masks?.[index] ?? null, false),
    [index],
  );
  const ref = useFrameCanvas(liveFrames.layerMasks, paint);
  return (
    <figure className="layer-grid__cell">
      <canvas ref={ref} className="layer-grid__canvas" data-testid="layer-canvas" />
      <figcaption>
        <span>{name}</span>
        <span className="layer-grid__res">
          {resolution[0]}×{resolution[1]}
        </span>
      </figcaption>
    </figure>
  );
}
