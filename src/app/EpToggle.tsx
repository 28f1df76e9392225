import type { EpPreference } from '../../workers/protocol';
import { readPackSource, withEpPreference } from '../lib/url-options';
import { useStore } from '../store';
import { restartEngine } from '../engine/session';
import './EpToggle.css';

const OPTIONS: { value: EpPreference; label: string; hint: string }[] = [
  { value: 'auto', label: 'Auto', hint: 'WebGPU on a hardware adapter, WASM otherwise' },
  { value: 'webgpu', label: 'WebGPU', hint: 'Force WebGPU (also ?ep=webgpu)' },
  { value: 'wasm', label: 'WASM', hint: 'Force the CPU backend (also ?ep=wasm)' },
];

/** Forces the execution provider: rebuilds the worker and reloads the pack (from cache). */
export function EpToggle() {
  const current = useStore((s) => s.epPreference);
  const choose = (ep: EpPreference) => {
    if (ep === current) return;
    window.history.replaceState(null, '', withEpPreference(window.location.href, ep));
    void restartEngine(ep, readPackSource(window.location.search));
  };
  return (
    <div className="ep-toggle" role="radiogroup" aria-label="Execution provider">
      {OPTIONS.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === current}
          className="ep-toggle__option"
          title={option.hint}
          onClick={() => choose(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
