import { useCallback } from 'react';
import type { Gray } from '../../../workers/protocol';
import { drawHeatmap } from '../../lib/canvas';
import { useFrameCanvas } from '../../lib/use-frame-canvas';
import { useStore } from '../../store';
import { liveFrames } from './live-frames';

/** One small heat map per cross-attention layer, labelled by name and resolution. */
export function LayerMaskGrid() {
  const layers = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.layers : null));
  if (!layers) return null;
  return (
    <div className="layer-grid" data-testid="layer-grid">
      {layers.map((layer, index) => (
        <LayerMask key={layer.name} index={index} name={layer.name} resolution={layer.resolution} />
      ))}
    </div>
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
