import type {
  ClientAppendOptions,
  ClientAppendResult,
  ClientEventData,
  ClientExpectation,
  ClientReadStreamOptions,
  ClientResolvedEvent,
  EventStoreDbClient,
} from '../client.js';
import { asRecorded } from './recorded.js';

/**
 * A model of the server's append decisions, for testing how the adapter
 * copes with them; it is not a server and nothing here stands in for the
 * contract suite. It follows the commit check described in
 * docs/eventstoredb.md ("Idempotency"): an exact expectation behind the
 * stream is acknowledged without writing when the ids after it match; `any`
 * is acknowledged only when the ids are in the recent-ids cache (which
 * `forget()` empties, as a restart does) and otherwise written again; an
 * expectation equal to the stream's revision is written without a look.
 * Only the calls the append path makes are modelled.
 */
export type AppendRules = Readonly<{
  client: EventStoreDbClient;
  stored: (streamId: string) => readonly ClientEventData[];
  forget: () => void;
  /** Appends the server received (acknowledged or refused). */
  appends: () => number;
}>;

type WrongExpectedVersionShape = Error & { type: string; streamName: string; actualState: 'no_stream' | bigint };

const wrongExpectedVersion = (streamName: string, length: number): WrongExpectedVersionShape =>
  Object.assign(new Error('Wrong expected version'), {
    type: 'wrong-expected-version',
    streamName,
    actualState: length === 0 ? ('no_stream' as const) : BigInt(length - 1),
  });

export const appendRules = (dialect: 'eventstoredb' | 'kurrentdb' = 'kurrentdb'): AppendRules => {
  const streams = new Map<string, ClientEventData[]>();
  let cache = new Map<string, string>();
  let appends = 0;
  const position = 1000n;

  const expectationIn = (options: ClientAppendOptions): ClientExpectation =>
    (dialect === 'kurrentdb' ? options.streamState : options.expectedRevision) ?? 'any';

  const appendToStream = (
    streamName: string,
    events: ClientEventData[],
    options: ClientAppendOptions,
  ): Promise<ClientAppendResult> => {
    appends++;
    if (dialect === 'kurrentdb' && options.expectedRevision !== undefined) throw new Error('old option name sent');
    if (dialect === 'eventstoredb' && options.streamState !== undefined) throw new Error('new option name sent');
    const stream = streams.get(streamName) ?? [];
    const expectation = expectationIn(options);
    const current = stream.length - 1;
    const write = (): Promise<ClientAppendResult> => {
      stream.push(...events);
      streams.set(streamName, stream);
      for (const event of events) cache.set(event.id, streamName);
      return Promise.resolve({ nextExpectedRevision: BigInt(stream.length - 1) });
    };
    if (expectation === 'any' || expectation === 'stream_exists') {
      if (expectation === 'stream_exists' && current < 0) return Promise.reject(wrongExpectedVersion(streamName, 0));
      if (events.every((event) => cache.get(event.id) === streamName)) {
        const last = stream.findIndex((event) => event.id === events.at(-1)?.id);
        return Promise.resolve({ nextExpectedRevision: BigInt(last) });
      }
      return write();
    }
    const expected = expectation === 'no_stream' ? -1 : Number(expectation);
    if (expected === current) return write();
    if (expected > current) return Promise.reject(wrongExpectedVersion(streamName, stream.length));
    const matches = events.every((event, i) => stream[expected + 1 + i]?.id === event.id);
    if (matches) return Promise.resolve({ nextExpectedRevision: BigInt(expected + events.length) });
    return Promise.reject(wrongExpectedVersion(streamName, stream.length));
  };

  async function* readStream(streamName: string, options: ClientReadStreamOptions): AsyncIterable<ClientResolvedEvent> {
    const stream = streams.get(streamName);
    if (stream === undefined) throw Object.assign(new Error('stream not found'), { type: 'stream-not-found' });
    const all = stream.map((written, i) => ({
      event: asRecorded(streamName, written, BigInt(i), {
        commit: position + BigInt(i),
        prepare: position + BigInt(i),
      }),
    }));
    const backwards = options.direction === 'backwards';
    const from =
      options.fromRevision === 'start' || options.fromRevision === undefined
        ? backwards
          ? all.length - 1
          : 0
        : options.fromRevision === 'end'
          ? all.length - 1
          : Number(options.fromRevision);
    const ordered = backwards ? all.slice(0, from + 1).reverse() : all.slice(from);
    yield* ordered.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  const unused = (): never => {
    throw new Error('not modelled: only the append path is');
  };
  return {
    client: {
      appendToStream,
      readStream,
      readAll: unused,
      subscribeToAll: unused,
      createPersistentSubscriptionToAll: unused,
      subscribeToPersistentSubscriptionToAll: unused,
      deletePersistentSubscriptionToAll: unused,
      dispose: () => Promise.resolve(),
    },
    stored: (streamId) => streams.get(streamId) ?? [],
    forget: () => {
      cache = new Map();
    },
    appends: () => appends,
  };
};
