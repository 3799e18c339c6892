/**
 * The part of an EventStoreDB / KurrentDB client this adapter uses, written
 * as plain structural types. Both `EventStoreDBClient` (@eventstore/db-client
 * 6.x) and `KurrentDBClient` (@kurrent/kurrentdb-client 1.x) satisfy it (see
 * client-shape.test.ts, which assigns each real client to it under `tsc`), so
 * the adapter imports neither package: both stay optional peers, and the
 * published types name no class of theirs.
 *
 * Where the two differ, the adapter bridges at run time (see `Dialect`):
 * - the expectation of an append is `expectedRevision` in the old client and
 *   `streamState` in the new one;
 * - `WrongExpectedVersionError` carries `expectedVersion`/`actualVersion` in
 *   the old client and `expectedState`/`actualState` in the new one;
 * - `readStream` / `readAll` return a Node `Readable` in the old client and an
 *   async generator in the new one: both are `AsyncIterable`, which is all we use;
 * - only the new client's `readAll` takes a server-side filter.
 */

/** A position in `$all`: the log position of the commit and of the event's own record. */
export type ClientPosition = Readonly<{ commit: bigint; prepare: bigint }>;

/** What both clients accept as an expectation: `stream_exists` is never sent (see append.ts). */
export type ClientExpectation = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type ClientRecordedEvent = Readonly<{
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: ClientPosition;
}>;

export type ClientResolvedEvent = Readonly<{
  event?: ClientRecordedEvent;
  link?: ClientRecordedEvent;
  commitPosition?: bigint;
}>;

/** The clients' JSON data type (`JSONType`): they `JSON.stringify` whatever they are given. */
export type ClientJsonData = Record<string | number, unknown> | unknown[] | string;

/**
 * Metadata is a flat object of strings: `multiStreamAppend` sends it as the
 * record's properties and refuses anything else, and the classic append
 * stores the same object as JSON, so one encoding serves both (metadata.ts).
 */
export type ClientEventData = {
  id: string;
  contentType: 'application/json';
  type: string;
  data: ClientJsonData;
  metadata: Record<string, string>;
};

export type ClientAppendOptions = {
  /** @eventstore/db-client's name for the expectation. */
  expectedRevision?: ClientExpectation;
  /** @kurrent/kurrentdb-client's name for the same thing. */
  streamState?: ClientExpectation;
  requiresLeader?: boolean;
};

export type ClientAppendResult = Readonly<{ nextExpectedRevision: bigint; position?: ClientPosition }>;

/** One stream's part of a `multiStreamAppend` (@kurrent/kurrentdb-client, KurrentDB >= 25.1). */
export type ClientAppendStreamRequest = {
  streamName: string;
  events: ClientEventData[];
  expectedState: ClientExpectation;
};

export type ClientMultiAppendResult = Readonly<{
  position: bigint;
  responses: readonly Readonly<{ streamName: string; revision: bigint }>[];
}>;

type FilterBase = {
  checkpointInterval: number;
  maxSearchWindow?: number;
  checkpointReached?: (subscription: unknown, position: ClientPosition) => void | Promise<void>;
};
export type ClientPrefixesFilter = FilterBase & { filterOn: 'streamName' | 'eventType'; prefixes: string[] };
export type ClientRegexFilter = FilterBase & { filterOn: 'streamName' | 'eventType'; regex: string };
export type ClientFilter = ClientPrefixesFilter | ClientRegexFilter;

export type ClientReadStreamOptions = {
  direction?: 'forwards' | 'backwards';
  fromRevision?: 'start' | 'end' | bigint;
  maxCount?: number | bigint;
  requiresLeader?: boolean;
};

export type ClientReadAllOptions = {
  direction?: 'forwards' | 'backwards';
  fromPosition?: 'start' | 'end' | ClientPosition;
  maxCount?: number | bigint;
  requiresLeader?: boolean;
  /** Only @kurrent/kurrentdb-client reads `$all` with a server-side filter. */
  filter?: ClientFilter;
};

export type ClientSubscribeToAllOptions = {
  fromPosition?: 'start' | 'end' | ClientPosition;
  filter?: ClientFilter;
  resolveLinkTos?: boolean;
};

export interface ClientSubscription extends AsyncIterable<ClientResolvedEvent> {
  unsubscribe(): Promise<void>;
}

export type ClientPersistentAction = 'park' | 'retry' | 'skip' | 'stop';

export type ClientPersistentResolvedEvent = ClientResolvedEvent & Readonly<{ retryCount: number }>;

export interface ClientPersistentSubscription extends AsyncIterable<ClientPersistentResolvedEvent> {
  ack(...events: ClientResolvedEvent[]): Promise<void>;
  nack(action: ClientPersistentAction, reason: string, ...events: ClientResolvedEvent[]): Promise<void>;
  unsubscribe(): Promise<void>;
}

/** The settings object both clients send when a persistent subscription group is created. */
export type ClientPersistentSettings = {
  startFrom: 'start' | 'end' | ClientPosition;
  resolveLinkTos: boolean;
  extraStatistics: boolean;
  messageTimeout: number;
  maxRetryCount: number;
  checkPointAfter: number;
  checkPointLowerBound: number;
  checkPointUpperBound: number;
  maxSubscriberCount: 'unbounded' | number;
  liveBufferSize: number;
  readBatchSize: number;
  historyBufferSize: number;
  consumerStrategyName: 'DispatchToSingle' | 'RoundRobin' | 'Pinned';
};

export interface EventStoreDbClient {
  /**
   * Only @kurrent/kurrentdb-client has it, and only KurrentDB 25.1 and later
   * serve it (older servers make it throw the client's `UnsupportedError`):
   * an atomic append to several streams, each with its own expectation.
   */
  multiStreamAppend?(requests: ClientAppendStreamRequest[]): Promise<ClientMultiAppendResult>;
  appendToStream(
    streamName: string,
    events: ClientEventData[],
    options: ClientAppendOptions,
  ): Promise<ClientAppendResult>;
  readStream(streamName: string, options: ClientReadStreamOptions): AsyncIterable<ClientResolvedEvent>;
  readAll(options: ClientReadAllOptions): AsyncIterable<ClientResolvedEvent>;
  subscribeToAll(options: ClientSubscribeToAllOptions): ClientSubscription;
  createPersistentSubscriptionToAll(
    groupName: string,
    settings: ClientPersistentSettings,
    options: { filter?: ClientFilter },
  ): Promise<void>;
  subscribeToPersistentSubscriptionToAll(
    groupName: string,
    options: { bufferSize?: number },
  ): ClientPersistentSubscription;
  deletePersistentSubscriptionToAll(groupName: string): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Which client package made the client. `kurrentdb` clients have the
 * multi-stream append the old package never had; that is how we tell them
 * apart when the caller does not say.
 */
export type Dialect = 'eventstoredb' | 'kurrentdb';

export const detectDialect = (client: object): Dialect =>
  typeof (client as { multiStreamAppend?: unknown }).multiStreamAppend === 'function' ? 'kurrentdb' : 'eventstoredb';

/** The append options in the dialect's own words; the other key is never sent. */
export const appendOptions = (dialect: Dialect, expectation: ClientExpectation): ClientAppendOptions =>
  dialect === 'kurrentdb' ? { streamState: expectation } : { expectedRevision: expectation };
