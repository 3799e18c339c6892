import * as E from 'fp-ts/lib/Either.js';
import type { Checkpoint, Envelope, NewEvent } from './envelope.js';
import type { Actor } from './actor.js';
import { envelopeOf } from './envelope-of.js';
import type { CommandMetadata, Event } from './message.js';
import { NOT_STORABLE, startStorableBatch, storableCopy } from './storable-copy.js';
import {
  matchesFilter,
  wrongExpectedVersion,
  type AppendError,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ReadAllOptions,
  type ReadOptions,
  type Subscription,
  type SubscriptionHandler,
} from './event-store.js';
import { deferred } from './deferred.js';
import { matchesExpected, NO_STREAM_VERSION, type ExpectedRevision } from './expected-revision.js';
import { deepFreeze, deepFreezeAll, isoAt, nowIso } from './runtime.js';
import { uuidV7, uuidV7At } from './uuid-v7.js';
import {
  appendArgumentsProblem,
  appendPayloadsFrozen,
  isStorableActor,
  isStorableId,
  isStorableInstant,
  isStorableSchemaVersion,
  functionOption,
  invalidAppend,
  invalidArgument,
  optionsProblem,
  readAllArgumentsProblem,
  readArgumentsProblem,
  refusedRead,
  refusedSubscription,
  streamIdArgumentProblem,
  subscribeArgumentsProblem,
  type CheckpointRule,
} from './store-arguments.js';

/**
 * The embedded default store for tests and demos. Appends are O(batch): one
 * push onto the stream's array and one onto the global log per event, one
 * result per batch; nothing is copied or rescanned. The eventId index that
 * makes appends idempotent is built only when an id that could be a replay
 * arrives (one not above every id appended so far). The global position is the 1-based
 * index in the log, so a checkpoint is the count of events already seen.
 *
 * Stored envelopes are frozen all the way down (payloads in place): readers
 * share them safely, an `evolve` that aliases a payload into state and later
 * mutates it fails loudly instead of corrupting the log, and what decoded
 * once decodes the same again (the command handler relies on it).
 *
 * Arguments pass the same checks as in every store (store-arguments.ts), so
 * what this store accepts, PostgreSQL accepts too.
 */

export type InMemoryEventStoreOptions = Readonly<{
  /** Clock for `recordedAt`; defaults to the wall clock. */
  clock?: () => string;
}>;

