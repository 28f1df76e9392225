import type { AdapterInfo, RuntimeInfo } from '../../workers/protocol';
import type { EngineState } from '../store/engine-slice';
import { useStore } from '../store';
import './BackendBadge.css';

interface Badge {
  tone: 'ok' | 'warn' | 'pending' | 'idle' | 'error';
  label: string;
  detail: string;
  ep: string;
}

/** What runs the graphs: WebGPU and its adapter, or WASM and why (in the warning colour). */
export function BackendBadge() {
  const engine = useStore((s) => s.engine);
  const pack = useStore((s) => s.pack);
  const badge = describe(pack.status === 'done' ? pack.summary.runtime : null, engine, pack.status === 'loading');
  return (
    <div
      className={`backend-badge backend-badge--${badge.tone}`}
      data-testid="backend-badge"
      data-ep={badge.ep}
      title={badge.detail}
    >
      <span className="backend-badge__dot" aria-hidden="true" />
      <span className="backend-badge__label">{badge.label}</span>
      {badge.detail && <span className="backend-badge__detail">{badge.detail}</span>}
    </div>
  );
}

function describe(runtime: RuntimeInfo | null, engine: EngineState, packLoading: boolean): Badge {
  if (runtime?.ep === 'webgpu') {
    const name = runtime.adapter ? adapterName(runtime.adapter) : 'unknown adapter';
    return {
      tone: 'ok',
      label: 'WebGPU',
      detail: runtime.adapter?.isSoftware ? `${name} (software)` : name,
      ep: 'webgpu',
    };
  }
  if (runtime?.ep === 'wasm') return { tone: 'warn', label: 'WASM', detail: runtime.reason, ep: 'wasm' };
  if (engine.status === 'error') return { tone: 'error', label: 'No backend', detail: engine.error.message, ep: '' };
  if (engine.status !== 'done') return { tone: 'pending', label: 'Starting engine', detail: '', ep: '' };
  // No pack running: say what the device offers, and whether sessions are still starting.
  const gpu = engine.capabilities.webgpu;
  if (!gpu.available) return { tone: 'warn', label: 'WASM', detail: gpu.reason, ep: '' };
  const name = adapterName(gpu.adapter);
  return packLoading
    ? { tone: 'pending', label: 'WebGPU', detail: `${name} · starting`, ep: '' }
    : { tone: 'idle', label: 'WebGPU', detail: name, ep: '' };
}

function adapterName(adapter: AdapterInfo): string {
  return adapter.name || [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown adapter';
}
