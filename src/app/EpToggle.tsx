import type { KeyboardEvent } from 'react';
import type { EpPreference } from '../../workers/protocol';
import { withEpPreference } from '../lib/url-options';
import { useStore } from '../store';
import { restartEngine } from '../engine/session';
import './EpToggle.css';

const OPTIONS: { value: EpPreference; label: string; hint: string }[] = [
  { value: 'auto', label: 'Auto', hint: 'WebGPU on a hardware adapter, WASM otherwise' },
  { value: 'webgpu', label: 'WebGPU', hint: 'Force WebGPU (also ?ep=webgpu)' },
  { value: 'wasm', label: 'WASM', hint: 'Force the CPU backend (also ?ep=wasm)' },
];

/** Forces the execution provider: rebuilds the worker and reloads the same pack (from cache or its folder). */
export function EpToggle() {
  const current = useStore((s) => s.epPreference);
  const choose = (ep: EpPreference) => {
    if (ep === current) return;
    window.history.replaceState(null, '', withEpPreference(window.location.href, ep));
    void restartEngine(ep); // the same pack, the one asked for last
  };
  // A radiogroup's keys: the arrows move the choice (wrapping), one tab stop for the group.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const delta = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (delta === undefined) return;
    event.preventDefault();
    const at = OPTIONS.findIndex((o) => o.value === current);
    const next = (at + delta + OPTIONS.length) % OPTIONS.length;
    const buttons = event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="radio"]');
    buttons[next]?.focus();
    const option = OPTIONS[next];
    if (option) choose(option.value);
  };
  return (
    <div className="ep-toggle" role="radiogroup" aria-label="Execution provider" onKeyDown={onKeyDown}>
      {OPTIONS.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === current}
          tabIndex={option.value === current ? 0 : -1}
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
