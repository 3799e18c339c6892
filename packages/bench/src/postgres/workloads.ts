import { randomBytes } from 'node:crypto';
import { newId, type NewEvent } from '@ordersource/core';
import type { SqlExecutor } from '@ordersource/postgres';

/** Inputs shared by the PostgreSQL benchmarks; built before anything is timed. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

const ACTOR = { kind: 'customer', id: 'customer-1' } as const;

export const orderEvent = (i: number): NewEvent => ({
  event: {
    type: i % 10 === 0 ? 'OrderPlaced' : 'LineAdded',
    data: { sku: `SKU-${i % 50}`, qty: 1 + (i % 3), cents: 1999 },
  },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: ACTOR,
});

export const batchOf = (size: number): NewEvent[] => Array.from({ length: size }, (_, i) => orderEvent(i));

/** Two raw baselines: a minimal table, and one with the event table's columns and constraints. */
export const createRawTables = async (db: SqlExecutor, schema: string): Promise<void> => {
  await db.query(
    `create table "${schema}".raw_minimal (id bigint generated always as identity primary key, stream_id text not null, data jsonb not null)`,
  );
  await db.query(
    `create table "${schema}".raw_events (
       global_position bigint generated always as identity,
       transaction_id xid8 not null default pg_current_xact_id(),
       stream_id text not null, stream_version integer not null, event_id text not null, event_type text not null,
       data jsonb not null, occurred_at text not null, recorded_at timestamptz not null default now(), actor jsonb not null,
       schema_version integer not null,
       primary key (transaction_id, global_position), unique (stream_id, stream_version), unique (event_id))`,
  );
};

export const rawMinimalInsert = (db: SqlExecutor, schema: string, streamId: string, event: NewEvent) =>
  db.query(`insert into "${schema}".raw_minimal (stream_id, data) values ($1, $2::jsonb)`, [
    streamId,
    JSON.stringify(event.event.data),
  ]);

export const rawEventInsert = (db: SqlExecutor, schema: string, streamId: string, version: number, event: NewEvent) =>
  db.query(
    `insert into "${schema}".raw_events (stream_id, stream_version, event_id, event_type, data, occurred_at, actor, schema_version)
     values ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, 1)`,
    [
      streamId,
      version,
      event.eventId,
      event.event.type,
      JSON.stringify(event.event.data),
      event.occurredAt,
      JSON.stringify(event.actor),
    ],
  );

/** `writers` concurrent loops of `each` calls; resolves with the number of calls. */
export const concurrently = async (
  writers: number,
  each: number,
  call: (writer: number, i: number) => Promise<unknown>,
): Promise<number> => {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) await call(w, i);
    }),
  );
  return writers * each;
};
