import { expect } from 'vitest';
import type { Due } from '@ordersource/core';

/** Helpers the contracts of the runtime's stores (timers, leases, parked events) share. */

const BASE = Date.parse('2026-12-01T00:00:00.000Z');

/** The instant `seconds` after the contracts' epoch, ISO-8601. Stores get time only from arguments. */
export const at = (seconds: number): string => new Date(BASE + seconds * 1000).toISOString();

/** A refusal names the method, the argument's path and the rule, like the EventStore's. */
export const expectRefusal = async (
  promise: Promise<unknown>,
  method: string,
  path: string,
  rule?: string,
): Promise<void> => {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `${method} should refuse ${path}`).toBeInstanceOf(Error);
  expect(error).toMatchObject({ kind: 'invalid-argument', method, path, ...(rule === undefined ? {} : { rule }) });
};

export type RuntimeContractOptions = Readonly<{
  /** Runs per fast-check law (default 100; each run makes tens of store calls). */
  lawRuns?: number;
}>;

/** A plan entry due `seconds` after the epoch; its command goes to `streamId` when given. */
export const due = (key: string, seconds: number, data: unknown = { key }, streamId?: string): Due => ({
  key,
  at: at(seconds),
  command: { type: 'Expire', data, ...(streamId === undefined ? {} : { streamId }) },
});
