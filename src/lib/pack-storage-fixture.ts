import type { PackStorage } from '../../workers/protocol';

/** Test fixture. A PackStorage with nothing stored and nothing known, for tests; `over` sets the fields a test is about. */
export const packStorage = (over: Partial<PackStorage> = {}): PackStorage => ({
  store: 'opfs',
  storedBytes: 0,
  neededBytes: 0,
  availableBytes: null,
  persistWanted: false,
  persisted: null,
  warnings: [],
  ...over,
});
