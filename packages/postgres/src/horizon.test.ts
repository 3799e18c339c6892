import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { collect, newEvent, right } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Issue 18, "order closed: not reached": the gap-free reader waited for the
 * oldest transaction running anywhere on the server. A bulk insert in another
 * database of the same server held every reader of this store still for as
 * long as it ran. The horizon now leaves out transactions of other databases
 * (horizon.ts) and still waits for this database's own.
 *
 * The other database is ORDERSOURCE_PG_OTHER_URL, or the server's `postgres`
 * database: the test only opens a transaction there, takes an id and rolls back.
 */
const server = await probeServer('PostgreSQL visibility horizon');
const schema = testSchema();

const otherDatabaseUrl = (url: string): string => {
  const given = process.env['ORDERSOURCE_PG_OTHER_URL'];
  if (given !== undefined && given !== '') return given;
  const other = new URL(url);
  other.pathname = '/postgres';
  return other.toString();
};

/** A transaction that has an id (as a writer has) and stays open until `end`. */
const openTransaction = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('begin');
  const [row] = (await client.query<{ id: string }>('select pg_current_xact_id()::text as id')).rows;
  return {
    id: row!.id,
    database: (await client.query<{ db: string }>('select current_database() as db')).rows[0]!.db,
    end: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
};

describe.skipIf(server.skip)('the reader horizon on PostgreSQL (issue 18)', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = createPgExecutor({ connectionString: server.url!, max: 4 });
    // A short visibility wait: a reader held back returns the safe prefix (nothing) quickly.
    store = await createPostgresEventStore(executor, { schema, visibilityWaitMs: 150, notify: false });
  });

  afterAll(async () => {
    await store?.close();
    await executor?.query(`drop schema if exists "${schema}" cascade`);
    await executor?.close();
  });

  it('a transaction running in another database does not hold back the readers of this one', async () => {
    const other = await openTransaction(otherDatabaseUrl(server.url!));
    try {
      const [{ db }] = (await executor.query('select current_database() as db')) as [{ db: string }];
      expect(other.database).not.toBe(db);
      right(await store.append('horizon-1', [newEvent('a')], 'no-stream'));
      // The other transaction is older than the append and still running.
      const [snapshot] = await executor.query(
        `select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, pg_visible_in_snapshot($1::xid8, pg_current_snapshot()) as done`,
        [other.id],
      );
      expect(BigInt(String(snapshot?.['xmin']))).toBeLessThanOrEqual(BigInt(other.id));
      expect(snapshot?.['done']).toBe(false);
      const read = await collect(store.readAll(undefined, { streamPrefix: 'horizon-1' }));
      expect(read.map((e) => e.streamId)).toEqual(['horizon-1']);
    } finally {
      await other.end();
    }
  });

  it('a transaction running in this database still holds the readers back until it ends (no event is skipped)', async () => {
    const mine = await openTransaction(server.url!);
    try {
      right(await store.append('horizon-2', [newEvent('b')], 'no-stream'));
      expect(await collect(store.readAll(undefined, { streamPrefix: 'horizon-2' }))).toEqual([]);
    } finally {
      await mine.end();
    }
    const read = await collect(store.readAll(undefined, { streamPrefix: 'horizon-2' }));
    expect(read.map((e) => e.streamId)).toEqual(['horizon-2']);
  });
});
