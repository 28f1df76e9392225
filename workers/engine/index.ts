/** The engine's public surface for workers/api.ts and tools/. */
export { Engine, type Emit, type GraphKey } from './engine';
export type { Backend, GraphSession, TensorHandle, TensorDType } from './backend';
