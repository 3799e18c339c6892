import * as E from 'fp-ts/lib/Either.js';
import { freeze, type Draft } from 'immer';
import type { Decider } from './decider.js';
import type { Envelope, NewEvent } from './envelope.js';
import { withValidationCode, type DomainError, type ValidationError } from './errors.js';
import {
  wrongExpectedVersion,
  type AppendError,
  type AppendResult,
  type EventStore,
  type FoldRow,
} from './event-store.js';
import { NO_STREAM_VERSION } from './expected-revision.js';
import { frozenCopy, mutableCopy } from './frozen-copy.js';
import { appendDecidedOf, appendNowOf, eventsReadNow, liveStreamOf, storeBuiltOf } from './in-memory-store.js';
import type { Command, Event } from './message.js';
import { deepCopy, sleep } from './runtime.js';
import {
  COMMAND_WINDOW,
  loadUsableSnapshot,
  reportSnapshotProblem,
  type SnapshotPolicy,
  type UsableSnapshot,
} from './snapshot.js';
import { acceptsUnchangedOf, decodesFoldRows, type EnvelopeDecoder } from './upcast.js';
import { uuidV7 } from './uuid-v7.js';

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
 *
 * With `expectedVersion` (an HTTP If-Match), the command is decided on the
 * stream at that version only: the check is the append's own expected
 * version, so it holds across processes. A stream another writer moved is a
 * `wrong-expected-version` error, never a retry on the newer state; a
 * command handled before (same commandId) is still answered as a duplicate.
 */

/**
 * What `handle` returns: the outcome, never the state. The handler folds each
 * cached stream into a private state that it mutates in place (no copy per
 * command); handing that object out would let callers see it change under
 * them, or change it. Read the state with `load(streamId)`, which gives a
 * frozen copy made once per version.
 */
export type Handled<E extends Event> = Readonly<{
  streamId: string;
  /** Events this command produced (on a duplicate: the ones it produced the first time). Frozen copies. */
  events: readonly E[];
  /** Version of the stream's last event after handling, -1 when it is still empty. */
  version: number;
  /** True when the commandId was handled before and nothing was appended now. */
  duplicate: boolean;
  append?: AppendResult;
}>;

export type ConcurrencyExhausted = Readonly<{
  kind: 'concurrency-exhausted';
  code: 'concurrency-exhausted';
  streamId: string;
  attempts: number;
  message: string;
}>;

/** Per-call options of `handle`. */
export type HandleOptions = Readonly<{
  /**
   * Decide only if the stream is at this version now (-1: still empty), as
   * the caller read it. Otherwise `handle` returns a `wrong-expected-version`
   * error with `expected` and `actual`, and nothing is appended.
   */
  expectedVersion?: number;
}>;

/**
 * A store's refusal of the append, with `code` (its `kind`) like every other
 * handler error. `wrong-expected-version` only comes back when the caller
 * gave `expectedVersion` (otherwise a conflict is retried).
 */
export type HandlerAppendError = AppendError & Readonly<{ code: AppendError['kind'] }>;

/**
 * Every error value the handler returns has a `code`: a domain code
 * (`order-locked`), `invalid-command` / `invalid-event` for input that does
 * not match its codec, a store's refusal (`idempotency-conflict`,
 * `invalid-append`), `wrong-expected-version` (a stale `expectedVersion`) or
 * `concurrency-exhausted`. An `expectedVersion` that is no version is `invalid-input`. (`ValidationError` declares
 * `code` optional because bare decoders may leave it out; the handler always sets it.)
 */
export type HandlerError = DomainError | ValidationError | HandlerAppendError | ConcurrencyExhausted;

export type CommandHandlerOptions<C extends Command, E extends Event, S> = Readonly<{
  store: EventStore;
  decider: Decider<C, E, S>;
  /** Decodes (and upcasts) events read back from the store. */
  decodeEnvelope: EnvelopeDecoder<E>;
  /**
   * Decodes commands. When given, `handle` decodes whatever it is handed
   * first, so nothing undecoded reaches `decide`: a bad field (a float
   * amount) is an `invalid-command` error naming the field, and nothing is written.
   */
  decodeCommand?: (input: unknown) => E.Either<ValidationError, C>;
  /** Schema version written with each event type (default 1). */
  schemaVersions?: Readonly<Record<string, number>>;
  /** Retries after a version conflict (default 10). */
  maxRetries?: number;
  /** Streams whose folded state stays in memory (LRU, default 10,000; 0 turns the cache off). */
  cacheSize?: number;
  /**
   * A bound on the cache in bytes, as well as `cacheSize` in streams: the
   * least recently used streams are forgotten while the cached streams'
   * estimated size is above it (the newest one always stays). The estimate
   * (`estimateBytes`) is made when a stream is loaded and grown by each event
   * folded and each command recorded since. Unbounded when absent.
   */
  cacheBytes?: number;
  snapshots?: SnapshotPolicy<S>;
  newEventId?: () => string;
  /** Source of jitter for retry backoff (default Math.random). */
  random?: () => number;
}>;

export type CommandHandler<C extends Command, E extends Event, S> = Readonly<{
  /** With `decodeCommand`, `command` may be raw input (a parsed request body): it is decoded first. */
  handle: (streamId: string, command: C, options?: HandleOptions) => Promise<E.Either<HandlerError, Handled<E>>>;
  /** Current state (a frozen copy, made once per version) and version of a stream, from the cache or the store. */
  load: (streamId: string) => Promise<E.Either<ValidationError, Readonly<{ state: S; version: number }>>>;
  /** Forget cached state (all streams, or one). */
  evict: (streamId?: string) => void;
}>;

