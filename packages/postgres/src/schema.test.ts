import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { createPostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { validateSchemaName } from './identifiers.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from './schema.js';
import { collect, newEvent, right } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

const kindOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isStoreError(error) ? error.kind : `not a store error: ${String(error)}`;
  }
};

describe('schema, migrations and clear errors (PGlite)', () => {
  let executor: SqlExecutor;
  beforeAll(async () => {
    executor = await createPgliteExecutor();
  });
  afterAll(async () => {
    await executor.close();
  });

  it('validates the schema name before anything reaches SQL', async () => {
    for (const bad of ['', 'Orders', 'a-b', 'x"; drop table y; --', 'pg_catalog', '1abc', 'a'.repeat(49), 'ünï'])
      expect(() => validateSchemaName(bad), bad).toThrow(/invalid schema name/);
    expect(validateSchemaName('orders_2026')).toBe('orders_2026');
    expect(await kindOf(createPostgresEventStore(executor, { schema: 'bad name' }))).toBe('invalid-schema-name');
  });

  it('migrates once: a second start applies nothing and keeps the data', async () => {
    expect(await migrate(executor, 'twice')).toEqual(MIGRATIONS.map((migration) => migration.version));
    const store = await createPostgresEventStore(executor, { schema: 'twice' });
    right(await store.append('order-1', [newEvent('OrderPlaced')], 'no-stream'));
    expect(await migrate(executor, 'twice')).toEqual([]);
    expect(await store.streamVersion('order-1')).toBe(0);
    const rows = await executor.query('select version, name from twice.migrations');
    expect(rows).toHaveLength(LATEST_VERSION);
  });

  it('a store opened with migrate: false on a missing schema fails fast and says what to do', async () => {
    const error = await createPostgresEventStore(executor, { schema: 'nowhere', migrate: false }).catch(
      (thrown: unknown) => thrown,
    );
    expect(isStoreError(error) && error.kind).toBe('missing-schema');
    expect((error as Error).message).toMatch(/schema "nowhere" has no ordersource tables: run migrations/);
    await migrate(executor, 'somewhere');
    const store = await createPostgresEventStore(executor, { schema: 'somewhere', migrate: false });
    expect(await store.streamVersion('x')).toBe(-1);
  });

  it('refuses a server older than PostgreSQL 13', async () => {
    const old: SqlExecutor = {
      ...executor,
      query: async (sql, params) =>
        sql.includes('server_version_num') ? [{ version: '120017' }] : executor.query(sql, params),
    };
    const error = await createPostgresEventStore(old, { schema: 'old' }).catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('server-version');
    expect((error as Error).message).toMatch(/PostgreSQL 120017 is too old: ordersource needs 13 or later/);
  });

  it('a row that does not decode fails the read, naming stream, version and field; no half stream', async () => {
    const store = await createPostgresEventStore(executor, { schema: 'corrupt' });
    right(await store.append(`o'rder-1`, [newEvent('A'), newEvent('B'), newEvent('C')], 'no-stream'));
    await executor.query(
      `update corrupt.events set actor = '{"kind":"alien","id":"x"}' where stream_id = $1 and stream_version = 1`,
      [`o'rder-1`],
    );
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const envelope of store.read(`o'rder-1`)) seen.push(envelope);
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual([]);
    expect(isStoreError(error) && error.kind).toBe('decode');
    expect(error).toMatchObject({ streamId: `o'rder-1`, streamVersion: 1, field: 'actor' });
    expect((error as Error).message).toMatch(/stream "o'rder-1" version 1: field "actor"/);
    await expect(collect(store.readAll())).rejects.toThrow(/field "actor"/);
  });

  it('events restored from another cluster (transaction ids ahead of the server) stop the store from starting', async () => {
    await migrate(executor, 'restored');
    await executor.query(
      `insert into restored.events (transaction_id, stream_id, stream_version, event_id, event_type, data, occurred_at,
                                    actor, schema_version, batch_first, batch_last)
       values ('9000000000'::xid8, 'order-1', 0, 'e-1', 'OrderPlaced', '{}', '2026-11-24T10:00:00Z',
               '{"kind":"admin","id":"a"}', 1, 0, 0)`,
    );
    const error = await createPostgresEventStore(executor, { schema: 'restored' }).catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('xid-behind');
    expect((error as Error).message).toMatch(
      /holds events of transaction 9000000000, but this server's next transaction id is \d+/,
    );
    // The documented fix for a logical restore: renumber the restored rows below every new transaction.
    await executor.query(`update restored.events set transaction_id = '3'::xid8`);
    const store = await createPostgresEventStore(executor, { schema: 'restored' });
    expect((await collect(store.readAll())).map((e) => e.eventId)).toEqual(['e-1']);
  });

  it('an unreadable checkpoint is an error, not a silent restart', async () => {
    const store = await createPostgresEventStore(executor, { schema: 'checkpoints' });
    await expect(collect(store.readAll('42'))).rejects.toThrow(/invalid PostgreSQL checkpoint "42"/);
    const sub = store.subscribe('not-a-checkpoint', () => undefined);
    await expect(sub.done).rejects.toThrow(/invalid PostgreSQL checkpoint/);
  });

  it('persists in a data directory: a second run sees the first run’s orders', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordersource-pglite-'));
    try {
      const first = await createPgliteExecutor({ dataDir });
      // A second opener while the first has it open would corrupt it: refused.
      const second1 = await createPgliteExecutor({ dataDir }).catch((thrown: unknown) => thrown);
      expect(isStoreError(second1) && second1.kind).toBe('data-dir-locked');
      expect((second1 as Error).message).toMatch(new RegExp(`in use by process ${process.pid} \\(this one\\)`));
      const store1 = await createPostgresEventStore(first);
      right(await store1.append('order-7', [newEvent('OrderPlaced', { note: 'first run' })], 'no-stream'));
      await store1.close();
      await first.close();
      const second = await createPgliteExecutor({ dataDir });
      const store2 = await createPostgresEventStore(second);
      const read = await collect(store2.read('order-7'));
      expect(read.map((e) => e.event.data)).toEqual([{ note: 'first run' }]);
      right(await store2.append('order-7', [newEvent('OrderConfirmed')], 0));
      await store2.close();
      await second.close();
      // A lock left by a process that is gone is taken over.
      await writeFile(`${dataDir}.lock`, '2147483646');
      const third = await createPgliteExecutor({ dataDir });
      expect(JSON.parse(await readFile(`${dataDir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
      await third.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.lock`, { force: true });
    }
  });
});

