/**
 * Optimistic concurrency for `append`:
 * - `'any'`: no check;
 * - `'no-stream'`: the stream must not exist yet (creating an order);
 * - `'exists'`: the stream must have at least one event;
 * - a number: the version (0-based) of the stream's last event must be exactly this.
 */
export type ExpectedRevision = 'any' | 'no-stream' | 'exists' | number;

/** The version of an empty stream. The first event gets version 0. */
export const NO_STREAM_VERSION = -1;

/** Does a stream whose last version is `actual` (-1 when empty) satisfy `expected`? */
export const matchesExpected = (expected: ExpectedRevision, actual: number): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === NO_STREAM_VERSION;
    case 'exists':
      return actual > NO_STREAM_VERSION;
    default:
      return expected === actual;
  }
};
