import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decode, NonEmptyString } from '@ordersource/core';
import type { ClientEventData } from './client.js';
import { classifyClientError } from './client-errors.js';
import { storeError } from './errors.js';
import { serverEventId } from './event-id.js';
import type { ServerContext } from './read.js';

/**
 * EventStoreDB has no index of event ids across streams, so the port's
 * promise that an eventId is stored once (an id reused on another stream is
 * an `idempotency-conflict`) needs one of ours: a claim. The claim of an
 * eventId is a stream of its own, `ordersource.eventid-<server event id>`,
 * holding one event (type `ordersource.eventid`, data `{ streamId }`) that
 * names the stream the id was appended to. It is written with the expectation
 * `no_stream`, so of two appends claiming one id, one wins.
 *
 * The claim's own event id is fresh every time: with a stable one, the server
 * would acknowledge a second `no_stream` write of it without writing (its
 * idempotency check) and the loser would believe it had won.
 *
 * Claim streams are ordinary user streams (a `$` name needs admin rights);
 * readers of `$all` leave them out (filter.ts), and appends to a stream with
 * the claim prefix are refused (metadata.ts). How claims are written, and
 * what a claim left by a failed append means, is append.ts's business.
 */

export const CLAIM_STREAM_PREFIX = 'ordersource.eventid-';
export const CLAIM_EVENT_TYPE = 'ordersource.eventid';

export const claimStreamOf = (eventId: string): string => `${CLAIM_STREAM_PREFIX}${serverEventId(eventId)}`;

export const isClaimStream = (streamName: unknown): boolean =>
  typeof streamName === 'string' && streamName.startsWith(CLAIM_STREAM_PREFIX);

export const claimEvent = (streamId: string, claimId: string): ClientEventData => ({
  id: claimId,
  contentType: 'application/json',
  type: CLAIM_EVENT_TYPE,
  data: { streamId },
  metadata: {},
});

const ClaimCodec = t.type({ streamId: NonEmptyString }, 'EventIdClaim');
const decodeClaim = decode(ClaimCodec, 'eventId claim');

/** The owner of an eventId's claim: the stream it names, or undefined when the id is unclaimed. */
export const readClaim = async (context: ServerContext, eventId: string): Promise<string | undefined> => {
  const streamName = claimStreamOf(eventId);
  try {
    for await (const resolved of context.client.readStream(streamName, {
      direction: 'forwards',
      fromRevision: 'start',
      maxCount: 1,
      requiresLeader: true,
    })) {
      const claim = decodeClaim(resolved.event?.data);
      if (E.isLeft(claim))
        throw storeError(
          'decode',
          `cannot decode the claim of eventId ${JSON.stringify(eventId)} (stream ${JSON.stringify(streamName)}): ${claim.left.message}`,
          { streamId: streamName, field: 'data.streamId' },
        );
      return claim.right.streamId;
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'EventStoreDbStoreError') throw error;
    const failure = classifyClientError(error, context.server, { streamId: streamName, operation: 'read claim' });
    if (failure.kind === 'stream-not-found') return undefined;
    if (failure.kind === 'rejected') throw failure.error;
    throw storeError('server', `read claim (stream ${JSON.stringify(streamName)}): ${failure.kind}`, { cause: error });
  }
  return undefined;
};

/** The owners of the claimed ids among `eventIds` (unclaimed ids are absent). */
export const readClaims = async (
  context: ServerContext,
  eventIds: readonly string[],
): Promise<ReadonlyMap<string, string>> => {
  const owners = await Promise.all(eventIds.map(async (id) => [id, await readClaim(context, id)] as const));
  return new Map(owners.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
};
