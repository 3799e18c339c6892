import * as E from 'fp-ts/lib/Either.js';
import {
  ActorCodec,
  checkBatch,
  wrongExpectedVersion,
  type AppendError,
  type AppendResult,
  type ExpectedRevision,
  type InvalidAppend,
  type NewEvent,
} from '@ordersource/core';
import { plainActor } from './actor-check.js';
import { sqlState, storeError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';
import { jsonProblem, textProblem } from './json-check.js';
import { encodePosition } from './position.js';

/**
 * One append is one call of the schema's `append_events` function: a single
 * round trip and a single statement, so the batch, its version check, its
 * idempotency check and any outbox messages commit together or not at all.
 */

/** A message for the outbox, written in the same transaction as the events that caused it. */
export type OutboxMessage = Readonly<{
  /** Unique: a message whose key is stored already is not written again (idempotent reactors). */
  key: string;
  topic: string;
  payload: unknown;
}>;

export type AppendContext = Readonly<{
  db: SqlQueryable;
  /** The quoted schema name. */
  schema: string;
  /** NOTIFY inside the append's transaction (the store notifies after commit instead, see notifier.ts). */
  notify: boolean;
}>;

// btree index entries are limited to about 2.7 kB; stay well below.
const MAX_ID_BYTES = 1024;
const INT32_MAX = 2_147_483_647;
// A stored eventId fails the insert on the unique index; replay_of then tells replay from
// conflict. When the other writer rolled back instead, the append is tried again.
const UNIQUE_RETRIES = 3;

const invalid = (streamId: string, message: string): InvalidAppend => ({ kind: 'invalid-append', streamId, message });

const checkText = (streamId: string, value: unknown, what: string, required: boolean): InvalidAppend | undefined => {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) return invalid(streamId, `${what} must be a non-empty string`);
  const problem = textProblem(value, what);
  if (problem !== undefined) return invalid(streamId, problem);
  if (Buffer.byteLength(value) > MAX_ID_BYTES) return invalid(streamId, `${what} is longer than ${MAX_ID_BYTES} bytes`);
  return undefined;
};

/** What the port's `checkBatch` does not cover but PostgreSQL and JSON need. */
export const checkForStorage = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): InvalidAppend | undefined => {
  const basic = checkBatch(streamId, events);
  if (basic !== undefined) return basic;
  const stream = checkText(streamId, streamId, 'stream id', true);
  if (stream !== undefined) return stream;
  if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < -1 || expected > INT32_MAX))
    return invalid(streamId, `expected version ${expected} is not a stream version`);
  for (const input of events) {
    const which = `event ${input.eventId}`;
    const problem =
      checkText(streamId, input.eventId, `${which}: eventId`, true) ??
      checkText(streamId, input.event.type, `${which}: type`, true) ??
      checkText(streamId, input.occurredAt, `${which}: occurredAt`, true) ??
      checkText(streamId, input.causationId, `${which}: causationId`, false) ??
      checkText(streamId, input.correlationId, `${which}: correlationId`, false);
    if (problem !== undefined) return problem;
    if ((plainActor(input.actor) ?? ActorCodec.decode(input.actor))._tag === 'Left')
      return invalid(
        streamId,
        `${which}: actor must be { kind: admin|customer|system|provider, id, companyId?, name? }`,
      );
    const schemaVersion = input.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > INT32_MAX)
      return invalid(streamId, `${which}: schemaVersion must be a positive integer`);
    if (input.event.data === undefined) return invalid(streamId, `${which}: data is undefined, which JSON cannot hold`);
    const data = jsonProblem(input.event.data, 'data');
    if (data !== undefined) return invalid(streamId, `${which}: ${data}`);
    const actor = jsonProblem(input.actor, 'actor');
    if (actor !== undefined) return invalid(streamId, `${which}: ${actor}`);
  }
  return undefined;
};

const checkOutbox = (streamId: string, outbox: readonly OutboxMessage[]): InvalidAppend | undefined => {
  for (const message of outbox) {
    const problem =
      checkText(streamId, message.key, 'outbox message key', true) ??
      checkText(streamId, message.topic, `outbox message ${message.key}: topic`, true);
    if (problem !== undefined) return problem;
    if (message.payload === undefined) return invalid(streamId, `outbox message ${message.key}: payload is undefined`);
    const payload = jsonProblem(message.payload, 'payload');
    if (payload !== undefined) return invalid(streamId, `outbox message ${message.key}: ${payload}`);
  }
  return undefined;
};

const encodeEvents = (events: readonly NewEvent[]): string =>
  JSON.stringify(
    events.map((input) => ({
      id: input.eventId,
      type: input.event.type,
      data: input.event.data,
      occurredAt: input.occurredAt,
      actor: input.actor,
      causationId: input.causationId,
      correlationId: input.correlationId,
      schemaVersion: input.schemaVersion ?? 1,
    })),
  );

const expectedKind = (expected: ExpectedRevision): [string, number | null] =>
  typeof expected === 'number' ? ['exact', expected] : [expected, null];

export const appendEvents = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  outbox: readonly OutboxMessage[] = [],
): Promise<E.Either<AppendError, AppendResult>> => {
  const problem = checkForStorage(streamId, events, expected) ?? checkOutbox(streamId, outbox);
  if (problem !== undefined) return E.left(problem);
  const [kind, version] = expectedKind(expected);
  const params = [
    streamId,
    kind,
    version,
    encodeEvents(events),
    outbox.length === 0 ? null : JSON.stringify(outbox.map(({ key, topic, payload }) => ({ key, topic, payload }))),
    context.notify,
  ];
  const sql = `select * from ${context.schema}.append_events($1, $2, $3, $4::jsonb, $5::jsonb, $6)`;
  for (let attempt = 0; ; attempt++) {
    try {
      const [row] = await context.db.query(sql, params);
      return toResult(streamId, expected, row);
    } catch (error) {
      if (sqlState(error) !== '23505' || attempt >= UNIQUE_RETRIES) throw error;
    }
    // An eventId of this batch is stored: a replay of that batch, or a conflict.
    const [row] = await context.db.query(`select * from ${context.schema}.replay_of($1, $2::jsonb)`, [
      streamId,
      params[3],
    ]);
    // 'none': the other writer rolled back; try again.
    if (row?.['status'] !== 'none') return toResult(streamId, expected, row);
  }
};

const toResult = (
  streamId: string,
  expected: ExpectedRevision,
  row: Readonly<Record<string, unknown>> | undefined,
): E.Either<AppendError, AppendResult> => {
  const status = row?.['status'];
  if (row === undefined || typeof status !== 'string')
    throw storeError('decode', `append_events returned no status for stream ${JSON.stringify(streamId)}`);
  switch (status) {
    case 'ok':
    case 'replay':
      return E.right({
        streamId,
        firstVersion: Number(row['first_version']),
        nextExpectedVersion: Number(row['last_version']),
        lastPosition: encodePosition({
          transactionId: String(row['last_transaction']),
          sequence: String(row['last_position']),
        }),
      });
    case 'wrong-version':
      return E.left(wrongExpectedVersion(streamId, expected, Number(row['actual_version'])));
    case 'conflict': {
      const ids = Array.isArray(row['conflict_ids']) ? (row['conflict_ids'] as unknown[]).map(String) : [];
      return E.left({
        kind: 'idempotency-conflict',
        streamId,
        eventIds: ids,
        message: `stream "${streamId}": eventIds ${ids.join(', ')} were appended before, but not as this exact batch`,
      });
    }
    default:
      throw storeError('decode', `append_events returned an unknown status ${JSON.stringify(status)}`);
  }
};
