import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, folder, type Decider } from './decider.js';
import type { NewEvent } from './envelope.js';
import type { DomainError, ValidationError } from './errors.js';
import type { AppendError, AppendResult, EventStore } from './event-store.js';
import { NO_STREAM_VERSION } from './expected-revision.js';
import { newId } from './ids.js';
import type { Command, Event } from './message.js';
import { sleep } from './runtime.js';
import type { SnapshotPolicy } from './snapshot.js';
import type { EnvelopeDecoder } from './upcast.js';

/**
 * The application service around a decider: load (cache, snapshot, store) ->
 * fold -> decide -> append with the version read. On a version conflict it
 * catches up and tries again, a bounded number of times, with jittered
 * backoff. It is idempotent by commandId: every event records its command as
 * `causationId`, so a second delivery (even from another process) appends
 * nothing and returns the events of the first.
 */

export type Handled<E extends Event, S> = Readonly<{
  streamId: string;
  /** Events this command produced (on a duplicate: the ones it produced the first time). */
  events: readonly E[];
  state: S;
  /** Version of the stream's last event after handling, -1 when it is still empty. */
  version: number;
  /** True when the commandId was handled before and nothing was appended now. */
  duplicate: boolean;
  append?: AppendResult;
}>;

export type ConcurrencyExhausted = Readonly<{
  kind: 'concurrency-exhausted';
  streamId: string;
  attempts: number;
  message: string;
}>;

export type HandlerError = DomainError | ValidationError | AppendError | ConcurrencyExhausted;

export type CommandHandlerOptions<C extends Command, E extends Event, S> = Readonly<{
  store: EventStore;
  decider: Decider<C, E, S>;
  /** Decodes (and upcasts) events read back from the store. */
  decodeEnvelope: EnvelopeDecoder<E>;
  /** Schema version written with each event type (default 1). */
  schemaVersions?: Readonly<Record<string, number>>;
  /** Retries after a version conflict (default 10). */
  maxRetries?: number;
  /** Streams whose folded state stays in memory (LRU, default 10,000; 0 turns the cache off). */
  cacheSize?: number;
  snapshots?: SnapshotPolicy<S>;
  newEventId?: () => string;
  /** Source of jitter for retry backoff (default Math.random). */
  random?: () => number;
}>;

export type CommandHandler<C extends Command, E extends Event, S> = Readonly<{
  handle: (streamId: string, command: C) => Promise<E.Either<HandlerError, Handled<E, S>>>;
  /** Current state and version of a stream, folded from the store (or the cache). */
  load: (streamId: string) => Promise<E.Either<ValidationError, Readonly<{ state: S; version: number }>>>;
  /** Forget cached state (all streams, or one). */
  evict: (streamId?: string) => void;
}>;

/**
 * commandId -> the events it produced, and the stream version recorded up to.
 * Entries derived from one another share it; a retry that catches up from an
 * older entry skips what a concurrent call already recorded, so a command's
 * events are never listed twice.
 */
type CommandLog<E> = { byCommand: Map<string, readonly E[]>; upTo: number };

const emptyLog = <E>(): CommandLog<E> => ({ byCommand: new Map(), upTo: NO_STREAM_VERSION });

type Entry<E, S> = {
  state: S;
  version: number;
  /** What each command produced, for idempotent re-delivery; shared by the entries of one stream. */
  handled: CommandLog<E>;
  /**
   * Commands handled at or before the snapshot this entry was loaded from.
   * Their events are read back only if one of them is delivered again.
   */
  earlier?: ReadonlySet<string>;
};

