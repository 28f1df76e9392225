import type { Mode } from '../../../workers/protocol';
import { Panel } from '../../ui/Panel';
import { drawHeatmap, drawRgba } from '../../lib/canvas';
import { useFrameCanvas } from '../../lib/use-frame-canvas';
import { useStore } from '../../store';
import type { CompareState } from '../../store/result-slice';
import { compareFrames, type ComparedResult } from './compare-frames';
import './ComparePanel.css';

const CAPTIONS: Record<Mode, string> = {
  realcustom: 'RealCustom — reference only where the word is',
  global: 'Global — reference everywhere',
  'masked-global': 'Masked global',
  text: 'Text only — no reference',
};

/** The same prompt, reference and seed under each mode, side by side with their masks. */
export function ComparePanel() {
  const compare = useStore((s) => s.compare);
  const lambda = useStore((s) => s.params?.globalScale);
  if (compare.status === 'idle') return null;
  return (
    <Panel
      title="Compare"
      hint={`Same prompt, reference and seed; global at λ = ${lambda ?? '—'}`}
      className="compare-panel"
    >
      <div className="compare-grid" data-testid="compare-grid" data-status={compare.status}>
        {compare.modes.map((mode, index) => (
          <CompareCell key={mode} mode={mode} state={cellState(compare, index)} />
        ))}
      </div>
      {compare.status === 'stopped' && <p className="notice notice--warn">Stopped: {compare.reason}</p>}
    </Panel>
  );
}

type CellState = 'waiting' | 'running' | 'done' | 'stopped';

function cellState(compare: Exclude<CompareState, { status: 'idle' }>, index: number): CellState {
  if (compare.status === 'done') return 'done';
  if (compare.status === 'running')
    return index < compare.index ? 'done' : index === compare.index ? 'running' : 'waiting';
  return 'stopped';
}

const paintImage = (canvas: HTMLCanvasElement, r: ComparedResult | null) => drawRgba(canvas, r?.image ?? null);
const paintMask = (canvas: HTMLCanvasElement, r: ComparedResult | null) => drawHeatmap(canvas, r?.mask ?? null, true);

function CompareCell({ mode, state }: { mode: Mode; state: CellState }) {
  const imageRef = useFrameCanvas(compareFrames[mode], paintImage);
  const maskRef = useFrameCanvas(compareFrames[mode], paintMask);
  const hasMask = mode === 'realcustom' || mode === 'masked-global';
  return (
    <figure className="compare-cell" data-testid="compare-cell" data-mode={mode} data-state={state}>
      <div className="compare-cell__frame">
        <canvas ref={imageRef} className="compare-cell__canvas" data-testid="compare-image" />
        {hasMask && <canvas ref={maskRef} className="compare-cell__canvas compare-cell__canvas--overlay" />}
        {state !== 'done' && <span className="compare-cell__state">{state === 'running' ? 'Running…' : state}</span>}
      </div>
      <figcaption>
        <strong>{mode}</strong>
        <span>{CAPTIONS[mode]}</span>
        {!hasMask && <span className="compare-cell__nomask">no mask: this mode does not locate the word</span>}
      </figcaption>
    </figure>
  );
}