/** Throws an `InvalidArgument` error for options it does not know or of the wrong type. */
export const createInMemoryEventStore = (options: InMemoryEventStoreOptions = {}): EventStore => {
  const problem = optionsProblem(options, 'options', { clock: functionOption });
  if (problem !== undefined) throw invalidArgument('create', problem);
  const clock = options.clock ?? nowIso;
  const streams = new Map<string, Envelope[]>();
  /**
   * Per stream array, the version of its first event holding an object the
   * caller made (`append` keeps the caller's payloads, frozen in place).
   * Before it, every object of every event is one this store built from plain
   * data (`appendDecided`): own keys all enumerable. Set on `append` only.
   */
  const foreignFrom = new WeakMap<readonly Envelope[], number>();
  const log: Envelope[] = [];
  // eventId -> the result of the batch it was appended in. The batch's other ids are in the
  // stream at the result's versions: nothing more is kept per batch. Built lazily (`indexed`).
  const batchOf = new Map<string, AppendResult>();
  // Where each batch starts in `log`, in append order: what `batchOf` is built from. Numbers, not the
  // batches' results: nothing per batch for the garbage collector to trace while no index is needed.
  const batches: number[] = [];
  /** How many of `batches` are in `batchOf`. */
  let indexed = 0;
  /**
   * The greatest eventId appended so far (string order). An id above it cannot
   * be a replay, so a batch of such ids (the command handler's: uuid v7,
   * increasing within the process) needs no index lookup, and the index is
   * only built up to date when an id at or below it arrives.
   */
  let greatestId = '';
  const wakers = new Set<() => void>();
  let closed = false;

  /** Bring `batchOf` up to date with every batch appended; each batch's result is made again from its envelopes. */
  const indexBatches = (): void => {
    for (; indexed < batches.length; indexed++) {
      const start = batches[indexed] as number;
      const end = indexed + 1 < batches.length ? (batches[indexed + 1] as number) : log.length;
      const first = log[start] as Envelope;
      const last = log[end - 1] as Envelope;
      const result: AppendResult = {
        streamId: first.streamId,
        firstVersion: first.streamVersion,
        nextExpectedVersion: last.streamVersion,
        lastPosition: last.globalPosition,
      };
      for (let at = start; at < end; at++) batchOf.set((log[at] as Envelope).eventId, result);
    }
  };

  /** The batch `result` was appended with is exactly `events` (same stream, same ids, same order). */
  const sameBatch = (result: AppendResult, streamId: string, events: readonly NewEvent[]): boolean => {
    if (result.streamId !== streamId || result.nextExpectedVersion - result.firstVersion + 1 !== events.length)
      return false;
    const stream = streams.get(streamId) as Envelope[];
    for (let i = 0; i < events.length; i++)
      if (stream[result.firstVersion + i]?.eventId !== events[i]?.eventId) return false;
    return true;
  };

  const replayOf = (streamId: string, events: readonly NewEvent[]): AppendError | AppendResult | undefined => {
    let fresh = true;
    for (const event of events) if (!(event.eventId > greatestId)) fresh = false;
    if (fresh) return undefined;
    indexBatches();
    let known: AppendResult | undefined;
    let anyKnown = false;
    let allSame = true;
    for (const event of events) {
      const batch = batchOf.get(event.eventId);
      if (batch === undefined) {
        allSame = false;
        continue;
      }
      anyKnown = true;
      if (known === undefined) known = batch;
      else if (known !== batch) allSame = false;
    }
    if (!anyKnown) return undefined;
    if (allSame && known !== undefined && sameBatch(known, streamId, events)) return known;
    return {
      kind: 'idempotency-conflict',
      streamId,
      eventIds: events.filter((event) => batchOf.has(event.eventId)).map((event) => event.eventId),
      message: `stream "${streamId}": some eventIds of this batch were appended before, but not as this exact batch`,
    };
  };

  /** `append` without the promise; throws when the store is closed. */
  const appendNow = (
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): E.Either<AppendError, AppendResult> => {
    if (closed) throw new Error('in-memory event store is closed');
    const invalid = appendArgumentsProblem(streamId, events, expected);
    if (invalid !== undefined) return E.left(invalidAppend(streamId, invalid));
    const replay = replayOf(streamId, events);
    if (replay !== undefined) return 'kind' in replay ? E.left(replay) : E.right(replay);

    let stream = streams.get(streamId);
    const actual = stream === undefined ? NO_STREAM_VERSION : stream.length - 1;
    if (!matchesExpected(expected, actual)) return E.left(wrongExpectedVersion(streamId, expected, actual));
    if (stream === undefined) {
      stream = [];
      streams.set(streamId, stream);
    }
    if (events.length > 0 && !foreignFrom.has(stream)) foreignFrom.set(stream, stream.length);
    const recordedAt = clock();
    // A frozen object the caller handed in may hold mutable ones: then the payloads are frozen all the way down.
    const frozen = appendPayloadsFrozen();
    let lastPosition = '';
    // An empty batch appends nothing and makes no entry of the index.
    if (events.length > 0) batches.push(log.length);
    for (const input of events) {
      lastPosition = String(log.length + 1);
      const envelope = storedEnvelope(input, streamId, stream.length, lastPosition, recordedAt, frozen);
      stream.push(envelope);
      log.push(envelope);
    }
    const result: AppendResult = {
      streamId,
      firstVersion: stream.length - events.length,
      nextExpectedVersion: stream.length - 1,
      lastPosition,
    };
    for (const event of events) if (event.eventId > greatestId) greatestId = event.eventId;
    // No iterator for the usual case: nobody subscribed.
    if (wakers.size > 0) for (const wake of wakers) wake();
    return E.right(result);
  };

  // What the decided path checked last: the same stream, instant, actor and event type recur command after command.
  let checkedStream = '';
  let checkedAt = '';
  let checkedActor: Actor | undefined;
  let checkedType = '';

  /**
   * `appendDecided` (see `appendDecidedOf`): the checks of `appendNow` on a
   * batch the command handler decided, the envelopes built straight from
   * them, and undefined (nothing appended) wherever `appendNow` must decide.
   */
  const appendDecided = (
    streamId: string,
    decided: readonly Event[],
    metadata: CommandMetadata,
    newEventId: () => string,
    schemaVersionOf: (type: string) => number,
    expected: number,
    copies: Event[],
  ): AppendResult | undefined => {
    if (closed || decided.length === 0 || !(Number.isInteger(expected) && expected >= -1)) return undefined;
    const stream = streams.get(streamId);
    if ((stream === undefined ? NO_STREAM_VERSION : stream.length - 1) !== expected) return undefined;
    if (streamId !== checkedStream) {
      if (!isStorableId(streamId)) return undefined;
      checkedStream = streamId;
    }
    const { commandId, actor, at } = metadata;
    const correlationId = metadata.correlationId ?? commandId;
    if (at !== checkedAt) {
      if (!isStorableInstant(at)) return undefined;
      checkedAt = at;
    }
    // Remembered only once frozen: its fields are strings, so a frozen actor cannot change.
    if (actor !== checkedActor) {
      if (!isStorableActor(actor)) return undefined;
      checkedActor = deepFreeze(actor);
    }
    if (!isStorableId(commandId) || (correlationId !== commandId && !isStorableId(correlationId))) return undefined;
    startStorableBatch();
    // The scratch arrays, unless a user's `newEventId` or `schemaVersionOf` appends from inside this one.
    const reuse = !deciding;
    deciding = true;
    const ids = reuse ? scratchIds : new Array<string>(decided.length);
    const versions = reuse ? scratchVersions : new Array<number>(decided.length);
    try {
      return appendChecked(streamId, stream, decided, metadata, newEventId, schemaVersionOf, copies, ids, versions);
    } finally {
      if (reuse) deciding = false;
    }
  };

  /** Scratch of `appendDecided`: the batch's ids and schema versions, until its envelopes are built. */
  const scratchIds: string[] = [];
  const scratchVersions: number[] = [];
  let deciding = false;

  /** `appendDecided` after the checks of the command as a whole: the events, their ids, then the envelopes. */
  const appendChecked = (
    streamId: string,
    stream: Envelope[] | undefined,
    decided: readonly Event[],
    metadata: CommandMetadata,
    newEventId: () => string,
    schemaVersionOf: (type: string) => number,
    copies: Event[],
    ids: string[],
    versions: number[],
  ): AppendResult | undefined => {
    const { commandId, actor, at } = metadata;
    const correlationId = metadata.correlationId ?? commandId;
    // One clock read for the ids and `recordedAt` when both are the defaults (a clock read is ~0.1 µs on a busy VM).
    const ownIds = newEventId === uuidV7;
    const ms = ownIds || clock === nowIso ? Date.now() : 0;
    let previous = greatestId;
    for (let i = 0; i < decided.length; i++) {
      const given = decided[i] as Event;
      if (typeof given !== 'object' || given === null || Object.getPrototypeOf(given) !== Object.prototype)
        return undefined;
      for (const key in given) if (key !== 'type' && key !== 'data') return undefined;
      const type = given.type;
      if (type !== checkedType) {
        if (!isStorableId(type)) return undefined;
        checkedType = type;
      }
      const schemaVersion = schemaVersionOf(type);
      if (!isStorableSchemaVersion(schemaVersion)) return undefined;
      const data = storableCopy(given.data);
      if (data === NOT_STORABLE) return undefined;
      // Each id above every one appended so far (and above the one before it): no replay, no duplicate.
      const eventId = ownIds ? uuidV7At(ms) : newEventId();
      // Ids of `uuidV7` are 36 characters of hex digits and dashes by construction: nothing for the text check to find.
      if (!(eventId > previous) || (!ownIds && !isStorableId(eventId))) return undefined;
      previous = eventId;
      ids[i] = eventId;
      versions[i] = schemaVersion;
      copies[i] = Object.freeze({ type, data });
    }
    let target = stream;
    if (target === undefined) {
      target = [];
      streams.set(streamId, target);
    }
    const recordedAt = clock === nowIso ? isoAt(ms) : clock();
    let lastPosition = '';
    batches.push(log.length);
    for (let i = 0; i < decided.length; i++) {
      lastPosition = String(log.length + 1);
      const envelope = Object.freeze(
        envelopeOf(
          copies[i] as Event,
          ids[i] as string,
          streamId,
          target.length,
          lastPosition,
          at,
          recordedAt,
          actor,
          versions[i] as number,
          commandId,
          correlationId,
        ),
      );
      target.push(envelope);
      log.push(envelope);
    }
    const result: AppendResult = {
      streamId,
      firstVersion: target.length - decided.length,
      nextExpectedVersion: target.length - 1,
      lastPosition,
    };
    greatestId = previous;
    if (wakers.size > 0) for (const wake of wakers) wake();
    return result;
  };

  const append = (
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<E.Either<AppendError, AppendResult>> => {
    try {
      return Promise.resolve(appendNow(streamId, events, expected));
    } catch (thrown) {
      // Rejects with what was thrown, as an async function would.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(thrown);
    }
  };

  async function* readStream(streamId: string, options: ReadOptions): AsyncIterable<Envelope> {
    const stream = streams.get(streamId);
    if (stream === undefined) return;
    const end = stream.length;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let yielded = 0;
    if (options.direction === 'backwards') {
      for (let i = Math.min(options.from ?? end - 1, end - 1); i >= 0 && yielded < limit; i--, yielded++) {
        yield stream[i] as Envelope;
      }
    } else {
      for (let i = Math.max(options.from ?? 0, 0); i < end && yielded < limit; i++, yielded++) {
        yield stream[i] as Envelope;
      }
    }
  }

  /** The events `readStream` would yield, taken now. */
  const streamSlice = (streamId: string, options: ReadOptions): readonly Envelope[] => {
    const stream = streams.get(streamId);
    if (stream === undefined) return [];
    const end = stream.length;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (options.direction === 'backwards') {
      const slice: Envelope[] = [];
      for (let i = Math.min(options.from ?? end - 1, end - 1); i >= 0 && slice.length < limit; i--)
        slice.push(stream[i] as Envelope);
      return slice;
    }
    const from = Math.max(options.from ?? 0, 0);
    return stream.slice(from, Math.min(end, from + limit));
  };

  const read = (streamId: string, options: ReadOptions = {}): AsyncIterable<Envelope> => {
    const problem = readArgumentsProblem(streamId, options);
    if (problem !== undefined) return refusedRead(invalidArgument('read', problem));
    const events = readStream(streamId, options);
    readNow.set(events, () => streamSlice(streamId, options));
    return events;
  };

  const readAll = (after?: Checkpoint, options: ReadAllOptions = {}): AsyncIterable<Envelope> => {
    const problem = readAllArgumentsProblem(after, options, checkpointRule);
    return problem === undefined ? readLog(after, options) : refusedRead(invalidArgument('readAll', problem));
  };

  async function* readLog(after: Checkpoint | undefined, options: ReadAllOptions): AsyncIterable<Envelope> {
    const end = log.length;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let yielded = 0;
    for (let i = parseCheckpoint(after); i < end && yielded < limit; i++) {
      const envelope = log[i] as Envelope;
      if (!matchesFilter(envelope, options)) continue;
      yielded++;
      yield envelope;
    }
  }

  const subscribe = (
    after: Checkpoint | undefined,
    handler: SubscriptionHandler,
    filter?: EventFilter,
  ): Subscription => {
    const problem = subscribeArgumentsProblem(after, handler, filter, checkpointRule);
    if (problem !== undefined) return refusedSubscription(invalidArgument('subscribe', problem));
    let cursor = parseCheckpoint(after);
    const headAtStart = log.length;
    let stopped = false;
    let wake: () => void = () => undefined;
    const { promise: caughtUp, resolve: markCaughtUp, reject: failCaughtUp } = deferred();

    const run = async (): Promise<void> => {
      try {
        while (!stopped && !closed) {
          while (cursor < log.length && !stopped) {
            const envelope = log[cursor] as Envelope;
            cursor++;
            if (matchesFilter(envelope, filter)) await handler(envelope);
            if (cursor >= headAtStart) markCaughtUp();
          }
          if (cursor >= headAtStart) markCaughtUp();
          if (stopped || closed) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            wakers.add(resolve);
          });
          wakers.delete(wake);
        }
      } catch (error) {
        failCaughtUp(error);
        throw error;
      }
    };
    const done = run();
    // A handler's error reaches whoever awaits done; nobody awaiting it is not an unhandled rejection.
    done.catch(() => undefined);
    return {
      caughtUp,
      done,
      close: async () => {
        stopped = true;
        wake();
        await done.catch(() => undefined);
      },
    };
  };

  const store: EventStore = {
    append,
    read,
    readAll,
    subscribe,
    streamVersion: (streamId) => {
      const problem = streamIdArgumentProblem(streamId);
      return problem === undefined
        ? Promise.resolve((streams.get(streamId)?.length ?? 0) - 1)
        : Promise.reject(invalidArgument('streamVersion', problem));
    },
    close: () => {
      closed = true;
      for (const wake of wakers) wake();
      return Promise.resolve();
    },
  };
  appendsNow.set(store, appendNow);
  appendsDecided.set(store, appendDecided);
  liveStreams.set(store, (streamId) =>
    streamIdArgumentProblem(streamId) === undefined ? (streams.get(streamId) ?? NO_EVENTS) : undefined,
  );
  builtUpTo.set(store, (stream) => foreignFrom.get(stream) ?? stream.length);
  return store;
};

