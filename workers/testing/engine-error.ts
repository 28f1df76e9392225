import { expect } from 'vitest';
import { EngineError } from '../errors';

/** The EngineError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function engineErrorOf(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}
