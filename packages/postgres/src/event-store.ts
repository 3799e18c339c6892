import type * as E from 'fp-ts/lib/Either.js';
import {
  booleanOption,
  causationIdsArgumentsProblem,
  integerOption,
  invalidArgument,
  optionsProblem,
  readAllArgumentsProblem,
  readArgumentsProblem,
  readForFoldArgumentsProblem,
  refusedRead,
  refusedSubscription,
  streamIdArgumentProblem,
  subscribeArgumentsProblem,
  textOption,
  type AppendError,
  type AppendResult,
  type Checkpoint,
  type Envelope,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Subscription,
  type SubscriptionHandler,
} from '@ordersource/core';
import { appendEvents } from './append.js';
import { causationIds } from './causation-ids.js';
import type { OutboxMessage } from './batch-check.js';
import { storeError } from './errors.js';
import { createGroupCommitter } from './group-commit.js';
import type { SqlExecutor } from './executor/types.js';
import { channelOf, quoteIdent, validateSchemaName } from './identifiers.js';
import { checkpointRule } from './position.js';
import { readAllEvents } from './read-all.js';
import { readStream, readStreamForFold, streamVersion } from './read.js';
import { createNotifier } from './notifier.js';
import { checkTransactionIds, migrate, requireSchema } from './schema.js';
import { subscribeEvents } from './subscribe.js';
import { createWakeup } from './wakeup.js';

/**
 * The EventStore port on PostgreSQL or PGlite. The store does not own the
 * executor: `close()` stops its subscriptions, and the caller closes the
 * executor (one executor may serve several stores and schemas).
 *
 * Every method checks its arguments with core's shared checks before it
 * sends anything to the database (issue 8.5), and no method throws
 * synchronously: bad arguments and a closed store reject (the first `next()`
 * of a read, the promise, a subscription's `done`).
 */
export type PostgresEventStoreOptions = Readonly<{
  /** Schema that holds the tables (default "ordersource"); created by the migrations. */
  schema?: string;
  /**
   * Group commit (default false): single-event appends that arrive while
   * another is in flight go together in one statement and one transaction,
   * each with its own expected-version check and result (see group-commit.ts).
   * Fewer commits under concurrent writers, at the price of waiting for the
   * group in flight.
   */
  groupCommit?: boolean;
  /** Apply missing migrations on start (default true). With false, a missing schema fails fast. */
  migrate?: boolean;
  /**
   * NOTIFY after appends so followers in other processes wake at once (coalesced, after commit).
   * Default: on for pg; off for PGlite, which only one process can open.
   */
  notify?: boolean;
  /** At most one NOTIFY per this many milliseconds (default 5). */
  notifyIntervalMs?: number;
  /** Rows per query for readAll and subscriptions (default 1,000). */
  pageSize?: number;
  /** How often a follower polls when no wake-up arrives (default 250 ms). */
  pollIntervalMs?: number;
  /** How long readAll waits for earlier transactions to finish (default 5,000 ms). */
  visibilityWaitMs?: number;
}>;

export type PostgresEventStore = EventStore &
  Readonly<{
    schema: string;
    executor: SqlExecutor;
    /** Append events and write outbox messages in the same transaction (only when the append succeeds). */
    appendWithOutbox: (
      streamId: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
      messages: readonly OutboxMessage[],
    ) => Promise<E.Either<AppendError, AppendResult>>;
    /** True once `close` was called; projection runners and outbox workers then stop. */
    isClosed: () => boolean;
    readForFold: NonNullable<EventStore['readForFold']>;
    /** Resolves when events were appended (here, or elsewhere when NOTIFY arrives) or after `timeoutMs`. */
    waitForEvents: (timeoutMs: number) => Promise<void>;
    /** Settings other runners (projections, outbox) share with this store. */
    settings: Readonly<{ pageSize: number; pollIntervalMs: number; visibilityWaitMs: number }>;
    /** Always there on PostgreSQL: two narrow columns (see `causation-ids.ts`). */
    causationIds: NonNullable<EventStore['causationIds']>;
  }>;

export const DEFAULT_SCHEMA = 'ordersource';

const DAY_MS = 86_400_000;
// pageSize 0 would scan empty windows forever; a page is read and decoded whole, hence the cap.
const OPTION_RULES = {
  schema: textOption,
  migrate: booleanOption,
  groupCommit: booleanOption,
  notify: booleanOption,
  notifyIntervalMs: integerOption(0, DAY_MS),
  pageSize: integerOption(1, 100_000),
  pollIntervalMs: integerOption(1, DAY_MS),
  visibilityWaitMs: integerOption(0, DAY_MS),
};

