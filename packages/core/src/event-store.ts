import type { Either } from 'fp-ts/lib/Either.js';
import type { Checkpoint, Envelope, NewEvent } from './envelope.js';
import type { Event } from './message.js';
import type { ExpectedRevision } from './expected-revision.js';

/**
 * The storage port. Every adapter (in-memory, PostgreSQL, PGlite,
 * EventStoreDB) implements it and passes the contract suite in
 * `@ordersource/testing`. Expected outcomes (a version conflict, a replayed
 * batch that does not match) are values; a broken connection rejects.
 *
 * Arguments are checked before anything touches storage, by the same checks
 * in every store (`store-arguments.ts`), and no method ever throws
 * synchronously or spins on them:
 * - `append` returns `Left(invalid-append)`, and appends nothing;
 * - `read` and `readAll` return an iterable whose first `next()` rejects with
 *   an `InvalidArgument` error;
 * - `streamVersion` rejects with an `InvalidArgument` error;
 * - `subscribe` returns a subscription whose `done` (and `caughtUp`) reject
 *   with an `InvalidArgument` error; nothing is delivered.
 * Each names the argument (`path`, e.g. `events[2].occurredAt` or
 * `options.limit`) and the rule it broke (`rule`, a stable code).
 */

/** The rule an argument broke: a stable code, for programs; the message is for people. */
export type ArgumentRule =
  /** Not of the type the port declares (a number for a string, null for an array, ...). */
  | 'type'
  /** An empty or whitespace-only id, or an empty batch. */
  | 'blank'
  /** A NUL character: PostgreSQL cannot store it in text or JSON. */
  | 'nul-character'
  /** Half of a surrogate pair: not valid Unicode, JSON and PostgreSQL would change it. */
  | 'lone-surrogate'
  /** An id longer than 1,024 UTF-8 bytes, or data larger than the store keeps. */
  | 'too-long'
  /** An options or event key the port does not declare: refused, never dropped. */
  | 'unknown-key'
  /** A number outside its range, not an integer, NaN or infinite. */
  | 'range'
  /** Not one of the allowed values (a direction, an expected revision, an actor kind). */
  | 'one-of'
  /** The same eventId twice in one batch. */
  | 'duplicate'
  /** Not an ISO-8601 instant with a zone. */
  | 'iso-instant'
  /** A value JSON cannot keep exactly: NaN, Infinity, bigint, undefined, a function, a Date, a Map, a hole. */
  | 'json'
  /** Data nested deeper than the store keeps (1,000 levels). */
  | 'too-deep'
  /** Data that contains itself. */
  | 'circular'
  /** Not a checkpoint this store made. */
  | 'checkpoint'
  /** Reading the value threw (a throwing getter or proxy). */
  | 'unreadable';

/** What is wrong with one argument. */
export type ArgumentProblem = Readonly<{
  /** Where, from the method's parameter names: `streamId`, `events[0].event.data.lines[2]`, `options.limit`. */
  path: string;
  rule: ArgumentRule;
  message: string;
}>;

/** The store methods that take arguments (`create` for a store's options; load, save, reset of a checkpoint store). */
export type StoreMethod =
  | 'append'
  | 'read'
  | 'readForFold'
  | 'readAll'
  | 'subscribe'
  | 'streamVersion'
  | 'causationIds'
  | 'create'
  | 'load'
  | 'save'
  | 'reset';

/**
 * How a read, a subscription or `streamVersion` refuses bad arguments: an
 * `Error` (it rejects a promise or an iterator) carrying the problem.
 */
export type InvalidArgument = Error &
  ArgumentProblem &
  Readonly<{
    kind: 'invalid-argument';
    method: StoreMethod;
  }>;

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

/**
 * The arguments of an append are malformed (an empty batch, a blank stream id,
 * repeated eventIds, data JSON cannot keep, ...): nothing was appended.
 * `streamId` is the argument when it was a string, else "".
 */
