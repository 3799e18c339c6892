import * as E from 'fp-ts/lib/Either.js';
import {
  sleep,
  wrongExpectedVersion,
  type AppendError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
} from '@ordersource/core';
import { checkForStorage, checkOutbox, type OutboxMessage } from './batch-check.js';
import { sqlState, storeError } from './errors.js';
import type { SqlQueryable, SqlRow } from './executor/types.js';
import { encodePosition } from './position.js';

/**
 * One append is one INSERT statement (one round trip): the version check, the
 * batch and any outbox messages commit together or not at all. Idempotency by
 * eventId rests on the unique index; `replay_of` tells a replay of a stored
 * batch from a conflict, and is asked only when the fast path fails.
 */

export type AppendContext = Readonly<{
  db: SqlQueryable;
  /** The quoted schema name. */
  schema: string;
}>;

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

/**
 * The append statement. `cur` reads the stream's version and the check keeps
 * the insert from running when the expected revision does not hold. A writer
 * that raced us to the same next version loses on the unique index
 * (stream_id, stream_version) and tries again with a fresh snapshot.
 *
 * Why this keeps stream order equal to commit order: the version we write is
 * one more than the last version our snapshot saw committed, and our
 * transaction id is assigned at the insert, after that snapshot, so it is
 * larger than the id of every transaction that wrote an earlier version.
 */
const appendSql = (schema: string, single: boolean, withOutbox: boolean): string => `
with cur as (
  select coalesce(max(e.stream_version), -1) as v from ${schema}.events e where e.stream_id = $1
), ok as (
  select cur.v from cur
   where $2::text = 'any' or ($2::text = 'no-stream' and cur.v = -1) or ($2::text = 'exists' and cur.v >= 0)
      or ($2::text = 'exact' and cur.v = $3::integer)
), ins as (
  insert into ${schema}.events (stream_id, stream_version, event_id, event_type, data, occurred_at, actor,
                                causation_id, correlation_id, schema_version, batch_first, batch_last)
  ${
    single
      ? // Most appends carry one event: its fields travel as parameters, no JSON array to unpack.
        `select $1, ok.v + 1, $4::text, $5::text, $6::jsonb, $7::text, $8::jsonb, $9::text, $10::text, $11::integer,
         ok.v + 1, ok.v + 1
    from ok`
      : `select $1, ok.v + i.ord::integer, i.value->>'id', i.value->>'type', i.value->'data', i.value->>'occurredAt',
         i.value->'actor', i.value->>'causationId', i.value->>'correlationId', (i.value->>'schemaVersion')::integer,
         ok.v + 1, ok.v + jsonb_array_length($4::jsonb)
    from ok, jsonb_array_elements($4::jsonb) with ordinality as i(value, ord)
   order by i.ord`
  }
  returning global_position
)${
  withOutbox
    ? `, outbox as (
  insert into ${schema}.outbox (message_key, topic, payload, stream_id)
  select o.value->>'key', o.value->>'topic', o.value->'payload', $1
    from ok, jsonb_array_elements($${single ? 12 : 5}::jsonb) with ordinality as o(value, ord)
   order by o.ord
  on conflict (message_key) do nothing
)`
    : ''
}
select cur.v as actual, (select max(global_position) from ins)::text as last_position,
       pg_current_xact_id_if_assigned()::text as last_transaction
  from cur`;

const eventParams = (events: readonly NewEvent[]): unknown[] => {
  const [only] = events;
  if (events.length !== 1 || only === undefined) return [encodeEvents(events)];
  return [
    only.eventId,
    only.event.type,
    JSON.stringify(only.event.data),
    only.occurredAt,
    JSON.stringify(only.actor),
    only.causationId ?? null,
    only.correlationId ?? null,
    only.schemaVersion ?? 1,
  ];
};

// Writers racing for the same next version of one stream: each round one wins.
const MAX_RACES = 100;

const replayOf = async (context: AppendContext, streamId: string, eventsJson: string) => {
  const [row] = await context.db.query(`select * from ${context.schema}.replay_of($1, $2::jsonb)`, [
    streamId,
    eventsJson,
  ]);
  return row;
};

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
  const params: unknown[] = [streamId, kind, version, ...eventParams(events)];
  if (outbox.length > 0)
    params.push(JSON.stringify(outbox.map(({ key, topic, payload }) => ({ key, topic, payload }))));
  const sql = appendSql(context.schema, events.length === 1, outbox.length > 0);
  // replay_of reads the batch as one JSON array: built only when a slow path needs it.
  let eventsJson: string | undefined;
  const batchJson = (): string => (eventsJson ??= encodeEvents(events));
  for (let attempt = 0; ; attempt++) {
    let row: SqlRow | undefined;
    try {
      [row] = await context.db.query(sql, params);
    } catch (error) {
      if (sqlState(error) !== '23505' || attempt >= MAX_RACES) throw error;
      // A stored eventId (a replay or a conflict), or a lost race for the next version.
      const replay = await replayOf(context, streamId, batchJson());
      if (replay?.['status'] !== 'none') return fromReplay(streamId, replay);
      await sleep(Math.floor(Math.random() * Math.min(attempt + 1, 10)));
      continue;
    }
    const actual = Number(row?.['actual']);
    const position = row?.['last_position'];
    const transaction = row?.['last_transaction'];
    if (typeof position === 'string' && typeof transaction === 'string')
      return E.right({
        streamId,
        firstVersion: actual + 1,
        nextExpectedVersion: actual + events.length,
        lastPosition: encodePosition({ transactionId: transaction, sequence: position }),
      });
    if (!Number.isInteger(actual))
      throw storeError('decode', `the append to stream ${JSON.stringify(streamId)} returned no version`);
    // The expected revision did not hold. A retry of a stored batch carries a stale one: a replay.
    const replay = await replayOf(context, streamId, batchJson());
    return replay?.['status'] === 'none'
      ? E.left(wrongExpectedVersion(streamId, expected, actual))
      : fromReplay(streamId, replay);
  }
};

const fromReplay = (streamId: string, row: SqlRow | undefined): E.Either<AppendError, AppendResult> => {
  switch (row?.['status']) {
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
      throw storeError('decode', `replay_of returned an unknown status ${JSON.stringify(row?.['status'])}`);
  }
};
