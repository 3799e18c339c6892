import type { Either } from 'fp-ts/lib/Either.js';
import type { Checkpoint, Envelope, NewEvent } from './envelope.js';
import type { ExpectedRevision } from './expected-revision.js';

/**
 * The storage port. Every adapter (in-memory, PostgreSQL, PGlite,
 * EventStoreDB) implements it and passes the contract suite in
 * `@ordersource/testing`. Expected outcomes (a version conflict, a replayed
 * batch that does not match) are values; a broken connection rejects.
 */

export type AppendResult = Readonly<{
  streamId: string;
  /** Version of the first event of this batch. */
  firstVersion: number;
  /** Version of the last event of this batch: pass it as `expected` on the next append. */
  nextExpectedVersion: number;
  /** Global position (checkpoint) of the last event of this batch. */
  lastPosition: Checkpoint;
}>;

export type WrongExpectedVersion = Readonly<{
  kind: 'wrong-expected-version';
  streamId: string;
  expected: ExpectedRevision;
  /** Version of the stream's last event, -1 when the stream does not exist. */
  actual: number;
  message: string;
}>;

/** Some of the batch's eventIds are stored already, but not as this exact batch. */
export type IdempotencyConflict = Readonly<{
  kind: 'idempotency-conflict';
  streamId: string;
  eventIds: readonly string[];
  message: string;
}>;

/** The batch itself is malformed (empty, an empty stream id, repeated eventIds). */
export type InvalidAppend = Readonly<{ kind: 'invalid-append'; streamId: string; message: string }>;

export type AppendError = WrongExpectedVersion | IdempotencyConflict | InvalidAppend;

export type ReadOptions = Readonly<{
  direction?: 'forwards' | 'backwards';
  /** Stream version to start at, inclusive. Forwards default 0; backwards default the last. */
  from?: number;
  limit?: number;
}>;

export type EventFilter = Readonly<{
  /** Only streams whose id starts with this, e.g. "order-". */
  streamPrefix?: string;
  /** Only these event types. */
  eventTypes?: readonly string[];
}>;

export type ReadAllOptions = EventFilter & Readonly<{ limit?: number }>;

export type SubscriptionHandler = (envelope: Envelope) => void | Promise<void>;

export type Subscription = Readonly<{
  /** Resolves once every event committed before `subscribe` was called has been handled. */
  caughtUp: Promise<void>;
  /** Settles when the subscription ends: resolves after `close`, rejects when the handler throws. */
  done: Promise<void>;
  /** Stop after the event being handled; resolves when stopped. */
  close(): Promise<void>;
}>;

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<Either<AppendError, AppendResult>>;
  /** Events of one stream in stream order (or reverse with `direction: 'backwards'`). */
  read(streamId: string, options?: ReadOptions): AsyncIterable<Envelope>;
  /** Every event after the checkpoint (from the start when absent), complete and in commit order. */
  readAll(after?: Checkpoint, options?: ReadAllOptions): AsyncIterable<Envelope>;
  /** Catch up from the checkpoint, then follow live; the handler sees each event once, in order. */
  subscribe(after: Checkpoint | undefined, handler: SubscriptionHandler, filter?: EventFilter): Subscription;
  /** Version of the stream's last event, -1 when the stream does not exist. */
  streamVersion(streamId: string): Promise<number>;
  close(): Promise<void>;
}

export const wrongExpectedVersion = (
  streamId: string,
  expected: ExpectedRevision,
  actual: number,
): WrongExpectedVersion => ({
  kind: 'wrong-expected-version',
  streamId,
  expected,
  actual,
  message: `stream "${streamId}": expected ${typeof expected === 'number' ? `version ${expected}` : expected}, but its version is ${actual}`,
});

/** Checks every store does before it touches storage. */
export const checkBatch = (streamId: string, events: readonly NewEvent[]): InvalidAppend | undefined => {
  if (streamId.length === 0) return { kind: 'invalid-append', streamId, message: 'stream id must not be empty' };
  if (events.length === 0)
    return { kind: 'invalid-append', streamId, message: 'nothing to append: the batch is empty' };
  // Most batches hold one event: only larger ones need the duplicate check's set.
  const ids = events.length > 1 ? new Set<string>() : undefined;
  for (const event of events) {
    if (typeof event.eventId !== 'string' || event.eventId.length === 0)
      return { kind: 'invalid-append', streamId, message: 'every event needs a non-empty eventId' };
    if (ids?.has(event.eventId) === true)
      return { kind: 'invalid-append', streamId, message: `eventId ${event.eventId} appears twice in the batch` };
    ids?.add(event.eventId);
    if (typeof event.event?.type !== 'string' || event.event.type.length === 0)
      return { kind: 'invalid-append', streamId, message: `event ${event.eventId} has no type` };
  }
  return undefined;
};

/** An expected revision must be one: 'any', 'no-stream', 'exists' or an integer version from -1 up. */
export const checkExpected = (streamId: string, expected: ExpectedRevision): InvalidAppend | undefined =>
  expected === 'any' ||
  expected === 'no-stream' ||
  expected === 'exists' ||
  (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= -1)
    ? undefined
    : { kind: 'invalid-append', streamId, message: `expected revision ${String(expected)} is not a stream version` };

export const matchesFilter = (envelope: Envelope, filter: EventFilter | undefined): boolean =>
  filter === undefined ||
  ((filter.streamPrefix === undefined || envelope.streamId.startsWith(filter.streamPrefix)) &&
    (filter.eventTypes === undefined || filter.eventTypes.includes(envelope.event.type)));