export const createPostgresEventStore = async (
  executor: SqlExecutor,
  options: PostgresEventStoreOptions = {},
): Promise<PostgresEventStore> => {
  const invalidOption = optionsProblem(options, 'options', OPTION_RULES);
  if (invalidOption !== undefined) throw invalidArgument('create', invalidOption);
  const schemaName = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
  if (options.migrate === false) await requireSchema(executor, schemaName);
  else await migrate(executor, schemaName);
  await checkTransactionIds(executor, schemaName);
  const schema = quoteIdent(schemaName);
  const pageSize = options.pageSize ?? 1_000;
  const wakeup = createWakeup();
  const subscriptions = new Set<Subscription>();
  let closed = false;
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined;

  const appendContext = { db: executor, schema };
  const grouped = options.groupCommit === true ? createGroupCommitter(appendContext) : undefined;
  const notifier = !(options.notify ?? executor.driver === 'pg')
    ? undefined
    : createNotifier(executor, channelOf(schemaName), options.notifyIntervalMs ?? 5);
  const closedError = () => storeError('closed', `the PostgreSQL event store for schema "${schemaName}" is closed`);
  const ensureOpen = () => {
    if (closed) throw closedError();
  };

  const appendWithOutbox = async (
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    messages: readonly OutboxMessage[],
  ): Promise<E.Either<AppendError, AppendResult>> => {
    ensureOpen();
    const result =
      grouped !== undefined && messages.length === 0
        ? await grouped.append(streamId, events, expected)
        : await appendEvents(appendContext, streamId, events, expected, messages);
    if (result._tag === 'Right') {
      wakeup.wake();
      notifier?.appended();
    }
    return result;
  };

  const subscribeContext = {
    db: executor,
    schema,
    pageSize,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    wakeup,
    closed: () => closed,
    listen: async () => {
      unlisten ??= executor.listen(channelOf(schemaName), wakeup.wake).catch(() => undefined);
      await unlisten;
    },
  };

  const settings = {
    pageSize,
    pollIntervalMs: subscribeContext.pollIntervalMs,
    visibilityWaitMs: options.visibilityWaitMs ?? 5_000,
  };

  return {
    schema: schemaName,
    executor,
    settings,
    isClosed: () => closed,
    waitForEvents: async (timeoutMs) => {
      if (closed) return;
      await subscribeContext.listen();
      await wakeup.wait(timeoutMs);
    },
    append: (streamId, events, expected) => appendWithOutbox(streamId, events, expected, []),
    appendWithOutbox,
    read: (streamId, readOptions): AsyncIterable<Envelope> => {
      const problem = readArgumentsProblem(streamId, readOptions);
      if (problem !== undefined) return refusedRead(invalidArgument('read', problem));
      return closed ? refusedRead(closedError()) : readStream(executor, schema, streamId, readOptions);
    },
    readForFold: (streamId, from) => {
      const problem = readForFoldArgumentsProblem(streamId, from);
      if (problem !== undefined) return refusedRead(invalidArgument('readForFold', problem));
      return closed ? refusedRead(closedError()) : readStreamForFold(executor, schema, streamId, from);
    },
    readAll: (after, readAllOptions): AsyncIterable<Envelope> => {
      const problem = readAllArgumentsProblem(after, readAllOptions, checkpointRule);
      if (problem !== undefined) return refusedRead(invalidArgument('readAll', problem));
      if (closed) return refusedRead(closedError());
      return readAllEvents(
        { db: executor, schema, pageSize, visibilityWaitMs: settings.visibilityWaitMs },
        after,
        readAllOptions,
      );
    },
    subscribe: (after: Checkpoint | undefined, handler: SubscriptionHandler, filter?: EventFilter) => {
      const problem = subscribeArgumentsProblem(after, handler, filter, checkpointRule);
      if (problem !== undefined) return refusedSubscription(invalidArgument('subscribe', problem));
      if (closed) return refusedSubscription(closedError());
      const subscription = subscribeEvents(subscribeContext, after, handler, filter);
      subscriptions.add(subscription);
      void subscription.done.then(
        () => subscriptions.delete(subscription),
        () => subscriptions.delete(subscription),
      );
      return subscription;
    },
    streamVersion: (streamId) => {
      const problem = streamIdArgumentProblem(streamId);
      if (problem !== undefined) return Promise.reject(invalidArgument('streamVersion', problem));
      return closed ? Promise.reject(closedError()) : streamVersion(executor, schema, streamId);
    },
    causationIds: (streamId, below) => {
      const problem = causationIdsArgumentsProblem(streamId, below);
      if (problem !== undefined) return Promise.reject(invalidArgument('causationIds', problem));
      return closed ? Promise.reject(closedError()) : causationIds(executor, schema, streamId, below);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      wakeup.wake();
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await notifier?.flush();
      const stop = await unlisten;
      await stop?.().catch(() => undefined);
    },
  };
};
