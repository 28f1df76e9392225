import type { Params } from '../../../workers/protocol';
import { Panel } from '../../app/Panel';
import { useStore } from '../../store';
import './ParamsPanel.css';

const SHOWN: { key: keyof Params; label: string }[] = [
  { key: 'steps', label: 'Steps' },
  { key: 'guidanceText', label: 'ω text' },
  { key: 'guidanceImage', label: 'ω image' },
  { key: 'gammaScope', label: 'γ scope' },
  { key: 'gammaNum', label: 'γ num' },
  { key: 'maskReuseStep', label: 'Mask reuse' },
  { key: 'seed', label: 'Seed' },
  { key: 'mode', label: 'Mode' },
];

/** Sampling and guidance parameters; defaults come from the pack. */
export function ParamsPanel() {
  const defaults = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.defaults : null));
  return (
    <Panel title="Parameters" hint="Defaults come from the model pack">
      <dl className="params-grid" data-testid="params-area">
        {SHOWN.map(({ key, label }) => (
          <div className="params-grid__item" key={key}>
            <dt>{label}</dt>
            <dd>{defaults ? String(defaults[key]) : '—'}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