export type InvalidAppend = ArgumentProblem & Readonly<{ kind: 'invalid-append'; streamId: string }>;

export type AppendError = WrongExpectedVersion | IdempotencyConflict | InvalidAppend;

export type ReadOptions = Readonly<{
  direction?: 'forwards' | 'backwards';
  /** Stream version to start at, inclusive (an integer >= 0). Forwards default 0; backwards default the last. */
  from?: number;
  /** At most this many events (an integer >= 0). */
  limit?: number;
}>;

export type EventFilter = Readonly<{
  /** Only streams whose id starts with this, e.g. "order-". */
  streamPrefix?: string;
  /** Only these event types. */
  eventTypes?: readonly string[];
}>;

/** `limit`: at most this many events (an integer >= 0). */
export type ReadAllOptions = EventFilter & Readonly<{ limit?: number }>;

export type SubscriptionHandler = (envelope: Envelope) => void | Promise<void>;

export type Subscription = Readonly<{
  /** Resolves once every event committed before `subscribe` was called has been handled. */
  caughtUp: Promise<void>;
  /** Settles when the subscription ends: resolves after `close`, rejects when the handler throws or an argument is invalid. */
  done: Promise<void>;
  /** Stop after the event being handled; resolves when stopped. */
  close(): Promise<void>;
}>;

/**
 * What a fold reads of one stored event: the fields of its envelope that the
 * command handler and an envelope decoder made by `createEnvelopeDecoder`
 * read (the decoder names stream and version in its errors). A partial
 * envelope: a store sends only these, so a long stream costs fewer bytes
 * and columns to read.
 */
export type FoldRow = Readonly<{
  event: Event;
  streamId: string;
  streamVersion: number;
  schemaVersion: number;
  /** The command that appended it: the handler's record for idempotent re-delivery. */
  causationId?: string;
}>;

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<Either<AppendError, AppendResult>>;
  /** Events of one stream in stream order (or reverse with `direction: 'backwards'`). */
  read(streamId: string, options?: ReadOptions): AsyncIterable<Envelope>;
  /**
   * Optional: the events of one stream from version `from` (an integer >= 0)
   * on, in stream order, as fold rows, in batches (one promise per batch, not
   * per event). The same events as `read(streamId, { from })`, every row
   * decoded and checked like `read`'s; the command handler folds a cache miss
   * with it when its decoder reads no more than a fold row holds, else with
   * `read`. Arguments are refused as `read` refuses them (method `readForFold`).
   */
  readForFold?(streamId: string, from: number): AsyncIterable<readonly FoldRow[]>;
  /** Every event after the checkpoint (from the start when absent), complete and in commit order. */
  readAll(after?: Checkpoint, options?: ReadAllOptions): AsyncIterable<Envelope>;
  /** Catch up from the checkpoint, then follow live; the handler sees each event once, in order. */
  subscribe(after: Checkpoint | undefined, handler: SubscriptionHandler, filter?: EventFilter): Subscription;
  /** Version of the stream's last event, -1 when the stream does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /**
   * Optional: the `causationId` of each of the stream's events at versions 0
   * to `below - 1`, entry `i` for version `i` (undefined where an event has
   * none; shorter when the stream is). The command handler reads these to
   * recognise a command handled long before the snapshot it loaded from;
   * without this method it reads those events (`read`). Refuses bad arguments
   * as `streamVersion` does (`below`: an integer >= 0).
   */
  causationIds?(streamId: string, below: number): Promise<readonly (string | undefined)[]>;
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

export const matchesFilter = (envelope: Envelope, filter: EventFilter | undefined): boolean =>
  filter === undefined ||
  ((filter.streamPrefix === undefined || envelope.streamId.startsWith(filter.streamPrefix)) &&
    (filter.eventTypes === undefined || filter.eventTypes.includes(envelope.event.type)));
