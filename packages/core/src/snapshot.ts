import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { NonEmptyString } from './actor.js';
import { decode, NonNegativeInt, refine, SafeInt } from './codec.js';

/**
 * Snapshots of long streams: the folded state at a version, tagged with the
 * state's schema version. A snapshot is a cache of the events, never a source
 * of truth: the command handler uses one only when everything about it checks
 * out, and otherwise folds the events (and says why through `onProblem`).
 */
export type Snapshot<S> = Readonly<{
  state: S;
  version: number;
  schemaVersion: number;
  /**
   * Every commandId whose events are folded into `state`, so that a command
   * delivered again after a restart is still recognised as a duplicate. The
   * handler writes it while a stream is short (see `commandWindow`); a
   * snapshot with neither this nor `recentCommands` is ignored: stores must
   * keep them.
   */
  commandIds?: readonly string[];
  /**
   * Instead of `commandIds` once a stream is longer than the policy's
   * `commandWindow`: the commands whose first event is at version `from` or
   * later, so that loading a snapshot costs the same however long the stream
   * is. The commands of the events below `from` are looked up in the event
   * store (their `causationId`s) when a command it does not list first
   * arrives, once per cached stream. A reader that knows only `commandIds`
   * finds none here and folds the events, as it must.
   */
  recentCommands?: Readonly<{ from: number; commandIds: readonly string[] }>;
  /**
   * The id of the stream's event at `version`. The handler uses a snapshot
   * only when the stream still holds this very event there, so a snapshot of
   * another stream, of a history since replaced, or beyond the stream's end
   * is never taken for the truth. A snapshot without it is ignored.
   */
  eventId?: string;
}>;

export interface SnapshotStore<S> {
  load(streamId: string): Promise<Snapshot<S> | undefined>;
  save(streamId: string, snapshot: Snapshot<S>): Promise<void>;
}

/** Why a snapshot was not used, or not written. Neither ever fails a command. */
export type SnapshotProblem = Readonly<{
  streamId: string;
  action: 'ignored' | 'not-saved';
  reason:
    | 'schema-version' // taken under another state schema version (expected after a deploy)
    | 'incomplete' // lacks its commands (commandIds, recentCommands) or eventId (a store that drops them)
    | 'malformed' // not the shape of a snapshot
    | 'state-invalid' // the state fails the policy's decodeState
    | 'beyond-stream' // the stream has no event at the snapshot's version
    | 'other-event' // the stream holds another event there: another stream's snapshot, or a rewritten history
    | 'load-failed' // the store threw
    | 'save-failed';
  message: string;
  version?: number;
  cause?: unknown;
}>;

export type SnapshotPolicy<S> = Readonly<{
  store: SnapshotStore<S>;
  /** Take a snapshot each time the stream crosses a multiple of this many events. */
  every: number;
  /** Bump when the state's shape changes: older snapshots are then ignored. */
  schemaVersion: number;
  /**
   * A snapshot lists the commands whose events start within its last this
   * many events (default 1,000; a stream no longer lists them all, in
   * `commandIds`). Older ones cost one look-up in the event store, made by
   * the first command on the stream after it is loaded that the list lacks.
   */
  commandWindow?: number;
  /** Validates a loaded state before it is used (for stores that do not decode it themselves). */
  decodeState?: (stored: unknown) => E.Either<unknown, S>;
  /** Told about every snapshot ignored or not saved, for logs and metrics. */
  onProblem?: (problem: SnapshotProblem) => void;
}>;

/** A snapshot the handler may start from: every field it relies on is present. */
export type UsableSnapshot<S> = Readonly<{
  state: S;
  version: number;
  /** The commands whose first event is from `commandsFrom` to `version`. */
  commandIds: readonly string[];
  /** 0 when `commandIds` lists every command; else the older ones are in the event store only. */
  commandsFrom: number;
  eventId: string;
}>;

/** The default `commandWindow`. */
export const COMMAND_WINDOW = 1_000;