type AppendNow = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
) => E.Either<AppendError, AppendResult>;

/** In-memory stores, by the object `createInMemoryEventStore` returned: their `append` without a promise. */
const appendsNow = new WeakMap<EventStore, AppendNow>();

/**
 * For an in-memory store: its `append` as a plain call, same checks and
 * same result, with no promise (it throws where `append` rejects: the store
 * is closed). The command handler appends through it so that a command on a
 * cached stream costs no trip through the microtask queue. Undefined for any
 * other store (a wrapper around an in-memory store included).
 */
export const appendNowOf = (store: EventStore): AppendNow | undefined => appendsNow.get(store);

/** What the command handler hands `appendDecidedOf(store)`: see there. */
export type AppendDecided = (
  streamId: string,
  decided: readonly Event[],
  metadata: CommandMetadata,
  newEventId: () => string,
  schemaVersionOf: (type: string) => number,
  expected: number,
  copies: Event[],
) => AppendResult | undefined;

const appendsDecided = new WeakMap<EventStore, AppendDecided>();

/**
 * For an in-memory store: the append of one command's decided events
 * without a `NewEvent` per event. It runs the checks `append` runs (the
 * payload checked while it is copied, `storable-copy.ts`; a stream, instant,
 * actor and type it checked just before are not checked again), writes
 * `copies[i]`, the frozen copy it stores of `decided[i]`, and builds each
 * envelope once: eventId from `newEventId`, `occurredAt` the command's `at`,
 * causation the commandId, correlation the command's (else the commandId).
 * `expected` is the stream version (-1: no stream).
 *
 * It gives undefined, having appended nothing, wherever `append` might answer
 * anything but a plain success: a check it cannot pass, a version that is not
 * the stream's, an id that is not above every id appended so far (it might be
 * a replay), a closed store. The handler then appends the usual way, and that
 * `append` answers. Undefined for any other store.
 */