/**
 * commandId -> the version of the first event it appended, and the stream
 * version recorded up to. A command's events are one batch, so they are the
 * events from that version on with its commandId as `causationId`: a
 * duplicate reads them back from the store (a rare path) instead of the cache
 * keeping every event alive.
 */
type CommandLog = {
  byCommand: Map<string, number>;
  upTo: number;
  /**
   * Causations of events folded from the store whose commands are not in
   * `byCommand` yet, with the events' versions. A fold only pushes onto these;
   * the map is built when a command first asks (`commandsOf`), so `load()` on a
   * cache miss does not pay for an index that only `handle` reads.
   */
  unindexed?: { causes: string[]; versions: number[] } | undefined;
  /**
   * Folded from an in-memory store's own array of a stream: the events at
   * versions `from` to `to` of `stream`, not indexed yet. Kept as a range (the
   * array holds each event's causationId already), indexed after `unindexed`.
   */
  live?: { stream: readonly Envelope[]; from: number; to: number } | undefined;
};

/** An `expectedVersion` that cannot be a stream version: refused before anything is read. */
const badExpectedVersion = (streamId: string, value: unknown): ValidationError => ({
  kind: 'validation',
  code: 'invalid-input',
  message: `stream "${streamId}": expectedVersion must be an integer >= -1, got ${String(value)}`,
  issues: [{ path: 'expectedVersion', rule: 'integer >= -1', value }],
});

const emptyLog = (): CommandLog => ({ byCommand: new Map(), upTo: NO_STREAM_VERSION });

/** The log's commandId -> first version map, with what the folds left unindexed added first (in stream order). */
const commandsOf = (log: CommandLog): Map<string, number> => {
  const pending = log.unindexed;
  if (pending !== undefined) {
    log.unindexed = undefined;
    const { causes, versions } = pending;
    for (let i = 0; i < causes.length; i++) {
      const cause = causes[i] as string;
      if (!log.byCommand.has(cause)) log.byCommand.set(cause, versions[i] as number);
    }
  }
  const live = log.live;
  if (live !== undefined) {
    log.live = undefined;
    const { stream, from, to } = live;
    for (let version = from; version <= to; version++) {
      const cause = (stream[version] as Envelope).causationId;
      if (cause !== undefined && !log.byCommand.has(cause)) log.byCommand.set(cause, version);
    }
  }
  return log.byCommand;
};

/**
 * The commands a snapshot at `version` lists: those whose first event is
 * within its last `window` events (`from` = `version + 1 - window`, or 0),
 * from the entry's log. Where that reaches below the snapshot the entry was
 * loaded from, the latter's list (which has no versions) is kept whole while
 * the two span at most 2 x `window` events, else dropped (`from` is then the
 * first event after it): the list stays bounded and complete from `from`.
 */
const recentCommandsOf = <S>(
  entry: Entry<S>,
  version: number,
  window: number | undefined,
): Readonly<{ from: number; commandIds: string[] }> => {
  const size = window !== undefined && window >= 0 ? window : COMMAND_WINDOW;
  const earlier = entry.earlier;
  const base = earlier?.version ?? NO_STREAM_VERSION;
  const target = Math.max(0, version + 1 - size);
  const keepEarlier = target <= base && earlier !== undefined && version + 1 - earlier.from <= 2 * size;
  const from = target > base ? target : keepEarlier ? earlier.from : base + 1;
  const ids = new Set<string>(keepEarlier ? earlier.ids : []);
  // The log also holds older commands found again as duplicates: only its own events' count.
  const least = Math.max(from, base + 1);
  for (const [commandId, first] of commandsOf(entry.handled)) if (first >= least) ids.add(commandId);
  return { from, commandIds: [...ids] };
};

/** The store handed back a stream with a gap (or out of order): nothing is folded past it. */
const outOfStep = (streamId: string, folded: number, read: number): ValidationError => ({
  kind: 'validation',
  code: 'invalid-event',
  message: `stream "${streamId}": read the event at version ${read} after version ${folded}`,
  issues: [{ path: 'streamVersion', rule: `must be ${folded + 1}`, value: read }],
});

/**
 * One cached stream. `state` is private to the handler: a plain mutable copy
 * that only `evolve` touches, in place, as events are confirmed by the store.
 * It is never handed out; `load` and snapshots get a frozen copy (`view`).
 */
type Entry<S> = {
  state: S;
  /** Version of the last event folded into `state`. Only moves forward. */
  version: number;
  /** Where each command's events start, for idempotent re-delivery. */
  handled: CommandLog;
  /**
   * Commands handled at or before the snapshot this entry was loaded from.
   * Their events are read back only if one of them is delivered again.
   */
  earlier?: Earlier;
  /** A frozen copy of `state` at `view.version`, made when first asked for. */
  view?: Readonly<{ state: S; version: number }>;
  /** Estimated heap of this entry, kept only under a `cacheBytes` bound. */
  bytes: number;
};

/**
 * What an entry loaded from a snapshot knows of the commands at or before it.
 * The snapshot lists those whose first event is at `from` or later (all of
 * them when `from` is 0). Those of the events below `from` are looked up in
 * the store when a command the list lacks first arrives (`handledBefore`),
 * once per entry: `load` costs the same however long the stream is.
 */
type Earlier = {
  /** The snapshot's version: the entry's command log holds the events after it. */
  version: number;
  from: number;
  ids: readonly string[];
  /** `ids` as a set, made when a command first asks (a `load` alone never does). */
  set?: ReadonlySet<string> | undefined;
  /** The commands of the events below `from`, once looked up; a promise while they are read. */
  older?: Older | Promise<Older> | undefined;
};