// A state of `undefined` is no state: used, it would be a wrong one.
const Present = refine(t.unknown, (value) => value !== undefined, 'Present');
const CommandIds = t.array(t.string);
const SnapshotShape = t.intersection([
  t.type({ state: Present, version: NonNegativeInt, schemaVersion: SafeInt }),
  t.partial({
    commandIds: CommandIds,
    recentCommands: t.type({ from: NonNegativeInt, commandIds: CommandIds }),
    eventId: NonEmptyString,
  }),
]);
const decodeShape = decode(SnapshotShape, 'snapshot');

/** Report a problem; a throwing logger must not turn a fallback into a failure. */
export const reportSnapshotProblem = <S>(policy: SnapshotPolicy<S>, problem: SnapshotProblem): void => {
  try {
    policy.onProblem?.(problem);
  } catch {
    // The hook is for observation only.
  }
};

/**
 * Load a stream's snapshot and check everything that can be checked without
 * the stream: that it loads, its shape, its schema version, that it lists its
 * commands and its last event, and its state (with `decodeState`). Anything
 * else is reported and treated as no snapshot. The caller still has to check
 * that the stream holds `eventId` at `version`.
 */
export const loadUsableSnapshot = async <S>(
  policy: SnapshotPolicy<S>,
  streamId: string,
): Promise<UsableSnapshot<S> | undefined> => {
  const ignored = (reason: SnapshotProblem['reason'], message: string, extra: Partial<SnapshotProblem> = {}) => {
    reportSnapshotProblem(policy, { streamId, action: 'ignored', reason, message, ...extra });
    return undefined;
  };
  let loaded: unknown;
  try {
    loaded = await policy.store.load(streamId);
  } catch (cause) {
    return ignored('load-failed', `snapshot of "${streamId}" could not be loaded: ${messageOf(cause)}`, { cause });
  }
  if (loaded === undefined) return undefined;
  const shaped = decodeShape(loaded);
  if (E.isLeft(shaped))
    return ignored('malformed', `snapshot of "${streamId}": ${shaped.left.message}`, { cause: shaped.left });
  const { version, schemaVersion, recentCommands, eventId } = shaped.right;
  if (schemaVersion !== policy.schemaVersion)
    return ignored(
      'schema-version',
      `snapshot of "${streamId}" has state schema version ${schemaVersion}, the handler's is ${policy.schemaVersion}`,
      { version },
    );
  // Every command (the stronger claim) where both are there.
  const commandIds = shaped.right.commandIds ?? recentCommands?.commandIds;
  const commandsFrom = shaped.right.commandIds !== undefined ? 0 : recentCommands?.from;
  // Without its commands a re-delivered command would pass for new; without its last event it cannot be checked.
  if (commandIds === undefined || commandsFrom === undefined || eventId === undefined)
    return ignored(
      'incomplete',
      `snapshot of "${streamId}" at version ${version} lacks ${commandIds === undefined ? 'commandIds' : 'eventId'}`,
      { version },
    );
  // A list from beyond the snapshot's end is no list of its commands.
  if (commandsFrom > version + 1)
    return ignored(
      'malformed',
      `snapshot of "${streamId}" at version ${version}: recentCommands.from ${commandsFrom} is beyond it`,
      { version },
    );
  let state = shaped.right.state as S;
  if (policy.decodeState !== undefined) {
    const decoded = policy.decodeState(shaped.right.state);
    if (E.isLeft(decoded))
      return ignored('state-invalid', `snapshot of "${streamId}" at version ${version}: the state does not decode`, {
        version,
        cause: decoded.left,
      });
    state = decoded.right;
  }
  return { state, version, commandIds, commandsFrom, eventId };
};

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

export const createInMemorySnapshotStore = <S>(): SnapshotStore<S> => {
  const snapshots = new Map<string, Snapshot<S>>();
  return {
    load: (streamId) => Promise.resolve(snapshots.get(streamId)),
    save: (streamId, snapshot) => {
      snapshots.set(streamId, snapshot);
      return Promise.resolve();
    },
  };
};
