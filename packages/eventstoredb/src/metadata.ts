import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  ActorCodec,
  appendArgumentsProblem,
  argumentProblem,
  decode,
  derivedId,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  type ArgumentProblem,
  type Envelope,
  type ExpectedRevision,
  type NewEvent,
} from '@ordersource/core';
import type { ClientEventData, ClientJsonData, ClientRecordedEvent } from './client.js';
import { storeError } from './errors.js';
import { encodePosition } from './position.js';
import { revisionToVersion } from './revision.js';

/**
 * How an envelope lives in an EventStoreDB event. The server keeps an id, a
 * type, JSON data and JSON metadata per event; everything else of the
 * envelope goes into the metadata:
 *
 *   { occurredAt, actor, schemaVersion, $causationId?, $correlationId?, eventId?,
 *     ordersource: { append, index, size } }
 *
 * `$causationId` / `$correlationId` are the server's own conventions, so its
 * `$by_correlation_id` projection and UI understand them. `ordersource` marks
 * the write: `append` is a fresh id per `append` call and `index`/`size` place
 * the event in its batch, which is how a replay of a stored batch is told from
 * a new write and from a batch that only overlaps it (see append.ts).
 *
 * Event ids on the server are UUIDs. A canonical lowercase UUID (the kernel's
 * `newId`) is used as it is, so the server's own deduplication sees it; any
 * other id is mapped to a name-based UUID and kept in `eventId` for reading.
 */

export type WriteMark = Readonly<{ append: string; index: number; size: number }>;

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const serverEventId = (eventId: string): string =>
  CANONICAL_UUID.test(eventId) ? eventId : derivedId('ordersource/eventstoredb/event-id', eventId);

const SYSTEM_NAME = 'starts with "$", which EventStoreDB keeps for its own system streams and events';

/**
 * The port's argument checks (the same in every store), then what only this
 * server needs: user streams and event types must not look like its own.
 */
export const appendProblem = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): ArgumentProblem | undefined => {
  const problem = appendArgumentsProblem(streamId, events, expected);
  if (problem !== undefined) return problem;
  if (streamId.startsWith('$')) return argumentProblem('streamId', 'one-of', SYSTEM_NAME);
  const system = events.findIndex((input) => input.event.type.startsWith('$'));
  return system < 0 ? undefined : argumentProblem(`events[${system}].event.type`, 'one-of', SYSTEM_NAME);
};

export const encodeEvent = (input: NewEvent, mark: WriteMark): ClientEventData => {
  const id = serverEventId(input.eventId);
  return {
    id,
    contentType: 'application/json',
    type: input.event.type,
    // The clients type data as an object, array or string, but send JSON.stringify of
    // whatever they get; a bare number, boolean or null is valid JSON and comes back as it went.
    data: input.event.data as ClientJsonData,
    metadata: {
      occurredAt: input.occurredAt,
      actor: input.actor,
      schemaVersion: input.schemaVersion ?? 1,
      ...(input.causationId === undefined ? {} : { $causationId: input.causationId }),
      ...(input.correlationId === undefined ? {} : { $correlationId: input.correlationId }),
      ...(id === input.eventId ? {} : { eventId: input.eventId }),
      ordersource: { append: mark.append, index: mark.index, size: mark.size },
    },
  };
};

const WriteMarkCodec = t.strict({ append: NonEmptyString, index: NonNegativeInt, size: PositiveInt }, 'WriteMark');

const StoredMetadataCodec = t.intersection(
  [
    t.type({ occurredAt: NonEmptyString, actor: ActorCodec, schemaVersion: PositiveInt, ordersource: WriteMarkCodec }),
    t.partial({ $causationId: t.string, $correlationId: t.string, eventId: NonEmptyString }),
  ],
  'OrdersourceEventMetadata',
);
const decodeMetadata = decode(StoredMetadataCodec, 'event metadata');

export type StoredEvent = Readonly<{ envelope: Envelope; mark: WriteMark }>;

/** One recorded event as an envelope, or a `decode` error naming stream, revision and field. */
export const decodeRecorded = (recorded: ClientRecordedEvent): StoredEvent => {
  const where = `stream ${JSON.stringify(recorded.streamId)} revision ${recorded.revision}`;
  const fail = (field: string, rule: string): never => {
    throw storeError('decode', `cannot decode ${where}: ${field} ${rule}`, {
      streamId: recorded.streamId,
      revision: String(recorded.revision),
      field,
    });
  };
  if (!recorded.isJson) fail('data', 'must be JSON (the event was written as binary)');
  const metadata = decodeMetadata(recorded.metadata);
  if (E.isLeft(metadata)) {
    const [issue] = metadata.left.issues;
    return fail(`metadata.${issue?.path ?? '(root)'}`, `is not what ordersource writes: ${metadata.left.message}`);
  }
  const meta = metadata.right;
  if (recorded.position === undefined) return fail('position', 'is missing (the server sent no $all position)');
  const created = recorded.created.getTime();
  if (Number.isNaN(created)) fail('created', 'is not a timestamp');
  return {
    envelope: {
      event: { type: recorded.type, data: recorded.data },
      eventId: meta.eventId ?? recorded.id,
      streamId: recorded.streamId,
      streamVersion: revisionToVersion(recorded.revision),
      globalPosition: encodePosition(recorded.position),
      occurredAt: meta.occurredAt,
      recordedAt: new Date(created).toISOString(),
      ...(meta.$causationId === undefined ? {} : { causationId: meta.$causationId }),
      ...(meta.$correlationId === undefined ? {} : { correlationId: meta.$correlationId }),
      actor: meta.actor,
      schemaVersion: meta.schemaVersion,
    },
    mark: meta.ordersource,
  };
};

/** Events the server writes for itself: its system streams, metadata streams and link events. */
export const isSystemEvent = (recorded: ClientRecordedEvent): boolean =>
  recorded.streamId.startsWith('$') || recorded.type.startsWith('$');
