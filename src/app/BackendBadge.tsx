import type { RuntimeInfo } from '../../workers/protocol';
import type { EngineState } from '../store/engine-slice';
import { useStore } from '../store';
import './BackendBadge.css';

interface Badge {
  tone: 'ok' | 'warn' | 'pending' | 'error';
  label: string;
  detail: string;
  ep: string;
}

/** What runs the graphs: WebGPU and its adapter, or WASM and why (in the warning colour). */
export function BackendBadge() {
  const engine = useStore((s) => s.engine);
  const pack = useStore((s) => s.pack);
  const badge = describe(pack.status === 'done' ? pack.summary.runtime : null, engine);
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

function describe(runtime: RuntimeInfo | null, engine: EngineState): Badge {
  if (runtime?.ep === 'webgpu') {
    const adapter = runtime.adapter;
    const name = adapter ? adapter.name || adapter.architecture || adapter.vendor : 'unknown adapter';
    return { tone: 'ok', label: 'WebGPU', detail: adapter?.isSoftware ? `${name} (software)` : name, ep: 'webgpu' };
  }
  if (runtime?.ep === 'wasm') return { tone: 'warn', label: 'WASM', detail: runtime.reason, ep: 'wasm' };
  if (engine.status === 'error') return { tone: 'error', label: 'No backend', detail: engine.error.message, ep: '' };
  if (engine.status === 'done') {
    const gpu = engine.capabilities.webgpu;
    return gpu.available
      ? {
          tone: 'pending',
          label: 'WebGPU',
          detail: `${gpu.adapter.name || gpu.adapter.architecture} · starting`,
          ep: '',
        }
      : { tone: 'warn', label: 'WASM', detail: gpu.reason, ep: '' };
  }
  return { tone: 'pending', label: 'Starting engine', detail: '', ep: '' };
}