describe('connection errors', () => {
  it('an unreachable server is a connection error that names the server, not the password', async () => {
    const executor = createPgExecutor({ connectionString: 'postgres://someone:s3cret@127.0.0.1:1/nothing' });
    try {
      const error = await createPostgresEventStore(executor).catch((thrown: unknown) => thrown);
      expect(isStoreError(error) && error.kind).toBe('connection');
      expect((error as Error).message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/nothing/);
      expect((error as Error).message).not.toContain('s3cret');
    } finally {
      await executor.close();
    }
  });
});

const server = await probeServer('PostgreSQL migrations');

describe.skipIf(server.skip)('migrations on PostgreSQL', () => {
  it('two processes starting at once: both succeed, every migration applied once', async () => {
    const schema = testSchema();
    const a = createPgExecutor({ connectionString: server.url!, max: 2 });
    const b = createPgExecutor({ connectionString: server.url!, max: 2 });
    try {
      const applied = await Promise.all([migrate(a, schema), migrate(b, schema), migrate(a, schema)]);
      expect(applied.flat()).toEqual(MIGRATIONS.map((migration) => migration.version));
      const rows = await a.query(`select count(*)::int as n from "${schema}".migrations`);
      expect(rows[0]?.['n']).toBe(LATEST_VERSION);
    } finally {
      await a.query(`drop schema if exists "${schema}" cascade`);
      await a.close();
      await b.close();
    }
  });
});
