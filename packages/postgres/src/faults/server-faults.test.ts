import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from '../event-store.js';
import { createPgExecutor } from '../executor/pg.js';
import type { SqlExecutor } from '../executor/types.js';
import { collect } from '../test-support/fixtures.js';
import { testSchema } from '../test-support/server.js';
import { checkLedger, chunkEvents, figures, killRepeatedly, recoveryTimes, runWriters } from './fault-load.js';
import { createPrivateServer, probePrivateServer, type PrivateServer } from './private-server.js';

/**
 * Issue 8, "server faults on a real PostgreSQL you control": a private server
 * (its own data directory and port) is SIGKILLed, every process of it at once,
 * and restarted on the same data while clients work. Each test prints one
 * `fault-figures` line for docs/reliability.md.
 *
 * The WAL writer and background writer are slowed down (`wal_writer_delay`
 * 10 s, no background writes), so WAL that no commit flushed stays in memory
 * until the crash, deterministically: exactly what a crash may lose.
 */
const probe = probePrivateServer('PostgreSQL server faults (private server)');

describe.skipIf(probe.skip)('a private PostgreSQL server killed with SIGKILL and restarted', () => {
  let server: PrivateServer;
  const executors: SqlExecutor[] = [];
  const stores: PostgresEventStore[] = [];

  /** A client as another process would have it: its own pool, its own store object. */
  const client = async (schema: string, options: { pollIntervalMs?: number } = {}) => {
    const executor = createPgExecutor({ connectionString: server.url, max: 6 });
    executors.push(executor);
    const store = await createPostgresEventStore(executor, { schema, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await createPrivateServer(probe, {
      settings: {
        wal_writer_delay: '10000ms',
        bgwriter_lru_maxpages: '0',
        autovacuum: 'off',
        checkpoint_timeout: '30min',
      },
    });
  }, 120_000);
  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    for (const executor of executors) await executor.close().catch(() => undefined);
    await server?.destroy();
  }, 60_000);

  it('writers: every acknowledged append survives 3 kills, no partial batch, connection errors only', async () => {
    const schema = testSchema();
    const store = await client(schema);
    let stop = false;
    const load = runWriters(
      store,
      { writers: 6, prefix: 'fault-', batchesPerStream: 5, events: chunkEvents, shared: true },
      () => stop,
    );
    const outages = await killRepeatedly(server, 3, 1_500, 300);
    stop = true;
    const ledger = await load;
    const all = await collect(store.readAll());
    const check = checkLedger(ledger, all);
    const recovery = recoveryTimes(outages, ledger.ackTimes);
    console.log(
      figures('writers', {
        kills: outages.length,
        writers: 6,
        batches: ledger.batches,
        attempts: ledger.attempts,
        acknowledgedBatches: ledger.acknowledged.length,
        acknowledgedEvents: check.acknowledgedEvents,
        storedEvents: check.storedEvents,
        connectionErrors: ledger.connectionErrors,
        lost: check.lost,
        partial: check.partial,
        misplaced: check.misplaced,
        wrong: ledger.wrong.length,
        restartMs: outages.map((o) => o.restartMs).join('/'),
        recoveryMs: recovery.join('/'),
      }),
    );
    expect(ledger.wrong).toEqual([]);
    expect(check).toMatchObject({ lost: 0, partial: 0, misplaced: 0, gappy: 0 });
    // Every batch was retried until acknowledged: the store holds exactly the acknowledged events.
    expect(check.storedEvents).toBe(check.acknowledgedEvents);
    expect(ledger.connectionErrors).toBeGreaterThan(0);
    expect(recovery.every((ms) => ms >= 0)).toBe(true);
  }, 120_000);
});