export const appendDecidedOf = (store: EventStore): AppendDecided | undefined => appendsDecided.get(store);

const NO_EVENTS: readonly Envelope[] = Object.freeze([]);

/** In-memory stores, by the object `createInMemoryEventStore` returned: a stream's own array of envelopes. */
const liveStreams = new WeakMap<EventStore, (streamId: string) => readonly Envelope[] | undefined>();

/**
 * For an in-memory store: a function giving a stream's own array of stored
 * envelopes, to be read and never changed. It only grows (an append pushes,
 * nothing is replaced), entry `i` is the event at version `i`, and every
 * envelope in it is frozen all the way down, so an envelope decoded once
 * decodes the same way again. A stream with no events gives an empty array; a
 * streamId that `read` would refuse gives undefined (read it through `read`,
 * which reports the problem). Undefined for any other store.
 */
export const liveStreamOf = (store: EventStore): ((streamId: string) => readonly Envelope[] | undefined) | undefined =>
  liveStreams.get(store);

/** In-memory stores: how many leading events of one of their stream arrays (`liveStreamOf`) the store built itself. */
const builtUpTo = new WeakMap<EventStore, (stream: readonly Envelope[]) => number>();

/**
 * For an in-memory store: given one of its stream arrays (from
 * `liveStreamOf`), how many of its leading events the store built all the
 * way down itself, from plain data: their event objects and every object
 * in their payloads have `Object.prototype` and only enumerable own string
 * keys (what the command handler's decided appends store). Events after them
 * hold objects a caller made (an `append` keeps its payloads), which may
 * have hidden keys. The decoder's test of such rows can skip listing
 * non-enumerable keys (`acceptsUnchangedOf`). Undefined for any other store.
 */
