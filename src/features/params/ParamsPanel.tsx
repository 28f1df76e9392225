import { useId } from 'react';
import { MODES, type Mode, type NumericParam, type Params } from '../../../workers/protocol';
import { Panel } from '../../ui/Panel';
import { PARAM_RULES, sanitizeParams } from '../../lib/params-sanitize';
import { useStore } from '../../store';
import { NumberField } from './NumberField';
import { MODE_HELP, PARAM_FIELDS, randomSeed } from './param-fields';
import './ParamsPanel.css';

/** Sampling and guidance parameters; defaults come from the pack. */
export function ParamsPanel() {
  const summary = useStore((s) => (s.pack.status === 'done' ? s.pack.summary : null));
  const params = useStore((s) => s.params);
  const problems = useStore((s) => s.paramProblems);
  const setParams = useStore((s) => s.setParams);
  const modeId = useId();

  if (!summary || !params) {
    return (
      <Panel title="Parameters" hint="Defaults come from the model pack">
        <p className="params-waiting" data-testid="params-area">
          Waiting for the model pack…
        </p>
      </Panel>
    );
  }

  const update = (raw: Partial<Record<keyof Params, unknown>>): string[] => {
    const result = sanitizeParams({ ...params, ...raw }, summary.defaults);
    setParams(result.params, result.problems);
    return result.problems;
  };
  /** Stores a field's edit; returns the problems that belong to that field and the value kept
   * (so lowering Steps moves Mask reuse without marking Steps invalid: the panel's notice says so once). */
  const commitField = (key: NumericParam, text: string) => {
    const result = sanitizeParams({ ...params, [key]: text }, summary.defaults);
    setParams(result.params, result.problems);
    const label = PARAM_RULES.find((r) => r.key === key)?.label ?? key;
    return { problems: result.problems.filter((p) => p.startsWith(`${label} `)), value: result.params[key] };
  };
  const atDefaults = JSON.stringify(params) === JSON.stringify(summary.defaults);

  return (
    <Panel
      title="Parameters"
      hint={`Defaults from the ${summary.name} pack`}
      actions={
        <button type="button" className="text-button" disabled={atDefaults} onClick={() => setParams(summary.defaults)}>
          Reset
        </button>
      }
    >
      <div className="params" data-testid="params-area">
        <div className="param param--wide">
          <label className="param__label" htmlFor={modeId}>
            Mode
          </label>
          <select
            id={modeId}
            className="field-input"
            value={params.mode}
            aria-describedby={`${modeId}-help`}
            onChange={(e) => update({ mode: e.target.value as Mode })}
          >
            {MODES.filter((m) => summary.modes.includes(m)).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <p className="param__help" id={`${modeId}-help`}>
            {MODE_HELP[params.mode]}
          </p>
        </div>
        {PARAM_FIELDS.filter((f) => !f.modes || f.modes.includes(params.mode)).map((field) => (
          <NumberField
            key={field.key}
            label={field.label}
            help={field.help}
            step={field.step}
            value={params[field.key]}
            commit={(text) => commitField(field.key, text)}
            extra={
              field.key === 'seed' ? (
                <button
                  type="button"
                  className="dice-button"
                  aria-label="Random seed"
                  title="Random seed"
                  onClick={() => update({ seed: randomSeed() })}
                >
                  <svg viewBox="0 0 24 24" aria-hidden="true" className="dice-button__icon">
                    <rect x="3.5" y="3.5" width="17" height="17" rx="4" />
                    <circle cx="8.5" cy="8.5" r="1.4" />
                    <circle cx="15.5" cy="15.5" r="1.4" />
                    <circle cx="12" cy="12" r="1.4" />
                  </svg>
                </button>
              ) : undefined
            }
          />
        ))}
      </div>
      {problems.length > 0 && (
        <p className="notice notice--warn" role="status">
          {problems.join(' ')}
        </p>
      )}
    </Panel>
  );
}
