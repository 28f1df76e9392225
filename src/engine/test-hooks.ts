/**
 * With `?testHooks` in the URL the page exposes the worker's failure switches to e2e
 * tests (window.__realcustomTest), so a lost GPU device or an out-of-memory error is
 * produced the way it happens for real: inside the worker, on the running engine.
 * Without the flag nothing is exposed.
 */
import { engineBridge } from './session';

export interface TestHooks {
  loseDevice(): Promise<void>;
  failNextRunOutOfMemory(): Promise<void>;
  stats(): ReturnType<ReturnType<typeof engineBridge>['stats']>;
}

export function installTestHooks(search: string): void {
  if (!new URLSearchParams(search).has('testHooks')) return;
  const hooks: TestHooks = {
    loseDevice: () => engineBridge().simulateDeviceLoss(),
    failNextRunOutOfMemory: () => engineBridge().simulateOutOfMemory(),
    stats: () => engineBridge().stats(),
  };
  (window as unknown as { __realcustomTest: TestHooks }).__realcustomTest = hooks;
}
