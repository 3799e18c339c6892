import type {
  ClientAppendOptions,
  ClientAppendResult,
  ClientAppendStreamRequest,
  ClientEventData,
  ClientExpectation,
  ClientMultiAppendResult,
  ClientReadStreamOptions,
  ClientResolvedEvent,
  EventStoreDbClient,
} from '../client.js';
import { NewClient, OldClient } from './client-packages.js';
import { asRecorded } from './recorded.js';

/**
 * A model of the server's append decisions, for testing how the adapter
 * copes with them. It is NOT a server, nothing here stands in for the
 * contract suite (which needs a real one), and only the calls the append path
 * makes are modelled. It follows the commit check described in
 * docs/eventstoredb.md ("Idempotency"): an exact expectation behind the
 * stream is acknowledged without writing when the ids after it match; `any`
 * is acknowledged only when the ids are in the recent-ids cache (which
 * `forget()` empties, as a restart does) and otherwise written again; an
 * expectation equal to the stream's revision is written without a look; no
 * id is ever looked for in another stream.
 *
 * `multiStreamAppend` (kurrentdb dialect) is all or nothing: every request's
 * expectation is checked (exactly) before anything is written. `served`:
 * it works; `unsupported`: it throws the client's `UnsupportedError`, as the
 * client does for a server before 25.1; `absent`: the client has no such
 * method. Errors are the client packages' own classes, built as the clients
 * build them from a server's answer.
 */
export type MultiStream = 'served' | 'unsupported' | 'absent';

export type AppendRules = Readonly<{
  client: EventStoreDbClient;
  stored: (streamId: string) => readonly ClientEventData[];
  streams: () => readonly string[];
  forget: () => void;
  /** The next append to this stream fails as the connection dropping would, after the claims (claim-first). */
  dropNextAppendTo: (streamId: string) => void;
  /** Appends the server received, single- or multi-stream (acknowledged or refused). */
  appends: () => number;
  multiStreamAppends: () => number;
}>;

export const appendRules = (
  dialect: 'eventstoredb' | 'kurrentdb' = 'kurrentdb',
  multiStream: MultiStream = dialect === 'kurrentdb' ? 'served' : 'absent',
): AppendRules => {
  const Client = dialect === 'kurrentdb' ? NewClient : OldClient;
  const streams = new Map<string, ClientEventData[]>();
  let cache = new Map<string, string>();
  let appends = 0;
  let multiAppends = 0;
  const drops = new Set<string>();
  const position = 1000n;

  const stateOf = (length: number): 'no_stream' | bigint => (length === 0 ? 'no_stream' : BigInt(length - 1));
  const wrongExpectedVersion = (streamName: string, expected: ClientExpectation, length: number): Error =>
    new Client.WrongExpectedVersionError(undefined, { streamName, expected, current: stateOf(length) });

  const expectationIn = (options: ClientAppendOptions): ClientExpectation =>
    (dialect === 'kurrentdb' ? options.streamState : options.expectedRevision) ?? 'any';

  const store = (streamName: string, events: readonly ClientEventData[]): bigint => {
    const stream = streams.get(streamName) ?? [];
    stream.push(...events);
    streams.set(streamName, stream);
    for (const event of events) cache.set(event.id, streamName);
    return BigInt(stream.length - 1);
  };

  const appendToStream = (
    streamName: string,
    events: ClientEventData[],
    options: ClientAppendOptions,
  ): Promise<ClientAppendResult> => {
    appends++;
    if (dialect === 'kurrentdb' && options.expectedRevision !== undefined) throw new Error('old option name sent');
    if (dialect === 'eventstoredb' && options.streamState !== undefined) throw new Error('new option name sent');
    if (drops.delete(streamName)) return Promise.reject(new Client.UnavailableError(undefined, 'connection dropped'));
    const stream = streams.get(streamName) ?? [];
    const expectation = expectationIn(options);
    const current = stream.length - 1;
    const write = (): Promise<ClientAppendResult> =>
      Promise.resolve({ nextExpectedRevision: store(streamName, events) });
    if (expectation === 'any' || expectation === 'stream_exists') {
      if (expectation === 'stream_exists' && current < 0)
        return Promise.reject(wrongExpectedVersion(streamName, expectation, 0));
      if (events.every((event) => cache.get(event.id) === streamName)) {
        const last = stream.findIndex((event) => event.id === events.at(-1)?.id);
        return Promise.resolve({ nextExpectedRevision: BigInt(last) });
      }
      return write();
    }
    const expected = expectation === 'no_stream' ? -1 : Number(expectation);
    if (expected === current) return write();
    if (expected > current) return Promise.reject(wrongExpectedVersion(streamName, expectation, stream.length));
    const matches = events.every((event, i) => stream[expected + 1 + i]?.id === event.id);
    if (matches) return Promise.resolve({ nextExpectedRevision: BigInt(expected + events.length) });
    return Promise.reject(wrongExpectedVersion(streamName, expectation, stream.length));
  };

  const multiStreamAppend = (requests: ClientAppendStreamRequest[]): Promise<ClientMultiAppendResult> => {
    appends++;
    multiAppends++;
    if (multiStream === 'unsupported')
      return Promise.reject(new NewClient.UnsupportedError('multiStreamAppend', '25.1'));
    for (const request of requests) {
      for (const event of request.events)
        if (Object.values(event.metadata).some((value) => typeof value !== 'string'))
          throw new Error(
            'multiStreamAppend requires metadata to be a plain object with string keys and string values.',
          );
      const length = streams.get(request.streamName)?.length ?? 0;
      const expected = request.expectedState;
      const ok =
        expected === 'any' ||
        (expected === 'no_stream' && length === 0) ||
        (expected === 'stream_exists' && length > 0) ||
        (typeof expected === 'bigint' && Number(expected) === length - 1);
      if (!ok) return Promise.reject(wrongExpectedVersion(request.streamName, expected, length));
    }
    const responses = requests.map((request) => ({
      streamName: request.streamName,
      revision: store(request.streamName, request.events),
    }));
    return Promise.resolve({ position: position + BigInt(appends), responses });
  };

  async function* readStream(streamName: string, options: ClientReadStreamOptions): AsyncIterable<ClientResolvedEvent> {
    const stream = streams.get(streamName);
    if (stream === undefined) throw new Client.StreamNotFoundError(undefined, streamName);
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
      ...(multiStream === 'absent' ? {} : { multiStreamAppend }),
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
    streams: () => [...streams.keys()],
    forget: () => {
      cache = new Map();
    },
    dropNextAppendTo: (streamId) => drops.add(streamId),
    appends: () => appends,
    multiStreamAppends: () => multiAppends,
  };
};
