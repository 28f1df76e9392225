import { useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { positionFor, squareCrop } from '../../lib/crop';
import { useStore } from '../../store';
import { referencePixels } from './reference-pixels';

/** Bounds of the drawn image, CSS px. */
const MAX_VIEW_HEIGHT = 320;
const MIN_VIEW_HEIGHT = 24;

interface CropViewProps {
  width: number;
  height: number;
  cropPosition: number;
  version: number;
  encoderSize: number;
}

/** The whole image with the square the encoder gets; drag it or use the arrow keys. */
export function CropView({ width, height, cropPosition, version, encoderSize }: CropViewProps) {
  const full = useRef<HTMLCanvasElement>(null);
  const encoder = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const setCropPosition = useStore((s) => s.setCropPosition);
  const crop = squareCrop(width, height, cropPosition);
  const movable = width !== height;

  useEffect(() => {
    const image = referencePixels();
    const canvas = full.current;
    if (!image || !canvas) return;
    canvas.width = image.width;
    canvas.height = image.height;
    const data = new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.length);
    canvas.getContext('2d')?.putImageData(new ImageData(data, image.width, image.height), 0, 0);
  }, [version]);

  useEffect(() => {
    const source = full.current;
    const target = encoder.current;
    if (!source || !target) return;
    target.width = encoderSize;
    target.height = encoderSize;
    const ctx = target.getContext('2d');
    ctx?.clearRect(0, 0, encoderSize, encoderSize);
    ctx?.drawImage(source, crop.x, crop.y, crop.side, crop.side, 0, 0, encoderSize, encoderSize);
  }, [version, crop.x, crop.y, crop.side, encoderSize]);

  // The image's box: its aspect ratio, at most MAX_VIEW_HEIGHT tall (a tall image narrows
  // instead of pushing the prompt away), at least MIN_VIEW_HEIGHT (a wide one stays visible).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.aspectRatio = `${width} / ${height}`;
    el.style.width = `min(100%, ${Math.max(MIN_VIEW_HEIGHT, (MAX_VIEW_HEIGHT * width) / height)}px)`;
    el.style.minHeight = `${MIN_VIEW_HEIGHT}px`;
  }, [width, height]);

  // The square's place over the image, in percent (set through the CSSOM: the CSP forbids style attributes).
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    el.style.left = `${(crop.x / width) * 100}%`;
    el.style.top = `${(crop.y / height) * 100}%`;
    el.style.width = `${(crop.side / width) * 100}%`;
    el.style.height = `${(crop.side / height) * 100}%`;
  }, [crop.x, crop.y, crop.side, width, height]);

  const moveTo = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const along = width >= height ? (event.clientX - box.left) / box.width : (event.clientY - box.top) / box.height;
    setCropPosition(positionFor(width, height, along * Math.max(width, height)));
  };
  const onKey = (event: KeyboardEvent) => {
    const delta = { ArrowLeft: -0.05, ArrowUp: -0.05, ArrowRight: 0.05, ArrowDown: 0.05, Home: -1, End: 1 }[event.key];
    if (delta === undefined || !movable) return;
    event.preventDefault();
    setCropPosition(Math.min(1, Math.max(0, cropPosition + delta)));
  };

  return (
    <div className="crop-view">
      <div
        ref={box}
        className="crop-view__image"
        data-testid="crop-image"
        onPointerDown={(e) => {
          if (!movable) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) moveTo(e);
        }}
      >
        <canvas ref={full} className="crop-view__canvas" aria-label="The reference image" role="img" />
        <div
          ref={frame}
          className={`crop-view__frame${movable ? ' crop-view__frame--movable' : ''}`}
          role="slider"
          tabIndex={movable ? 0 : -1}
          aria-label="Crop position"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(cropPosition * 100)}
          aria-disabled={!movable}
          onKeyDown={onKey}
        />
      </div>
      <figure className="crop-view__encoder">
        <canvas ref={encoder} className="crop-view__encoder-canvas" data-testid="encoder-view" />
        <figcaption>
          As the encoder sees it
          <br />
          {encoderSize}×{encoderSize} px{movable ? ' · drag the square or use ← →' : ''}
        </figcaption>
      </figure>
    </div>
  );
}