export const createCommandHandler = <C extends Command, E extends Event, S>(
  options: CommandHandlerOptions<C, E, S>,
): CommandHandler<C, E, S> => {
  const { store, decider, decodeEnvelope } = options;
  const maxRetries = options.maxRetries ?? 10;
  const cacheSize = options.cacheSize ?? 10_000;
  const eventId = options.newEventId ?? newId;
  const random = options.random ?? Math.random;
  const schemaVersions = options.schemaVersions ?? {};
  const cache = new Map<string, Entry<E, S>>();

  const remember = (streamId: string, entry: Entry<E, S>): void => {
    if (cacheSize <= 0) return;
    cache.delete(streamId);
    cache.set(streamId, entry);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  };

  /** Read events after `entry.version` and fold them in; from scratch when there is no entry. */
  const catchUp = async (streamId: string, entry?: Entry<E, S>): Promise<E.Either<ValidationError, Entry<E, S>>> => {
    let base = entry;
    if (base === undefined && options.snapshots !== undefined) {
      const snapshot = await options.snapshots.store.load(streamId);
      // A snapshot without the commands it covers cannot keep handling idempotent: fold from the start.
      if (
        snapshot !== undefined &&
        snapshot.schemaVersion === options.snapshots.schemaVersion &&
        snapshot.commandIds !== undefined
      )
        base = {
          state: snapshot.state,
          version: snapshot.version,
          handled: { byCommand: new Map(), upTo: snapshot.version },
          earlier: new Set(snapshot.commandIds),
        };
    }
    const handled = base?.handled ?? emptyLog<E>();
    const fresh: E[] = [];
    // From zero, fold on a private copy (no proxies); on top of a shared state, one produce.
    const fold = base === undefined ? folder(decider) : undefined;
    let version = base?.version ?? NO_STREAM_VERSION;
    for await (const raw of store.read(streamId, { from: version + 1 })) {
      const decoded = decodeEnvelope(raw);
      if (E.isLeft(decoded)) return decoded;
      const { event, causationId } = decoded.right;
      if (fold === undefined) fresh.push(event);
      else fold.push(event);
      if (causationId !== undefined && decoded.right.streamVersion > handled.upTo) {
        const previous = handled.byCommand.get(causationId);
        handled.byCommand.set(causationId, previous === undefined ? [event] : [...previous, event]);
      }
      handled.upTo = Math.max(handled.upTo, decoded.right.streamVersion);
      version = decoded.right.streamVersion;
    }
    const state = fold !== undefined ? fold.result() : applyEvents(decider, (base as Entry<E, S>).state, fresh);
    return E.right(
      base?.earlier === undefined ? { state, version, handled } : { state, version, handled, earlier: base.earlier },
    );
  };

  /** The events a command appended before the snapshot the entry was loaded from. */
  const eventsOf = async (streamId: string, commandId: string): Promise<E.Either<ValidationError, E[]>> => {
    const events: E[] = [];
    for await (const raw of store.read(streamId)) {
      if (raw.causationId !== commandId) continue;
      const decoded = decodeEnvelope(raw);
      if (E.isLeft(decoded)) return decoded;
      events.push(decoded.right.event);
    }
    return E.right(events);
  };

  const entryFor = async (streamId: string): Promise<E.Either<ValidationError, Entry<E, S>>> => {
    const cached = cache.get(streamId);
    if (cached !== undefined) return E.right(cached);
    const loaded = await catchUp(streamId);
    if (E.isRight(loaded)) remember(streamId, loaded.right);
    return loaded;
  };

  const handle = async (streamId: string, command: C): Promise<E.Either<HandlerError, Handled<E, S>>> => {
    const { commandId, actor, at, correlationId } = command.metadata;
    // A cache hit must not cost a trip through the microtask queue.
    const cached = cache.get(streamId);
    let loaded = cached !== undefined ? E.right(cached) : await entryFor(streamId);
    for (let attempt = 0; ; attempt++) {
      if (E.isLeft(loaded)) return loaded;
      const entry = loaded.right;
      const previous = entry.handled.byCommand.get(commandId);
      if (previous !== undefined)
        return E.right({ streamId, events: previous, state: entry.state, version: entry.version, duplicate: true });
      if (entry.earlier?.has(commandId) === true) {
        const earlier = await eventsOf(streamId, commandId);
        if (E.isLeft(earlier)) return earlier;
        entry.handled.byCommand.set(commandId, earlier.right);
        return E.right({
          streamId,
          events: earlier.right,
          state: entry.state,
          version: entry.version,
          duplicate: true,
        });
      }

      const decided = decider.decide(command, entry.state);
      if (E.isLeft(decided)) return decided;
      const events = decided.right;
      if (events.length === 0)
        return E.right({ streamId, events, state: entry.state, version: entry.version, duplicate: false });

      const batch: NewEvent[] = events.map((event) => ({
        event,
        eventId: eventId(),
        occurredAt: at,
        actor,
        causationId: commandId,
        correlationId: correlationId ?? commandId,
        schemaVersion: schemaVersions[event.type] ?? 1,
      }));
      const expected = entry.version === NO_STREAM_VERSION ? 'no-stream' : entry.version;
      const appended = await store.append(streamId, batch, expected);

      if (E.isRight(appended)) {
        const next: Entry<E, S> = {
          state: applyEvents(decider, entry.state, events),
          version: appended.right.nextExpectedVersion,
          handled: entry.handled,
          ...(entry.earlier === undefined ? {} : { earlier: entry.earlier }),
        };
        next.handled.byCommand.set(commandId, events);
        next.handled.upTo = Math.max(next.handled.upTo, next.version);
        remember(streamId, next);
        await maybeSnapshot(streamId, entry.version, next);
        return E.right({
          streamId,
          events,
          state: next.state,
          version: next.version,
          duplicate: false,
          append: appended.right,
        });
      }
      if (appended.left.kind !== 'wrong-expected-version') return appended;
      if (attempt >= maxRetries)
        return E.left({
          kind: 'concurrency-exhausted',
          streamId,
          attempts: attempt + 1,
          message: `stream "${streamId}": gave up after ${attempt + 1} attempts, other writers kept changing it`,
        });
      // Someone else wrote first: back off a little, then fold in what they wrote.
      cache.delete(streamId);
      await sleep(Math.floor(random() * Math.min(50, 2 ** attempt)));
      loaded = await catchUp(streamId, entry);
      if (E.isRight(loaded)) remember(streamId, loaded.right);
    }
  };

  const maybeSnapshot = async (streamId: string, before: number, after: Entry<E, S>): Promise<void> => {
    const policy = options.snapshots;
    if (policy === undefined || policy.every <= 0) return;
    if (Math.floor((after.version + 1) / policy.every) > Math.floor((before + 1) / policy.every))
      await policy.store.save(streamId, {
        state: after.state,
        version: after.version,
        schemaVersion: policy.schemaVersion,
        commandIds: [...new Set([...(after.earlier ?? []), ...after.handled.byCommand.keys()])],
      });
  };

  return {
    handle,
    load: async (streamId) =>
      E.map((entry: Entry<E, S>) => ({ state: entry.state, version: entry.version }))(await entryFor(streamId)),
    evict: (streamId) => {
      if (streamId === undefined) cache.clear();
      else cache.delete(streamId);
    },
  };
};
