import type { ReadOptions } from '@ordersource/core';
import type { ClientReadStreamOptions, ClientRecordedEvent, Dialect, EventStoreDbClient } from './client.js';
import { classifyClientError, rejection } from './client-errors.js';
import type { ServerName } from './errors.js';
import { decodeRecorded, type StoredEvent } from './metadata.js';
import { versionToRevision } from './revision.js';

/** What every module that talks to the server shares. */
export type ServerContext = Readonly<{
  client: EventStoreDbClient;
  dialect: Dialect;
  server: ServerName;
}>;

/**
 * One stream, decoded whole before the first envelope is handed out: a bad
 * event fails the read instead of ending it early with half a stream. A
 * stream the server does not know reads empty.
 */
export const readStoredEvents = async (
  context: ServerContext,
  streamId: string,
  options: ReadOptions,
  // Reads that decide an append (replays, versions) go to the leader: a follower may lag.
  leader = false,
): Promise<StoredEvent[]> => {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  if (limit === 0) return [];
  const backwards = options.direction === 'backwards';
  const request: ClientReadStreamOptions = {
    direction: backwards ? 'backwards' : 'forwards',
    fromRevision:
      options.from === undefined ? (backwards ? 'end' : 'start') : versionToRevision(Math.max(0, options.from)),
    maxCount: limit,
    ...(leader ? { requiresLeader: true } : {}),
  };
  const recorded: ClientRecordedEvent[] = [];
  try {
    for await (const resolved of context.client.readStream(streamId, request))
      if (resolved.event !== undefined) recorded.push(resolved.event);
  } catch (error) {
    if (classifyClientError(error, context.server, { streamId, operation: 'read' }).kind === 'stream-not-found')
      return [];
    throw rejection(error, context.server, { streamId, operation: 'read' });
  }
  return recorded.map(decodeRecorded);
};

/** Version of the stream's last event (-1 when there is none), as the leader knows it. */
export const lastVersion = async (context: ServerContext, streamId: string): Promise<number> => {
  const [last] = await readStoredEvents(context, streamId, { direction: 'backwards', limit: 1 }, true);
  return last?.envelope.streamVersion ?? -1;
};
