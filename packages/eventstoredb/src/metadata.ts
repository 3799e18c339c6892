import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  ActorCodec,
  appendArgumentsProblem,
  argumentProblem,
  decode,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  type ArgumentProblem,
  type Envelope,
  type ExpectedRevision,
  type NewEvent,
} from '@ordersource/core';
import type { ClientEventData, ClientJsonData, ClientRecordedEvent } from './client.js';
import { CLAIM_STREAM_PREFIX } from './claims.js';
import { storeError } from './errors.js';
import { serverEventId } from './event-id.js';
import { encodePosition } from './position.js';
import { revisionToVersion } from './revision.js';

/**
 * How an envelope lives in an EventStoreDB event. The server keeps an id, a
 * type, JSON data and metadata per event; everything else of the envelope
 * goes into the metadata, as a flat object of strings:
 *
 *   { occurredAt, actor: "<json>", schemaVersion: "<n>", $causationId?, $correlationId?,
 *     eventId?, ordersource: "<json of { append, index, size }>" }
 *
 * Flat strings because `multiStreamAppend` (the atomic path of append.ts)
 * sends metadata as the record's string properties and refuses anything else;
 * the classic append stores the same object as JSON, so every event is
 * written, and read back, the same way whichever path wrote it. (Events
 * written by `multiStreamAppend` read back with the server's extra
 * `$schema.format` / `$schema.name` keys, which are ignored.)
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

const SYSTEM_NAME = 'starts with "$", which EventStoreDB keeps for its own system streams and events';

/**
 * The port's argument checks (the same in every store), then what only this
 * server needs: user streams and event types must not look like its own, nor
 * streams like the adapter's eventId claims (claims.ts).
 */
export const appendProblem = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): ArgumentProblem | undefined => {
  const problem = appendArgumentsProblem(streamId, events, expected);
  if (problem !== undefined) return problem;
  if (streamId.startsWith('$')) return argumentProblem('streamId', 'one-of', SYSTEM_NAME);
  if (streamId.startsWith(CLAIM_STREAM_PREFIX))
    return argumentProblem(
      'streamId',
      'one-of',
      `starts with "${CLAIM_STREAM_PREFIX}", which this adapter keeps for its eventId claims`,
    );
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
      actor: JSON.stringify(input.actor),
      schemaVersion: String(input.schemaVersion ?? 1),
      ...(input.causationId === undefined ? {} : { $causationId: input.causationId }),
      ...(input.correlationId === undefined ? {} : { $correlationId: input.correlationId }),
      ...(id === input.eventId ? {} : { eventId: input.eventId }),
      ordersource: JSON.stringify({ append: mark.append, index: mark.index, size: mark.size }),
    },
  };
};

const WriteMarkCodec = t.strict({ append: NonEmptyString, index: NonNegativeInt, size: PositiveInt }, 'WriteMark');

const StoredMetadataCodec = t.intersection(
  [
    t.type({ occurredAt: NonEmptyString, actor: t.string, schemaVersion: t.string, ordersource: t.string }),
    t.partial({ $causationId: t.string, $correlationId: t.string, eventId: NonEmptyString }),
  ],
  'OrdersourceEventMetadata',
);
const decodeMetadata = decode(StoredMetadataCodec, 'event metadata');
const decodeActor = decode(ActorCodec, 'actor');
const decodeMark = decode(WriteMarkCodec, 'ordersource');

const DECIMAL = /^[1-9]\d{0,8}$/;

/** A metadata value that holds JSON: parsed, then decoded; a failure names the field inside it. */
const jsonField = <A>(
  raw: string,
  field: string,
  decoder: (input: unknown) => E.Either<{ message: string; issues: readonly { path: string }[] }, A>,
  fail: (field: string, rule: string) => never,
): A => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(`metadata.${field}`, 'is not JSON');
  }
  const result = decoder(parsed);
  if (E.isRight(result)) return result.right;
  const path = result.left.issues[0]?.path ?? '';
  return fail(
    `metadata.${field}${path === '' ? '' : `.${path}`}`,
    `is not what ordersource writes: ${result.left.message}`,
  );
};

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
  const actor = jsonField(meta.actor, 'actor', decodeActor, fail);
  const mark = jsonField(meta.ordersource, 'ordersource', decodeMark, fail);
  if (!DECIMAL.test(meta.schemaVersion)) fail('metadata.schemaVersion', 'is not a positive integer in decimal');
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
      actor,
      schemaVersion: Number(meta.schemaVersion),
    },
    mark,
  };
};

/** Events the server writes for itself: its system streams, metadata streams and link events. */
export const isSystemEvent = (recorded: ClientRecordedEvent): boolean =>
  recorded.streamId.startsWith('$') || recorded.type.startsWith('$');
