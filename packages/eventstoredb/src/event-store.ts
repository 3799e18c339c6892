import type * as E from 'fp-ts/lib/Either.js';
import {
  invalidArgument,
  newId,
  readAllArgumentsProblem,
  readArgumentsProblem,
  refusedRead,
  refusedSubscription,
  streamIdArgumentProblem,
  subscribeArgumentsProblem,
  type AppendError,
  type AppendResult,
  type Checkpoint,
  type CheckpointRule,
  type Envelope,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadOptions,
  type Subscription,
  type SubscriptionHandler,
} from '@ordersource/core';
import { appendEvents } from './append.js';
import { detectDialect, type Dialect, type EventStoreDbClient } from './client.js';
import { serverName, storeError } from './errors.js';
import {
  consumePersistentGroup,
  createPersistentGroup,
  deletePersistentGroup,
  type PersistentConsumeOptions,
  type PersistentConsumer,
  type PersistentGroupSettings,
  type PersistentHandler,
} from './persistent.js';
import { decodeCheckpoint } from './position.js';
import { readAllEvents } from './read-all.js';
import { lastVersion, readStoredEvents } from './read.js';
import { DEFAULT_RETRY, subscribeEvents, type RetryPolicy } from './subscribe.js';

/**
 * The EventStore port on EventStoreDB / KurrentDB. The store uses a client
 * you made (either package); `close()` stops its subscriptions and consumers
 * and disposes of the client only when the store made it (`connectEventStoreDb`)
 * or `ownsClient` says so.
 */
export type EventStoreDbStoreOptions = Readonly<{
  client: EventStoreDbClient;
  /** The connection string the client was made from: errors name it, with its password replaced by `***`. */
  connectionString?: string;
  /** Which package made the client; detected when absent. */
  dialect?: Dialect;
  /** Events per `$all` read (default 500). */
  pageSize?: number;
  /** Reconnection of live subscriptions and persistent consumers. */
  retry?: Partial<RetryPolicy>;
  /** Dispose of the client on `close()` (default false). */
  ownsClient?: boolean;
}>;

export type EventStoreDbEventStore = EventStore &
  Readonly<{
    dialect: Dialect;
    client: EventStoreDbClient;
    /** Create a persistent subscription group on `$all` unless it exists. */
    createPersistentSubscription: (group: string, settings?: PersistentGroupSettings) => Promise<'created' | 'exists'>;
    /** Join a group as one of its competing consumers. */
    consumePersistentSubscription: (
      group: string,
      handler: PersistentHandler,
      options?: PersistentConsumeOptions,
    ) => PersistentConsumer;
    deletePersistentSubscription: (group: string) => Promise<void>;
  }>;

const checkpointRule: CheckpointRule = (checkpoint) => {
  try {
    decodeCheckpoint(checkpoint);
    return undefined;
  } catch {
    return 'is not an EventStoreDB checkpoint ("C:<commit>/P:<prepare>")';
  }
};

export const createEventStoreDbStore = (options: EventStoreDbStoreOptions): EventStoreDbEventStore => {
  const client = options.client;
  const dialect = options.dialect ?? detectDialect(client);
  const server = serverName(options.connectionString);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const context = {
    client,
    dialect,
    server,
    pageSize: options.pageSize ?? 500,
    retry,
    newAppendId: newId,
    newEventId: newId,
    // Claims go with the events in one multiStreamAppend where the client has it (until the server says no).
    claims: { atomic: typeof client.multiStreamAppend === 'function' },
  };
  const running = new Set<Readonly<{ close: () => Promise<void>; done: Promise<void> }>>();
  let closed = false;

  const closedError = () => storeError('closed', `the event store on ${server.shown} is closed`);
  const track = <T extends Readonly<{ close: () => Promise<void>; done: Promise<void> }>>(item: T): T => {
    running.add(item);
    void item.done.then(
      () => running.delete(item),
      () => running.delete(item),
    );
    return item;
  };

  async function* readStream(streamId: string, readOptions: ReadOptions): AsyncIterable<Envelope> {
    for (const stored of await readStoredEvents(context, streamId, readOptions)) yield stored.envelope;
  }

  return {
    dialect,
    client,
    append: (
      streamId: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
    ): Promise<E.Either<AppendError, AppendResult>> =>
      closed ? Promise.reject(closedError()) : appendEvents(context, streamId, events, expected),
    read: (streamId: string, readOptions: ReadOptions = {}) => {
      if (closed) return refusedClosed(closedError());
      const problem = readArgumentsProblem(streamId, readOptions);
      return problem === undefined ? readStream(streamId, readOptions) : refusedRead(invalidArgument('read', problem));
    },
    readAll: (after?: Checkpoint, readAllOptions: ReadAllOptions = {}) => {
      if (closed) return refusedClosed(closedError());
      const problem = readAllArgumentsProblem(after, readAllOptions, checkpointRule);
      return problem === undefined
        ? readAllEvents(context, after, readAllOptions)
        : refusedRead(invalidArgument('readAll', problem));
    },
    subscribe: (after: Checkpoint | undefined, handler: SubscriptionHandler, filter?: EventFilter): Subscription => {
      const problem = subscribeArgumentsProblem(after, handler, filter, checkpointRule);
      if (problem !== undefined) return refusedSubscription(invalidArgument('subscribe', problem));
      if (closed) return failedSubscription(closedError());
      return track(subscribeEvents(context, after, handler, filter));
    },
    streamVersion: (streamId: string) => {
      const problem = streamIdArgumentProblem(streamId);
      if (problem !== undefined) return Promise.reject(invalidArgument('streamVersion', problem));
      return closed ? Promise.reject(closedError()) : lastVersion(context, streamId);
    },
    createPersistentSubscription: (group, settings = {}) =>
      closed ? Promise.reject(closedError()) : createPersistentGroup(context, group, settings),
    consumePersistentSubscription: (group, handler, consumeOptions) => {
      if (closed) return failedSubscription(closedError());
      return track(consumePersistentGroup(context, group, handler, consumeOptions));
    },
    deletePersistentSubscription: (group) =>
      closed ? Promise.reject(closedError()) : deletePersistentGroup(context, group),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...running].map((item) => item.close()));
      if (options.ownsClient === true) await client.dispose();
    },
  };
};

// eslint-disable-next-line require-yield -- it only rejects
async function* refusedClosed(error: Error): AsyncGenerator<never> {
  throw error;
}

const failedSubscription = (error: Error): Subscription => {
  const done = Promise.reject(error);
  const caughtUp = Promise.reject(error);
  done.catch(() => undefined);
  caughtUp.catch(() => undefined);
  return { caughtUp, done, close: () => Promise.resolve() };
};
