import { useRef, useState } from 'react';
import { serializeError } from '../../../workers/errors';
import type { EngineErrorInfo } from '../../../workers/protocol';
import { RELATIVE_TOLERANCE } from '../../lib/compare-outputs';
import { formatDuration } from '../../lib/format';
import { useStore } from '../../store';
import { checkBackends, type BackendCheck, type CheckedGraph } from './backend-check';
import './BackendCheckDialog.css';

type CheckState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: BackendCheck }
  | { status: 'error'; error: EngineErrorInfo };

const GRAPHS: { value: CheckedGraph; label: string }[] = [
  { value: 'unet', label: 'UNet (one denoising step)' },
  { value: 'textEncoder', label: 'Text encoder' },
  { value: 'imageEncoder', label: 'Image encoder' },
  { value: 'decoder', label: 'Decoder' },
];

/** A header button and dialog: WebGPU against WASM on this device, for speed and agreement. */
export function BackendCheckDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const packReady = useStore((s) => s.pack.status === 'done');
  const [graph, setGraph] = useState<CheckedGraph>('unet');
  const [check, setCheck] = useState<CheckState>({ status: 'idle' });

  const run = async () => {
    setCheck({ status: 'running' });
    try {
      setCheck({ status: 'done', result: await checkBackends(graph) });
    } catch (err) {
      setCheck({ status: 'error', error: serializeError(err) });
    }
  };

  return (
    <>
      <button
        type="button"
        className="header-button"
        disabled={!packReady}
        onClick={() => dialog.current?.showModal()}
        title="Compare WebGPU and WASM on this device"
      >
        Check backends
      </button>
      <dialog ref={dialog} className="check-dialog" aria-labelledby="check-dialog-title">
        <div className="check-dialog__head">
          <h2 id="check-dialog-title">Check backends</h2>
          <button
            type="button"
            className="check-dialog__close"
            aria-label="Close"
            onClick={() => dialog.current?.close()}
          >
            ×
          </button>
        </div>
        <p className="check-dialog__intro">
          Runs one graph of the loaded pack with the same inputs on WebGPU and on WASM: how fast each is here, and
          whether they agree (within {RELATIVE_TOLERANCE} of each output&apos;s scale).
        </p>
        <div className="check-dialog__controls">
          <label>
            Graph{' '}
            <select value={graph} onChange={(e) => setGraph(e.target.value as CheckedGraph)}>
              {GRAPHS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary-button" disabled={check.status === 'running'} onClick={run}>
            {check.status === 'running' ? 'Running…' : 'Run check'}
          </button>
        </div>
        <div data-testid="backend-check" data-status={check.status}>
          {check.status === 'done' && <CheckResult result={check.result} />}
          {check.status === 'error' && <p className="check-dialog__error">{check.error.message}</p>}
        </div>
      </dialog>
    </>
  );
}

function CheckResult({ result }: { result: BackendCheck }) {
  return (
    <>
      <table className="check-table">
        <thead>
          <tr>
            <th>Backend</th>
            <th>Session</th>
            <th>First run</th>
            <th>Later runs</th>
          </tr>
        </thead>
        <tbody>
          {result.timings.map((t) => (
            <tr
              key={t.ep}
              data-ep={t.ep}
              data-steady-ms={t.steadyRunMs.toFixed(2)}
              data-create-ms={t.createMs.toFixed(1)}
            >
              <td>{t.ep === 'webgpu' ? 'WebGPU' : 'WASM'}</td>
              <td>{formatDuration(t.createMs)}</td>
              <td>{formatDuration(t.firstRunMs)}</td>
              <td>{formatDuration(t.steadyRunMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.webgpuUnavailable && <p className="check-dialog__note">WebGPU: {result.webgpuUnavailable}</p>}
      {result.differences && (
        <ul className="check-diffs">
          {result.differences.map((d) => (
            <li
              key={d.name}
              data-output={d.name}
              data-max-abs-diff={d.maxAbsDiff}
              data-scale={d.scale}
              data-ok={d.withinTolerance}
              className={d.withinTolerance ? 'check-diffs__ok' : 'check-diffs__bad'}
            >
              <code>{d.name}</code> {d.withinTolerance ? 'agrees' : 'differs'}: max |Δ| {d.maxAbsDiff.toExponential(2)}{' '}
              (scale {d.scale.toPrecision(3)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
