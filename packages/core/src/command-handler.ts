import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, folder, type Decider } from './decider.js';
import type { Envelope, NewEvent } from './envelope.js';
import type { DomainError, ValidationError } from './errors.js';
import type { AppendError, AppendResult, EventStore } from './event-store.js';
import { NO_STREAM_VERSION } from './expected-revision.js';
import { newId } from './ids.js';
import type { Command, Event } from './message.js';
import { sleep } from './runtime.js';
import { loadUsableSnapshot, reportSnapshotProblem, type SnapshotPolicy, type UsableSnapshot } from './snapshot.js';
import type { EnvelopeDecoder } from './upcast.js';

/**
 * The application service around a decider: load (cache, snapshot, store) ->
 * fold -> decide -> append with the version read. On a version conflict it
 * catches up and tries again, a bounded number of times, with jittered
 * backoff. It is idempotent by commandId: every event records its command as
 * `causationId`, so a second delivery (even from another process) appends
 * nothing and returns the events of the first.
 *
 * The cache may be behind the store (another process wrote since), so every
 * outcome is confirmed on the current stream before it is returned. One that
 * appends is confirmed by the append itself: it expects the cached version, so
 * a stale decision conflicts and is made again after a catch-up, which also
 * checks the commandId again. One that appends nothing (a refusal, a
 * duplicate, an empty decision) is confirmed by reading what came after the
 * cached version. The common path, a cache hit whose command is accepted,
 * costs no extra read.
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

  /** Fold `events` (those after `base.version`) into `base`; from scratch when there is no base. */
  const foldOnto = async (
    events: AsyncIterable<Envelope>,
    base: Entry<E, S> | undefined,
  ): Promise<E.Either<ValidationError, Entry<E, S>>> => {
    const handled = base?.handled ?? emptyLog<E>();
    const fresh: E[] = [];
    // From zero, fold on a private copy (no proxies); on top of a shared state, one produce.
    const fold = base === undefined ? folder(decider) : undefined;
    let version = base?.version ?? NO_STREAM_VERSION;
    for await (const raw of events) {
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

  const snapshotBase = (snapshot: UsableSnapshot<S>): Entry<E, S> => ({
    state: snapshot.state,
    version: snapshot.version,
    handled: { byCommand: new Map(), upTo: snapshot.version },
    earlier: new Set(snapshot.commandIds),
  });

  /**
   * Bring an entry up to date with the store; without one, start from a
   * snapshot that checks out, else from the first event. A snapshot that does
   * not is reported and the stream folded from the start: it is a cache, and
   * a bad cache must cost time, never correctness.
   */
  const catchUp = async (streamId: string, entry?: Entry<E, S>): Promise<E.Either<ValidationError, Entry<E, S>>> => {
    const policy = options.snapshots;
    if (entry === undefined && policy !== undefined) {
      const snapshot = await loadUsableSnapshot(policy, streamId);
      if (snapshot !== undefined) {
        // Read from the snapshot's own last event: the stream must hold that very event there.
        const read = store.read(streamId, { from: snapshot.version })[Symbol.asyncIterator]();
        const first = await read.next();
        const reason =
          first.done === true
            ? ('beyond-stream' as const)
            : first.value.streamVersion !== snapshot.version || first.value.eventId !== snapshot.eventId
              ? ('other-event' as const)
              : undefined;
        if (reason === undefined) return foldOnto({ [Symbol.asyncIterator]: () => read }, snapshotBase(snapshot));
        await read.return?.();
        reportSnapshotProblem(policy, {
          streamId,
          action: 'ignored',
          reason,
          version: snapshot.version,
          message:
            reason === 'beyond-stream'
              ? `snapshot of "${streamId}" is at version ${snapshot.version}, beyond the stream's last event`
              : `snapshot of "${streamId}" ends at event ${snapshot.eventId}, the stream holds another at version ${snapshot.version}`,
        });
      }
    }
    return foldOnto(store.read(streamId, { from: (entry?.version ?? NO_STREAM_VERSION) + 1 }), entry);
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
    // Whether `loaded` was read from the store during this call (then it is the current stream).
    let current = cached === undefined;
    for (let conflicts = 0; ;) {
      if (E.isLeft(loaded)) return loaded;
      const entry = loaded.right;
      const previous = entry.handled.byCommand.get(commandId);
      const beforeSnapshot = previous === undefined && entry.earlier?.has(commandId) === true;
      const decided = previous !== undefined || beforeSnapshot ? undefined : decider.decide(command, entry.state);

      if (decided === undefined || E.isLeft(decided) || decided.right.length === 0) {
        // Nothing to append, so no append will tell us the cache was behind: read what came after it.
        // If another process wrote, the command may be its duplicate, or its refusal may no longer hold.
        if (!current) {
          current = true;
          const caught = await catchUp(streamId, entry);
          if (E.isLeft(caught)) return caught;
          if (caught.right.version !== entry.version) {
            remember(streamId, caught.right);
            loaded = caught;
            continue;
          }
        }
        if (decided !== undefined)
          return E.isLeft(decided)
            ? decided
            : E.right({
                streamId,
                events: decided.right,
                state: entry.state,
                version: entry.version,
                duplicate: false,
              });
        let events = previous;
        if (events === undefined) {
          const earlier = await eventsOf(streamId, commandId);
          if (E.isLeft(earlier)) return earlier;
          entry.handled.byCommand.set(commandId, earlier.right);
          events = earlier.right;
        }
        return E.right({ streamId, events, state: entry.state, version: entry.version, duplicate: true });
      }

      const events = decided.right;
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
        await maybeSnapshot(streamId, entry.version, next, batch[batch.length - 1]?.eventId);
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
      if (conflicts >= maxRetries)
        return E.left({
          kind: 'concurrency-exhausted',
          streamId,
          attempts: conflicts + 1,
          message: `stream "${streamId}": gave up after ${conflicts + 1} attempts, other writers kept changing it`,
        });
      // Someone else wrote first: back off a little, then fold in what they wrote. The loop then
      // checks the commandId again: what they wrote may be this very command, handled elsewhere.
      cache.delete(streamId);
      await sleep(Math.floor(random() * Math.min(50, 2 ** conflicts)));
      conflicts++;
      current = true;
      loaded = await catchUp(streamId, entry);
      if (E.isRight(loaded)) remember(streamId, loaded.right);
    }
  };

  /** A snapshot is an optimisation: failing to write one is reported and never fails the command. */
  const maybeSnapshot = async (
    streamId: string,
    before: number,
    after: Entry<E, S>,
    lastEventId: string | undefined,
  ): Promise<void> => {
    const policy = options.snapshots;
    if (policy === undefined || policy.every <= 0 || lastEventId === undefined) return;
    if (Math.floor((after.version + 1) / policy.every) <= Math.floor((before + 1) / policy.every)) return;
    try {
      await policy.store.save(streamId, {
        state: after.state,
        version: after.version,
        schemaVersion: policy.schemaVersion,
        commandIds: [...new Set([...(after.earlier ?? []), ...after.handled.byCommand.keys()])],
        eventId: lastEventId,
      });
    } catch (cause) {
      reportSnapshotProblem(policy, {
        streamId,
        action: 'not-saved',
        reason: 'save-failed',
        version: after.version,
        message: `snapshot of "${streamId}" at version ${after.version} was not saved: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      });
    }
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
