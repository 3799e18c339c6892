import {
  checkedCall,
  idProblem,
  optionalIdProblem,
  parkProblem,
  type ParkedEvent,
  type ParkedStore,
} from '@ordersource/core';
import type { SqlQueryable, SqlRow } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';

/**
 * Parked (poison) events in PostgreSQL (issue 11): one row per (consumer,
 * event), listed in parking order; parking again replaces the row and moves
 * it to the end. The table comes from `migrate()`.
 */
export type PostgresParkedStoreOptions = Readonly<{ schema?: string }>;

const toParked = (row: SqlRow): ParkedEvent => ({
  consumer: String(row['consumer']),
  eventId: String(row['event_id']),
  streamId: String(row['stream_id']),
  globalPosition: String(row['global_position']),
  attempts: Number(row['attempts']),
  error: String(row['error']),
  parkedAt: new Date(Number(row['parked_ms'])).toISOString(),
});

export const createPostgresParkedStore = (db: SqlQueryable, options: PostgresParkedStoreOptions = {}): ParkedStore => {
  const s = quoteIdent(validateSchemaName(options.schema ?? 'ordersource'));
  return {
    park: (consumer, envelope, attempts, error, at) =>
      checkedCall('park', parkProblem(consumer, envelope, attempts, error, at), async () => {
        await db.query(
          `insert into ${s}.parked_events (consumer, event_id, stream_id, global_position, attempts, error, parked_at)
           values ($1, $2, $3, $4, $5, $6, $7::timestamptz)
           on conflict (consumer, event_id) do update set stream_id = excluded.stream_id,
             global_position = excluded.global_position, attempts = excluded.attempts, error = excluded.error,
             parked_at = excluded.parked_at, parking_order = nextval('${s}.parked_order')`,
          [consumer, envelope.eventId, envelope.streamId, envelope.globalPosition, attempts, error, at],
        );
      }),
    list: (consumer) =>
      checkedCall('list', optionalIdProblem(consumer, 'consumer'), async () => {
        const rows = await db.query(
          `select consumer, event_id, stream_id, global_position, attempts, error,
                  (extract(epoch from parked_at) * 1000)::bigint::text as parked_ms
             from ${s}.parked_events where ($1::text is null or consumer = $1) order by parking_order`,
          [consumer ?? null],
        );
        return rows.map(toParked);
      }),
    retry: (consumer, eventId) =>
      checkedCall('retry', idProblem(consumer, 'consumer') ?? idProblem(eventId, 'eventId'), async () => {
        const rows = await db.query(
          `delete from ${s}.parked_events where consumer = $1 and event_id = $2 returning event_id`,
          [consumer, eventId],
        );
        return rows.length === 1;
      }),
  };
};
