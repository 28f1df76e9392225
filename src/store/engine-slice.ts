import type { StateCreator } from 'zustand';
import type { Capabilities, EngineErrorInfo, EpPreference } from '../../workers/protocol';

/** The worker's lifecycle: started and probed (`done`), or failed before any pack loaded. */
export type EngineState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; capabilities: Capabilities }
  | { status: 'error'; error: EngineErrorInfo };

export interface EngineSlice {
  epPreference: EpPreference;
  engine: EngineState;
  setEpPreference(ep: EpPreference): void;
  setEngine(engine: EngineState): void;
}

export const createEngineSlice =
  (epPreference: EpPreference): StateCreator<EngineSlice> =>
  (set) => ({
    epPreference,
    engine: { status: 'idle' },
    setEpPreference: (ep) => set({ epPreference: ep }),
    setEngine: (engine) => set({ engine }),
  });