export const storeBuiltOf = (store: EventStore): ((stream: readonly Envelope[]) => number) | undefined =>
  builtUpTo.get(store);

/**
 * Reads of this store, by the iterable `read` returned: the events it would
 * yield, taken when asked. The command handler folds them in one loop
 * instead of one promise per event; everyone else iterates as usual.
 */
const readNow = new WeakMap<object, () => readonly Envelope[]>();

/**
 * For a `read` of an in-memory store not iterated yet: its events, now, as
 * the first `next()` would have started them. Undefined for any other iterable.
 */
export const eventsReadNow = (events: AsyncIterable<Envelope>): readonly Envelope[] | undefined =>
  readNow.get(events)?.();

/**
 * The stored, frozen envelope of one checked NewEvent. Built as one literal
 * per shape (no spreads of temporary objects) and frozen field by field
 * rather than by a deep walk: its strings need none, and the payload is
 * walked only when the argument checks met an object in the batch that was
 * not frozen yet (`payloadsFrozen` false); the command handler's payloads are
 * frozen copies and cost nothing here. A frozen `event` is kept as it is (the
 * argument checks refused any key but type and data); any other is copied,
 * so the caller's object is never frozen under it.
 */
const storedEnvelope = (
  input: NewEvent,
  streamId: string,
  streamVersion: number,
  globalPosition: string,
  recordedAt: string,
  payloadsFrozen: boolean,
): Envelope => {
  const given = input.event;
  if (!payloadsFrozen) deepFreezeAll(given.data);
  const event =
    Object.isFrozen(given) && Object.getPrototypeOf(given) === Object.prototype
      ? given
      : Object.freeze({ type: given.type, data: given.data });
  const { eventId, occurredAt, causationId, correlationId } = input;
  const actor = deepFreeze(input.actor);
  const schemaVersion = input.schemaVersion ?? 1;
  return Object.freeze(
    envelopeOf(
      event,
      eventId,
      streamId,
      streamVersion,
      globalPosition,
      occurredAt,
      recordedAt,
      actor,
      schemaVersion,
      causationId,
      correlationId,
    ),
  );
};

// A checkpoint is the count of events seen, in decimal, as globalPosition writes it.
const CHECKPOINT = /^\d{1,15}$/;
const checkpointRule: CheckpointRule = (checkpoint) =>
  CHECKPOINT.test(checkpoint)
    ? undefined
    : `is an invalid in-memory checkpoint ${JSON.stringify(checkpoint)}: expected the count of events seen, as this store makes them`;

// Only called on checkpoints checkpointRule accepted.
const parseCheckpoint = (checkpoint: Checkpoint | undefined): number =>
  checkpoint === undefined || checkpoint === '' ? 0 : Number(checkpoint);