/**
 * The causationIds of a stream's events below a version: an in-memory
 * store's own array of them, or what the store's `causationIds` (or a read)
 * gave, entry `i` for version `i`. A command is first looked for by a plain
 * scan (no index for a stream that takes one command before it is evicted
 * again); after `OLDER_SCANS` scans, a commandId -> first version index.
 */
type Older = {
  below: number;
  live?: readonly Envelope[] | undefined;
  causes?: readonly (string | undefined)[] | undefined;
  scans: number;
  index?: Map<string, number> | undefined;
};

/** Scans of the older commands before they are indexed: a scan costs a tenth or so of building the index. */
const OLDER_SCANS = 4;

/** What one recorded commandId costs the cache, about: its Map entry and its string. */
const COMMAND_BYTES = 96;

export const createCommandHandler = <C extends Command, E extends Event, S>(
  options: CommandHandlerOptions<C, E, S>,
): CommandHandler<C, E, S> => {
  const { store, decider, decodeEnvelope } = options;
  const maxRetries = options.maxRetries ?? 10;
  const cacheSize = options.cacheSize ?? 10_000;
  // uuid v7 like `newId`, from a larger random pool: ids are a tenth of a command's cost with `newId`.
  const eventId = options.newEventId ?? uuidV7;
  const random = options.random ?? Math.random;
  const schemaVersions = options.schemaVersions ?? {};
  const cache = new Map<string, Entry<S>>();
  const byteBound = options.cacheBytes;
  /** Sum of the cached entries' `bytes` (kept only under a byte bound). */
  let cachedBytes = 0;

  /** Drop one stream from the cache. */
  const forget = (streamId: string): void => {
    const entry = cache.get(streamId);
    if (entry === undefined) return;
    cache.delete(streamId);
    cachedBytes -= entry.bytes;
  };

  /** An entry grew by `bytes` (events folded, a command recorded). */
  const grow = (streamId: string, entry: Entry<S>, bytes: number): void => {
    entry.bytes += bytes;
    if (cache.get(streamId) === entry) cachedBytes += bytes;
  };

  const evictOldest = (): void => {
    const oldest = cache.keys().next();
    if (oldest.done !== true) forget(oldest.value);
  };

  /** The stream last moved to the LRU end: a stream's next command usually follows its last one. */
  let newestId: string | undefined;

  const remember = (streamId: string, entry: Entry<S>): void => {
    if (cacheSize <= 0) return;
    // Already the most recent entry: the Map keeps it last without a delete and a set.
    if (!(streamId === newestId && cache.get(streamId) === entry)) {
      forget(streamId);
      cache.set(streamId, entry);
      cachedBytes += entry.bytes;
      newestId = streamId;
      if (cache.size > cacheSize) evictOldest();
    }
    if (byteBound !== undefined) while (cachedBytes > byteBound && cache.size > 1) evictOldest();
  };

  /** The entry's state as callers may see it: a frozen copy, made once per version. */
  const viewOf = (entry: Entry<S>): Readonly<{ state: S; version: number }> => {
    if (entry.view?.version !== entry.version)
      entry.view = { state: freeze(deepCopy(entry.state), true), version: entry.version };
    return entry.view;
  };

  /**
   * Fold one stored event into the private state, in place. Events at or below
   * the entry's version were folded already (by a concurrent catch-up or
   * append of this handler) and are skipped, so no event is applied twice.
   *
   * An `evolve` that throws leaves the state half-changed. That happens with a
   * correct evolve too when `decide` froze parts of the state it was given (an
   * immer `produce` on it auto-freezes what it shares), so the entry is marked
   * spoilt (version NaN), dropped from the cache, and the caller folds the
   * stream again from the store. A genuinely broken evolve throws again there.
   * Later decisions run on a copy (`decideOnCopy`).
   */
  const fold = (streamId: string, entry: Entry<S>, event: E, version: number): boolean => {
    if (version <= entry.version) return true;
    if (version !== entry.version + 1) return false;
    try {
      decider.evolve(entry.state as Draft<S>, event);
    } catch (thrown) {
      entry.version = Number.NaN;
      decideOnCopy = true;
      if (cache.get(streamId) === entry) forget(streamId);
      throw thrown;
    }
    entry.version = version;
    return true;
  };

  const spoilt = (entry: Entry<S>): boolean => Number.isNaN(entry.version);

  /**
   * Set once an evolve failed on the private state. The usual cause is a
   * `decide` that freezes what it is given (an immer `produce` on it): from
   * then on `decide` gets a copy, which costs one `structuredClone` per command
   * instead of folding the stream again from the store after each one.
   */
  let decideOnCopy = false;

  /** Decode one stored event and fold it into `entry`; a Left stops the fold. */
  const foldStored = (streamId: string, raw: FoldRow, entry: Entry<S>): ValidationError | undefined => {
    // A fold row only comes from `foldRead`, that is to a decoder that reads no more of it (`decodesFoldRows`).
    const decoded = decodeEnvelope(raw as Envelope);
    if (E.isLeft(decoded)) return withValidationCode(decoded.left, 'invalid-event');
    const { event, causationId, streamVersion } = decoded.right;
    const before = entry.version;
    if (!fold(streamId, entry, event, streamVersion)) return outOfStep(streamId, entry.version, streamVersion);
    if (byteBound !== undefined && entry.version !== before)
      grow(streamId, entry, sized(event) + (causationId === undefined ? 0 : COMMAND_BYTES));
    const handled = entry.handled;
    // Pushes come before a live range in stream order: index the range first (a rare mix).
    if (handled.live !== undefined) commandsOf(handled);
    if (causationId !== undefined && streamVersion > handled.upTo) {
      const pending = (handled.unindexed ??= { causes: [], versions: [] });
      pending.causes.push(causationId);
      pending.versions.push(streamVersion);
    }
    if (streamVersion > handled.upTo) handled.upTo = streamVersion;
    return undefined;
  };

  /** The store's read of only what a fold needs, where it has one and the decoder reads no more (else `read`). */
  const foldRead = decodesFoldRows(decodeEnvelope) ? store.readForFold?.bind(store) : undefined;

  /** The in-memory store's own array of a stream (undefined for any other store, or a streamId it refuses). */
  const liveStream = liveStreamOf(store);
  /** How many leading events of such an array the store built itself (own keys all enumerable: a cheaper decode test). */
  const storeBuilt = storeBuiltOf(store);

  /**
   * How many leading events of an in-memory stream's array this handler's
   * decoder has handed back unchanged. Those envelopes are frozen all the way
   * down and the array only grows, so they decode the same again: a later
   * fold of them (a cache miss after an eviction) skips the decode. One entry
   * per stream array, gone with the store.
   */
  const decodedUpTo = new WeakMap<readonly Envelope[], number>();
  /** The decoder's test for a row it hands back unchanged (`createEnvelopeDecoder`'s), else undefined. */
  const accepts = acceptsUnchangedOf(decodeEnvelope);

  /**
   * `foldStored` over an in-memory stream's own array, from `entry.version + 1`
   * to its end, in one loop: no read, no promise, no decode of an event the
   * decoder accepted unchanged before, and the commandIds indexed later from
   * the array itself. A Left stops the fold.
   */
  const foldLive = (streamId: string, stream: readonly Envelope[], entry: Entry<S>): ValidationError | undefined => {
    const from = entry.version + 1;
    const end = stream.length;
    const known = decodedUpTo.get(stream) ?? 0;
    const built = storeBuilt?.(stream) ?? 0;
    // Events below `valid` decode to themselves; it grows only over events decoded in this fold, in order.
    let valid = known;
    let problem: ValidationError | undefined;
    let version = from;
    for (; version < end; version++) {
      const raw = stream[version] as Envelope;
      let event: E;
      if (version < valid) event = raw.event as E;
      else if (accepts !== undefined && accepts(raw, version < built)) {
        // What the decoder would hand back unchanged, without the `Either` (the usual row).
        if (raw.streamVersion !== version) {
          problem = outOfStep(streamId, entry.version, raw.streamVersion);
          break;
        }
        if (version === valid) valid++;
        event = raw.event as E;
      } else {
        const decoded = decodeEnvelope(raw);
        if (E.isLeft(decoded)) {
          problem = withValidationCode(decoded.left, 'invalid-event');
          break;
        }
        if (decoded.right === raw && version === valid) valid++;
        if (decoded.right.streamVersion !== version) {
          problem = outOfStep(streamId, entry.version, decoded.right.streamVersion);
          break;
        }
        event = decoded.right.event;
      }
      if (!fold(streamId, entry, event, version)) {
        problem = outOfStep(streamId, entry.version, version);
        break;
      }
      if (byteBound !== undefined)
        grow(streamId, entry, sized(event) + (raw.causationId === undefined ? 0 : COMMAND_BYTES));
    }
    if (valid > known) decodedUpTo.set(stream, valid);
    // The commandIds of what was folded: a range of the array, indexed when a command first asks.
    const handled = entry.handled;
    const last = version - 1;
    if (last > handled.upTo) {
      const first = handled.upTo + 1;
      const range = handled.live;
      if (range !== undefined && range.stream === stream && range.to + 1 === first) range.to = last;
      else {
        if (range !== undefined) commandsOf(handled);
        handled.live = { stream, from: first, to: last };
      }
      handled.upTo = last;
    }
    return problem;
  };

  /** Fold the events after `entry.version` into `entry`, in place; `fresh`: nothing was folded into it before. */
  const foldOnto = async (
    streamId: string,
    events: AsyncIterable<Envelope> | Readonly<{ batches: AsyncIterable<readonly FoldRow[]> }>,
    entry: Entry<S>,
    fresh: boolean,
  ): Promise<E.Either<ValidationError, Entry<S>>> => {
    /** Fold rows in order; the first Left stops it. */
    const foldAll = (rows: Iterable<FoldRow>): ValidationError | undefined => {
      for (const raw of rows) {
        const problem = foldStored(streamId, raw, entry);
        if (problem !== undefined) return problem;
      }
      return undefined;
    };
    try {
      let problem: ValidationError | undefined;
      // `readForFold` hands its rows over one promise per batch; the in-memory store, with no promise at all.
      if ('batches' in events) {
        for await (const batch of events.batches) if ((problem = foldAll(batch)) !== undefined) break;
      } else {
        const now = eventsReadNow(events);
        if (now !== undefined) problem = foldAll(now);
        else for await (const raw of events) if ((problem = foldStored(streamId, raw, entry)) !== undefined) break;
      }
      if (problem !== undefined) return E.left(problem);
    } catch (thrown) {
      // Only a spoilt entry is folded again, from the store; any other error, or a fold from zero, is the caller's.
      if (fresh || !spoilt(entry)) throw thrown;
      return catchUp(streamId);
    }
    return E.right(entry);
  };

  const freshEntry = (): Entry<S> => {
    const state = mutableCopy(decider.initialState);
    return { state, version: NO_STREAM_VERSION, handled: emptyLog(), bytes: sized(state) };
  };

  /** The estimate of a value, or 0 without a byte bound (nothing is walked then). */
  const sized = (value: unknown): number => (byteBound === undefined ? 0 : estimateBytes(value));

  const snapshotBase = (snapshot: UsableSnapshot<S>): Entry<S> => {
    // The snapshot store may share its object: the private state is a copy.
    const state = deepCopy(snapshot.state);
    const { version, commandsFrom: from, commandIds: ids } = snapshot;
    return {
      state,
      version,
      handled: { byCommand: new Map(), upTo: version },
      earlier: { version, from, ids },
      bytes: byteBound === undefined ? 0 : sized(state) + COMMAND_BYTES * ids.length,
    };
  };

  /**
   * Whether `commandId` was handled at or before the snapshot the entry was
   * loaded from: a version at or before its first event (its events are read
   * back from there), else undefined. A promise only while the commands of
   * the events below the snapshot's list are looked up, the first time a
   * command the list lacks arrives; after that the answer is at hand.
   */
  const handledBefore = (
    streamId: string,
    entry: Entry<S>,
    commandId: string,
  ): number | undefined | Promise<number | undefined> => {
    const earlier = entry.earlier;
    if (earlier === undefined) return undefined;
    if ((earlier.set ??= new Set(earlier.ids)).has(commandId)) return earlier.from;
    if (earlier.from === 0) return undefined;
    const older = (earlier.older ??= olderCommands(streamId, earlier));
    return older instanceof Promise
      ? older.then((found) => olderVersionOf(streamId, entry, found, commandId))
      : olderVersionOf(streamId, entry, older, commandId);
  };

  /** The version of `commandId`'s first event among the older commands, or undefined. */
  const olderVersionOf = (streamId: string, entry: Entry<S>, older: Older, commandId: string): number | undefined => {
    if (older.index === undefined && older.scans < OLDER_SCANS) {
      older.scans++;
      const { below, live, causes } = older;
      if (live !== undefined) {
        for (let version = 0; version < below; version++)
          if ((live[version] as Envelope).causationId === commandId) return version;
      } else if (causes !== undefined) {
        const version = causes.indexOf(commandId);
        if (version >= 0) return version;
      }
      return undefined;
    }
    if (older.index === undefined) {
      const index = new Map<string, number>();
      // From the end down, so a command's first version is the one left (no `has` per event).
      for (let version = older.below - 1; version >= 0; version--) {
        const cause =
          older.live !== undefined ? (older.live[version] as Envelope).causationId : older.causes?.[version];
        if (cause !== undefined) index.set(cause, version);
      }
      older.index = index;
      older.live = undefined;
      older.causes = undefined;
      if (byteBound !== undefined) grow(streamId, entry, COMMAND_BYTES * index.size);
    }
    return older.index.get(commandId);
  };

  /**
   * The causationIds of a stream's events below `earlier.from`: an in-memory
   * store's own array, at once; else the store's `causationIds` (one column),
   * else a read of those events. Kept in `earlier`; a failed look-up is not
   * kept, so the next command tries again.
   */
  const olderCommands = (streamId: string, earlier: Earlier): Older | Promise<Older> => {
    const below = earlier.from;
    const stream = liveStream?.(streamId);
    if (stream !== undefined)
      return (earlier.older = { below: Math.min(below, stream.length), live: stream, scans: 0 });
    const reading: Promise<Older> = readOlderCauses(streamId, below).then(
      (causes) => (earlier.older = { below: causes.length, causes, scans: 0 }),
      (thrown: unknown) => {
        if (earlier.older === reading) earlier.older = undefined;
        throw thrown;
      },
    );
    return reading;
  };

  const readOlderCauses = async (streamId: string, below: number): Promise<readonly (string | undefined)[]> => {
    const listed = await store.causationIds?.(streamId, below);
    if (listed !== undefined) return listed.length > below ? listed.slice(0, below) : listed;
    const causes: (string | undefined)[] = [];
    for await (const raw of store.read(streamId, { limit: below })) {
      // Entry `i` must be version `i`: a gap would hide the commands after it.
      if (raw.streamVersion !== causes.length)
        throw new Error(`stream "${streamId}": read the event at version ${raw.streamVersion} at ${causes.length}`);
      causes.push(raw.causationId);
    }
    return causes;
  };

  /**
   * Bring an entry up to date with the store, in place; without one, start from
   * a snapshot that checks out, else from the first event. A snapshot that does
   * not is reported and the stream folded from the start: it is a cache, and
   * a bad cache must cost time, never correctness.
   */
  const catchUp = async (streamId: string, entry?: Entry<S>): Promise<E.Either<ValidationError, Entry<S>>> => {
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
        if (reason === undefined)
          return foldOnto(streamId, { [Symbol.asyncIterator]: () => read }, snapshotBase(snapshot), true);
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
    const usable = entry !== undefined && !spoilt(entry) ? entry : undefined;
    const base = usable ?? freshEntry();
    const stream = liveStream?.(streamId);
    if (stream !== undefined) {
      try {
        const problem = foldLive(streamId, stream, base);
        return problem === undefined ? E.right(base) : E.left(problem);
      } catch (thrown) {
        // As in `foldOnto`: only a spoilt cached entry is folded again, from the store.
        if (usable === undefined || !spoilt(base)) throw thrown;
        return catchUp(streamId);
      }
    }
    const from = base.version + 1;
    return foldOnto(
      streamId,
      foldRead === undefined ? store.read(streamId, { from }) : { batches: foldRead(streamId, from) },
      base,
      usable === undefined,
    );
  };

  /**
   * A cache miss folded now, with no promise: an in-memory store without
   * snapshots. Undefined where `catchUp` must do it (another store, a
   * snapshot policy, a streamId the store refuses). Throws what `evolve` threw.
   */
  const loadNow = (streamId: string): E.Either<ValidationError, Entry<S>> | undefined => {
    if (options.snapshots !== undefined) return undefined;
    const stream = liveStream?.(streamId);
    if (stream === undefined) return undefined;
    const base = freshEntry();
    const problem = foldLive(streamId, stream, base);
    return problem === undefined ? E.right(base) : E.left(problem);
  };

  /**
   * The events a command appended (those with its commandId as causationId),
   * read back from the store from `from`, the version of its first event or
   * one before it (for a command listed by the snapshot the entry was loaded
   * from), else from the start. A command's events are one batch: the read
   * stops after it. Also the version of the first one.
   */
  const eventsOf = async (
    streamId: string,
    commandId: string,
    from: number | undefined,
  ): Promise<E.Either<ValidationError, Readonly<{ events: E[]; first: number }>>> => {
    const events: E[] = [];
    let first = NO_STREAM_VERSION;
    for await (const raw of store.read(streamId, from === undefined ? {} : { from })) {
      if (raw.causationId !== commandId) {
        if (events.length > 0) break;
        continue;
      }
      const decoded = decodeEnvelope(raw);
      if (E.isLeft(decoded)) return E.left(withValidationCode(decoded.left, 'invalid-event'));
      if (events.length === 0) first = decoded.right.streamVersion;
      events.push(decoded.right.event);
    }
    return E.right({ events, first });
  };

  const entryFor = async (streamId: string): Promise<E.Either<ValidationError, Entry<S>>> => {
    const cached = cache.get(streamId);
    if (cached !== undefined) return E.right(cached);
    const loaded = await catchUp(streamId);
    if (E.isRight(loaded)) remember(streamId, loaded.right);
    return loaded;
  };

  /**
   * The events to append for a decision: each copied and frozen (the decider
   * may have put parts of its state into the payloads, and no event may alias
   * the private state that the next evolve mutates, nor be rewritten once
   * recorded), with the command's metadata.
   */
  const toAppend = (command: C, decidedEvents: readonly E[]): readonly [E[], NewEvent[]] => {
    const { commandId, actor, at, correlationId } = command.metadata;
    const events: E[] = new Array<E>(decidedEvents.length);
    const batch: NewEvent[] = new Array<NewEvent>(decidedEvents.length);
    for (let i = 0; i < decidedEvents.length; i++) {
      const event = frozenCopy(decidedEvents[i] as E);
      events[i] = event;
      batch[i] = {
        event,
        eventId: eventId(),
        occurredAt: at,
        actor,
        causationId: commandId,
        correlationId: correlationId ?? commandId,
        schemaVersion: schemaVersions[event.type] ?? 1,
      };
    }
    return [events, batch];
  };

  /**
   * After the store accepted `events` at `result`: fold them into the entry,
   * record the command. Returns what is left to await (a fold from the store
   * after an `evolve` threw, a snapshot), or undefined when nothing is.
   */
  const settle = (
    streamId: string,
    entry: Entry<S>,
    commandId: string,
    events: readonly E[],
    lastEventId: string | undefined,
    seen: number,
    result: AppendResult,
  ): Promise<void> | undefined => {
    const version = result.nextExpectedVersion;
    const first = version - events.length + 1;
    let inStep = true;
    let refold = false;
    try {
      for (let i = 0; i < events.length && inStep; i++) inStep = fold(streamId, entry, events[i] as E, first + i);
    } catch (thrown) {
      if (!spoilt(entry)) throw thrown;
      // The events are stored: the command succeeded. The state is rebuilt from the store.
      inStep = false;
      refold = true;
    }
    commandsOf(entry.handled).set(commandId, first);
    if (version > entry.handled.upTo) entry.handled.upTo = version;
    if (byteBound !== undefined) {
      let bytes = COMMAND_BYTES;
      for (const event of events) bytes += sized(event);
      grow(streamId, entry, bytes);
    }
    // Out of step only if this handler's view of the stream is wrong: forget it, the next call refolds.
    if (inStep) remember(streamId, entry);
    else if (cache.get(streamId) === entry) forget(streamId);
    if (refold)
      return catchUp(streamId).then((again) => {
        if (E.isRight(again)) remember(streamId, again.right);
      });
    if (options.snapshots !== undefined && inStep && entry.version === version)
      return maybeSnapshot(options.snapshots, streamId, seen, entry, lastEventId);
    return undefined;
  };

  /** The in-memory store's append as a plain call: a command on a cached stream then never waits for a microtask. */
  const appendNow = appendNowOf(store);
  /** The in-memory store's append of decided events, with no `NewEvent` built per event (`appendDecidedOf`). */
  const appendDecided = appendDecidedOf(store) as
    | ((
        ...args: [string, readonly E[], C['metadata'], () => string, (type: string) => number, number, E[]]
      ) => AppendResult | undefined)
    | undefined;
  const schemaVersionOf = (type: string): number => schemaVersions[type] ?? 1;

  /** A decision made on the fast path and handed to the full one, so `decide` runs once per attempt. */
  type Decided = Readonly<{ entry: Entry<S>; version: number; decided: E.Either<DomainError, readonly E[]> }>;

  /**
   * The common case without a single `await`: a cached stream, an in-memory
   * store, no `expectedVersion`, a new commandId and a decision with events.
   * The same checks in the same order as `handleFully`, which takes every
   * other case (and this one, when the append conflicts) from the start.
   */
  const handle = (
    streamId: string,
    command: C,
    handleOptions?: HandleOptions,
  ): Promise<E.Either<HandlerError, Handled<E>>> => {
    const append = appendNow;
    if (append === undefined || handleOptions !== undefined) return handleFully(streamId, command, handleOptions);
    let entry = cache.get(streamId);
    if (entry === undefined) {
      // A cache miss on the in-memory store: fold the stream now, as `handleFully` would, without a promise.
      let loaded: E.Either<ValidationError, Entry<S>> | undefined;
      try {
        loaded = loadNow(streamId);
      } catch (thrown) {
        // Rejects with what was thrown, as an async function would.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(thrown);
      }
      if (loaded === undefined) return handleFully(streamId, command, handleOptions);
      if (E.isLeft(loaded)) return Promise.resolve(loaded);
      entry = loaded.right;
      remember(streamId, entry);
    }
    if (spoilt(entry)) return handleFully(streamId, command, handleOptions);
    const commandId = command.metadata.commandId;
    if (commandsOf(entry.handled).has(commandId) || handledBefore(streamId, entry, commandId) !== undefined)
      return handleFully(streamId, command, handleOptions);
    const seen = entry.version;
    const decided = decider.decide(command, decideOnCopy ? deepCopy(entry.state) : entry.state);
    // A refusal or an empty decision is confirmed on the current stream first: that takes a read.
    if (E.isLeft(decided) || decided.right.length === 0)
      return handleFully(streamId, command, handleOptions, { entry, version: seen, decided });
    // The in-memory store appends the decided events as they are (copying and checking them in one walk);
    // where it cannot say yes at once it appends nothing, and the usual append below answers.
    let events: E[] = new Array<E>(decided.right.length);
    let lastEventId: string | undefined;
    let result: AppendResult | undefined;
    try {
      result = appendDecided?.(streamId, decided.right, command.metadata, eventId, schemaVersionOf, seen, events);
    } catch (thrown) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(thrown);
    }
    if (result !== undefined) {
      if (options.snapshots !== undefined) lastEventId = liveStream?.(streamId)?.[result.nextExpectedVersion]?.eventId;
    } else {
      const [copies, batch] = toAppend(command, decided.right);
      events = copies;
      lastEventId = batch[batch.length - 1]?.eventId;
      let appended: E.Either<AppendError, AppendResult>;
      try {
        appended = append(streamId, batch, seen === NO_STREAM_VERSION ? 'no-stream' : seen);
      } catch (thrown) {
        // Rejects with what was thrown, as an async function would.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(thrown);
      }
      if (E.isLeft(appended))
        return appended.left.kind === 'wrong-expected-version'
          ? // Another handler on this store wrote first: nothing was appended, the full path catches up and retries.
            handleFully(streamId, command, handleOptions)
          : Promise.resolve(E.left({ ...appended.left, code: appended.left.kind }));
      result = appended.right;
    }
    const handled: E.Either<HandlerError, Handled<E>> = E.right({
      streamId,
      events,
      version: result.nextExpectedVersion,
      duplicate: false,
      append: result,
    });
    let pending: Promise<void> | undefined;
    try {
      pending = settle(streamId, entry, commandId, events, lastEventId, seen, result);
    } catch (thrown) {
      // Rejects with what was thrown, as an async function would.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(thrown);
    }
    return pending === undefined ? Promise.resolve(handled) : pending.then(() => handled);
  };

  const handleFully = async (
    streamId: string,
    command: C,
    handleOptions?: HandleOptions,
    early?: Decided,
  ): Promise<E.Either<HandlerError, Handled<E>>> => {
    const { commandId } = command.metadata;
    // Read once; without options the hot path pays one undefined check per attempt.
    const expected = handleOptions?.expectedVersion;
    if (expected !== undefined && !(Number.isSafeInteger(expected) && expected >= NO_STREAM_VERSION))
      return E.left(badExpectedVersion(streamId, expected));
    // A cache hit must not cost a trip through the microtask queue.
    const cached = cache.get(streamId);
    let loaded = cached !== undefined ? E.right(cached) : await entryFor(streamId);
    // Whether `loaded` was read from the store during this call (then it is the current stream).
    let current = cached === undefined;
    for (let conflicts = 0; ;) {
      if (E.isLeft(loaded)) return loaded;
      const entry = loaded.right;
      if (spoilt(entry)) {
        // Another call of this handler spoilt it while this one waited: fold the stream again.
        loaded = await catchUp(streamId);
        if (E.isRight(loaded)) remember(streamId, loaded.right);
        current = true;
        continue;
      }
      // The version decided on: the entry may move on while this call awaits.
      const seen = entry.version;
      const previous = commandsOf(entry.handled).get(commandId);
      const before = previous === undefined ? handledBefore(streamId, entry, commandId) : undefined;
      if (before instanceof Promise) {
        // The first command the snapshot's list lacks: the older commands are looked up once, then this starts over.
        await before;
        continue;
      }
      const beforeSnapshot = before !== undefined;
      if (expected !== undefined && seen !== expected && previous === undefined && !beforeSnapshot) {
        // The cache may be behind the version the caller read: only the current stream can refuse.
        if (!current) {
          current = true;
          loaded = await catchUp(streamId, entry);
          if (E.isRight(loaded)) remember(streamId, loaded.right);
          continue;
        }
        return E.left({ ...wrongExpectedVersion(streamId, expected, seen), code: 'wrong-expected-version' });
      }
      const decided =
        previous !== undefined || beforeSnapshot
          ? undefined
          : early !== undefined && early.entry === entry && early.version === seen
            ? early.decided
            : decider.decide(command, decideOnCopy ? deepCopy(entry.state) : entry.state);

      if (decided === undefined || E.isLeft(decided) || decided.right.length === 0) {
        // Nothing to append, so no append will tell us the cache was behind: read what came after it.
        // If another process wrote, the command may be its duplicate, or its refusal may no longer hold.
        if (!current) {
          current = true;
          const caught = await catchUp(streamId, entry);
          if (E.isLeft(caught)) return caught;
          if (entry.version !== seen) {
            remember(streamId, entry);
            continue;
          }
        }
        if (decided !== undefined)
          return E.isLeft(decided)
            ? decided
            : E.right({ streamId, events: decided.right, version: seen, duplicate: false });
        // The cache keeps where a command's events start, not the events: read them back.
        const earlier = await eventsOf(streamId, commandId, previous ?? before);
        if (E.isLeft(earlier)) return earlier;
        if (previous === undefined && earlier.right.events.length > 0)
          commandsOf(entry.handled).set(commandId, earlier.right.first);
        return E.right({ streamId, events: earlier.right.events, version: entry.version, duplicate: true });
      }

      const [events, batch] = toAppend(command, decided.right);
      const appended = await store.append(streamId, batch, seen === NO_STREAM_VERSION ? 'no-stream' : seen);

      if (E.isRight(appended)) {
        await settle(streamId, entry, commandId, events, batch[batch.length - 1]?.eventId, seen, appended.right);
        const version = appended.right.nextExpectedVersion;
        return E.right({ streamId, events, version, duplicate: false, append: appended.right });
      }
      if (appended.left.kind !== 'wrong-expected-version')
        return E.left({ ...appended.left, code: appended.left.kind });
      // With an expected version, one catch-up always follows (it ends in a duplicate or a refusal).
      if (conflicts >= maxRetries && (expected === undefined || conflicts > 0))
        return E.left({
          kind: 'concurrency-exhausted',
          code: 'concurrency-exhausted',
          streamId,
          attempts: conflicts + 1,
          message: `stream "${streamId}": gave up after ${conflicts + 1} attempts, other writers kept changing it`,
        });
      // Someone else wrote first: back off a little, then fold in what they wrote. The loop then
      // checks the commandId again: what they wrote may be this very command, handled elsewhere.
      forget(streamId);
      // With an expected version there is no retry to space out: the catch-up only tells a duplicate from a refusal.
      if (expected === undefined) await sleep(Math.floor(random() * Math.min(50, 2 ** conflicts)));
      conflicts++;
      current = true;
      loaded = await catchUp(streamId, entry);
      if (E.isRight(loaded)) remember(streamId, loaded.right);
    }
  };

  /** A snapshot is an optimisation: failing to write one is reported and never fails the command. */
  const maybeSnapshot = async (
    policy: SnapshotPolicy<S>,
    streamId: string,
    before: number,
    after: Entry<S>,
    lastEventId: string | undefined,
  ): Promise<void> => {
    if (policy.every <= 0 || lastEventId === undefined) return;
    if (Math.floor((after.version + 1) / policy.every) <= Math.floor((before + 1) / policy.every)) return;
    const { state, version } = viewOf(after);
    const { from, commandIds } = recentCommandsOf(after, version, policy.commandWindow);
    try {
      await policy.store.save(streamId, {
        state,
        version,
        schemaVersion: policy.schemaVersion,
        // A complete list as `commandIds`, which readers that know no other take; a window otherwise.
        ...(from === 0 ? { commandIds } : { recentCommands: { from, commandIds } }),
        eventId: lastEventId,
      });
    } catch (cause) {
      reportSnapshotProblem(policy, {
        streamId,
        action: 'not-saved',
        reason: 'save-failed',
        version,
        message: `snapshot of "${streamId}" at version ${version} was not saved: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      });
    }
  };

  const decodeCommand = options.decodeCommand;
  return {
    // Without a codec `handle` is called as it is: no wrapper, no allocation per command.
    handle:
      decodeCommand === undefined
        ? handle
        : (streamId, input, handleOptions) => {
            const decoded = decodeCommand(input);
            return E.isLeft(decoded)
              ? Promise.resolve(E.left(withValidationCode(decoded.left, 'invalid-command')))
              : handle(streamId, decoded.right, handleOptions);
          },
    load: async (streamId) => E.map(viewOf)(await entryFor(streamId)),
    evict: (streamId) => {
      if (streamId === undefined) {
        cache.clear();
        cachedBytes = 0;
      } else forget(streamId);
    },
  };
};

/**
 * About how many bytes of heap a value holds, by V8's usual layout: a header
 * per object and array, a slot per property or element, a string's
 * characters. An estimate for the cache's byte bound, never exact: shared
 * objects are counted each time they are reached, and deeper than 64 levels
 * nothing more is counted.
 */
export const estimateBytes = (value: unknown): number => bytesOf(value, 0);

const bytesOf = (value: unknown, depth: number): number => {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'object': {
      if (value === null || depth > 64) return 8;
      if (Array.isArray(value)) {
        let bytes = 16 + 8 * value.length;
        for (const item of value) bytes += bytesOf(item, depth + 1);
        return bytes;
      }
      if (value instanceof Map) {
        let bytes = 32;
        for (const [key, item] of value) bytes += 24 + bytesOf(key, depth + 1) + bytesOf(item, depth + 1);
        return bytes;
      }
      if (value instanceof Set) {
        let bytes = 32;
        for (const item of value) bytes += 16 + bytesOf(item, depth + 1);
        return bytes;
      }
      let bytes = 24;
      for (const key in value) bytes += 8 + bytesOf((value as Record<string, unknown>)[key], depth + 1);
      return bytes;
    }
    default:
      // numbers, booleans, undefined: a slot (counted by the holder) and, for a heap number, its box
      return 8;
  }
};
