import type { Command, Envelope, Reactor } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { SqlQueryable } from '@ordersource/postgres';
import type { AnyPartitionedReactor, PartitionedProjection } from '../ports.js';

/**
 * The consumers the scale-out tests and the benchmark run: a projection that
 * records every event it applies (a second application shows as applied = 2),
 * and a reactor that asks for one command per event, whose dispatch records
 * every emission with its command id (the same cause under two ids would be
 * a command emitted twice).
 */
export const tallyTables = (schema: string): readonly string[] => [
  `create table if not exists "${schema}".tally (
     event_id text primary key, stream_id text not null, partition integer not null,
     applied integer not null default 1, owner text not null)`,
  `create table if not exists "${schema}".dispatched (
     command_id text not null, cause_event_id text not null, owner text not null, at timestamptz not null default now())`,
];

export const tallyProjection = (
  schema: string,
  owner: string,
  partitionOfStream: (streamId: string) => number,
): PartitionedProjection<SqlQueryable> => ({
  name: 'tally',
  filter: { streamPrefix: 'tick-' },
  handle: async (tx, envelope) => {
    await tx.query(
      `insert into "${schema}".tally (event_id, stream_id, partition, owner) values ($1, $2, $3, $4)
       on conflict (event_id) do update set applied = "${schema}".tally.applied + 1`,
      [envelope.eventId, envelope.streamId, partitionOfStream(envelope.streamId), owner],
    );
  },
});

const ackReactor: Reactor<{ type: string; data: unknown }> = {
  name: 'ack',
  decode: (envelope: Envelope) => E.right(envelope),
  filter: { streamPrefix: 'tick-' },
  react: (envelope) => [{ kind: 'command', streamId: `ack-${envelope.streamId}`, type: 'Ack', data: {} }],
};

export const ackDispatch = (db: SqlQueryable, schema: string, owner: string): AnyPartitionedReactor => ({
  reactor: ackReactor,
  dispatch: async (effect) => {
    if (effect.kind !== 'command') return;
    const command = effect.command as Command;
    await db.query(`insert into "${schema}".dispatched (command_id, cause_event_id, owner) values ($1, $2, $3)`, [
      command.metadata.commandId,
      effect.cause.eventId,
      owner,
    ]);
  },
});
