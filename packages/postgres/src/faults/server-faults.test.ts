import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import { isStoreError } from '../errors.js';
import { createPostgresEventStore, type PostgresEventStore } from '../event-store.js';
import { createPgExecutor } from '../executor/pg.js';
import type { SqlExecutor } from '../executor/types.js';
import { collect, newEvent, right, waitFor } from '../test-support/fixtures.js';
import { testSchema } from '../test-support/server.js';
import {
  checkLedger,
  chunkEvents,
  figures,
  foldOrderSummaries,
  orderEvents,
  killRepeatedly,
  recoveryTimes,
  runWriters,
} from './fault-load.js';
import { runOutboxWorker, type OutboxRecord } from '../outbox.js';
import { runSqlProjection } from '../projection.js';
import { createOrderSummaries, orderSummaries, summaries } from '../test-support/order-summaries.js';
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

  it('a follower never moves past a transaction id that a crash can hand out again', async () => {
    const schema = testSchema();
    const writer = await client(schema);
    const follower = await client(schema, { pollIntervalMs: 10 });
    const seen: Envelope[] = [];
    const sub = follower.subscribe(undefined, (envelope) => void seen.push(envelope));
    await sub.caughtUp;
    const first = newEvent('Before');
    right(await writer.append('order-1', [first], 'no-stream'));
    await waitFor('the first event', () => seen.length === 1);
    // An aborted append: its xid is finished, so the horizon passes it, but its abort is not
    // flushed (PostgreSQL does not flush aborts), so after a crash the xid can be handed out again.
    const clash = await writer.append('order-2', [{ ...newEvent('Clash'), eventId: first.eventId }], 'no-stream');
    expect(clash._tag).toBe('Left');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the follower polls past the horizon
    await server.crash();
    await server.start();
    const after = newEvent('After');
    for (;;) {
      try {
        right(await writer.append('order-3', [after], 'no-stream'));
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const all = await collect(writer.readAll());
    expect(all.map((e) => e.eventId)).toEqual([first.eventId, after.eventId]);
    await waitFor('the event appended after the crash', () => seen.length === 2, 10_000).catch(() => undefined);
    console.log(
      figures('xid-reuse', {
        firstPosition: all[0]?.globalPosition ?? '',
        afterPosition: all[1]?.globalPosition ?? '',
        delivered: seen.length,
      }),
    );
    expect(seen.map((e) => e.eventId)).toEqual([first.eventId, after.eventId]);
    await sub.close();
  }, 60_000);

  it('a transaction open when the server dies rejects with a connection error; the pool serves the next', async () => {
    const executor = createPgExecutor({ connectionString: server.url, max: 2 });
    executors.push(executor);
    let inside: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let resume: () => void = () => undefined;
    const crashed = new Promise<void>((resolve) => (resume = resolve));
    const open = executor.transaction(async (tx) => {
      await tx.query('select 1');
      inside();
      await crashed; // the connection dies here, between two statements
      return tx.query('select 2');
    });
    open.catch(() => undefined);
    await entered;
    await server.crash();
    // The driver reports the dead socket as an 'error' event on the checked-out client; unheard,
    // that event would crash the process.
    await new Promise((resolve) => setTimeout(resolve, 100));
    resume();
    const failure: unknown = await open.then(
      () => 'committed',
      (error: unknown) => error,
    );
    expect(isStoreError(failure) && failure.kind).toBe('connection');
    await server.start();
    await expect(executor.transaction((tx) => tx.query('select 3 as n'))).resolves.toEqual([{ n: 3 }]);
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

  it('a subscriber following through 3 kills sees every event exactly once, in order, by itself', async () => {
    const schema = testSchema();
    const writer = await client(schema);
    // Another process: its own pool and LISTEN connection; it polls rarely, so wake-ups carry it.
    const follower = await client(schema, { pollIntervalMs: 2_000 });
    const seen: string[] = [];
    const seenAt: number[] = [];
    const sub = follower.subscribe(undefined, (envelope) => {
      seen.push(envelope.eventId);
      seenAt.push(Date.now());
    });
    await sub.caughtUp;
    let stop = false;
    const load = runWriters(
      writer,
      { writers: 4, prefix: 'follow-', batchesPerStream: 5, events: chunkEvents, shared: true },
      () => stop,
    );
    const outages = await killRepeatedly(server, 3, 1_500, 300);
    stop = true;
    const ledger = await load;
    const all = await collect(writer.readAll());
    const settledFrom = Date.now();
    await waitFor('the subscriber to see every stored event', () => seen.length >= all.length, 30_000).catch(
      () => undefined,
    );
    const ids = all.map((envelope) => envelope.eventId);
    const delivered = new Set(seen);
    const missed = ids.filter((id) => !delivered.has(id)).length;
    const duplicated = seen.length - delivered.size;
    const recovery = recoveryTimes(outages, seenAt);
    console.log(
      figures('subscriber', {
        kills: outages.length,
        appended: ids.length,
        acknowledgedEvents: checkLedger(ledger, all).acknowledgedEvents,
        delivered: seen.length,
        duplicated,
        missed,
        settleMs: Date.now() - settledFrom,
        recoveryMs: recovery.join('/'),
      }),
    );
    expect(ledger.wrong).toEqual([]);
    expect({ missed, duplicated }).toEqual({ missed: 0, duplicated: 0 });
    expect(seen).toEqual(ids);
    // Back within a few seconds of the server: retries are at most 1 s apart.
    expect(recovery.every((ms) => ms >= 0 && ms < 3_000)).toBe(true);
    await sub.close();
    await expect(sub.done).resolves.toBeUndefined();
  }, 120_000);

  it('an SQL projection committing through 3 kills equals the fold of every event', async () => {
    const schema = testSchema();
    const writer = await client(schema);
    await createOrderSummaries(writer.executor, schema);
    const runnerStore = await client(schema);
    let reported = 0;
    const progressAt: number[] = [];
    const projection = runSqlProjection(runnerStore, orderSummaries(schema), {
      batchSize: 100,
      onProgress: (progress) => {
        reported = progress.processed;
        progressAt.push(Date.now());
      },
    });
    await projection.caughtUp;
    let stop = false;
    const batchesPerStream = 4;
    const load = runWriters(
      writer,
      { writers: 4, prefix: 'order-', batchesPerStream, events: orderEvents(batchesPerStream) },
      () => stop,
    );
    const outages = await killRepeatedly(server, 3, 1_500, 300);
    stop = true;
    const ledger = await load;
    const all = await collect(writer.readAll());
    const expected = foldOrderSummaries(all);
    let actual: unknown[] = [];
    let ended: unknown;
    projection.done.catch((error: unknown) => (ended = error));
    const settledFrom = Date.now();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && ended === undefined) {
      actual = await summaries(writer.executor, schema);
      if (JSON.stringify(actual) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const recovery = recoveryTimes(outages, progressAt);
    const lines = (rows: unknown[]) => rows.reduce<number>((n, row) => n + Number((row as { lines: number }).lines), 0);
    console.log(
      figures('projection', {
        kills: outages.length,
        events: all.length,
        orders: expected.length,
        linesExpected: lines(expected),
        linesProjected: lines(actual),
        processedReported: reported,
        settleMs: Date.now() - settledFrom,
        ended: ended === undefined ? 'no' : isStoreError(ended) ? ended.kind : 'other-error',
        recoveryMs: recovery.join('/'),
      }),
    );
    expect(ledger.wrong).toEqual([]);
    expect(ended).toBeUndefined();
    expect(actual).toEqual(expected);
    expect(recovery.every((ms) => ms >= 0 && ms < 3_000)).toBe(true);
    await projection.close();
  }, 120_000);

  it('the outbox delivers through 3 kills: every message at least once, duplicates counted', async () => {
    const schema = testSchema();
    const writer = await client(schema);
    const deliveries = new Map<string, number>();
    const deliveredAt: number[] = [];
    const options = {
      deliver: async (message: OutboxRecord) => {
        deliveries.set(message.key, (deliveries.get(message.key) ?? 0) + 1);
        deliveredAt.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
      batchSize: 20,
      leaseMs: 1_500,
      pollIntervalMs: 50,
      maxAttempts: 1_000,
      backoffMs: () => 100,
    };
    // Two workers, each as its own process would run it. A worker that ends (it should not) is
    // counted and started again, so that the figures still show what was delivered.
    const ended: string[] = [];
    const supervise = (store: PostgresEventStore) => {
      let current = runOutboxWorker(store, options);
      let closing = false;
      const watch = (): void =>
        void current.done.then(
          () => undefined,
          (error: unknown) => {
            if (closing) return;
            ended.push(isStoreError(error) ? error.kind : String(error));
            setTimeout(() => {
              if (closing) return;
              current = runOutboxWorker(store, options);
              watch();
            }, 100);
          },
        );
      watch();
      return async () => {
        closing = true;
        await current.close();
      };
    };
    const stops = [supervise(await client(schema)), supervise(await client(schema))];
    let stop = false;
    const load = runWriters(
      writer,
      {
        writers: 4,
        prefix: 'outbox-',
        batchesPerStream: 5,
        events: chunkEvents,
        outbox: (batch) => [{ key: `message-${batch}`, topic: 'fault', payload: { batch } }],
      },
      () => stop,
    );
    const outages = await killRepeatedly(server, 3, 1_500, 300);
    stop = true;
    const ledger = await load;
    const keys = ledger.acknowledged.map((ack) => `message-${ack.batch}`);
    const settledFrom = Date.now();
    const unprocessed = async () => {
      const [row] = await writer.executor.query(
        `select count(*) filter (where processed_at is null)::int as open, count(*)::int as total from "${schema}".outbox`,
      );
      return { open: Number(row?.['open']), total: Number(row?.['total']) };
    };
    let rows = await unprocessed();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (rows.open > 0 || keys.some((key) => !deliveries.has(key)))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await unprocessed();
    }
    for (const stopWorker of stops) await stopWorker();
    const total = [...deliveries.values()].reduce((a, b) => a + b, 0);
    const undelivered = keys.filter((key) => !deliveries.has(key)).length;
    console.log(
      figures('outbox', {
        kills: outages.length,
        messages: keys.length,
        rows: rows.total,
        deliveries: total,
        delivered: deliveries.size,
        duplicates: total - deliveries.size,
        undelivered,
        unprocessedRows: rows.open,
        workerEnds: ended.length,
        workerEndKinds: [...new Set(ended)].join('/') || 'none',
        settleMs: Date.now() - settledFrom,
        recoveryMs: recoveryTimes(outages, deliveredAt).join('/'),
      }),
    );
    expect(ledger.wrong).toEqual([]);
    expect(rows.total).toBe(keys.length);
    expect({ undelivered, unprocessed: rows.open }).toEqual({ undelivered: 0, unprocessed: 0 });
    // The workers wait out the outages themselves (issue 8.7): none had to be started again.
    expect(ended).toEqual([]);
    expect([...deliveries.keys()].every((key) => keys.includes(key))).toBe(true);
  }, 120_000);

  it('a LISTEN connection the server terminates is reopened, and wake-ups resume', async () => {
    const executor = createPgExecutor({ connectionString: server.url, max: 2 });
    executors.push(executor);
    const channel = `fault_wake_${testSchema()}`;
    let woke = 0;
    await executor.listen(channel, () => void woke++);
    // An administrator's (or a failover's) termination: the server sends an error, then closes.
    const [killed] = await executor.query(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where query = $1`,
      [`listen "${channel}"`],
    );
    expect(killed?.['n']).toBe(1);
    const terminatedAt = Date.now();
    woke = 0;
    const deadline = Date.now() + 15_000;
    while (woke === 0 && Date.now() < deadline) {
      await executor.query('select pg_notify($1, $2)', [channel, '']);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(figures('listen-terminated', { wokeAgainAfterMs: woke > 0 ? Date.now() - terminatedAt : -1 }));
    expect(woke).toBeGreaterThan(0);
  }, 60_000);

  it('a LISTEN asked for while the server is down starts once it is back', async () => {
    const executor = createPgExecutor({ connectionString: server.url, max: 2 });
    executors.push(executor);
    const channel = `fault_late_${testSchema()}`;
    let woke = 0;
    await server.crash();
    const asked = await executor
      .listen(channel, () => void woke++)
      .then(
        () => 'listening',
        (error: unknown) => (isStoreError(error) ? error.kind : 'other-error'),
      );
    await server.start();
    const readyAt = Date.now();
    const deadline = Date.now() + 15_000;
    while (woke === 0 && Date.now() < deadline) {
      await executor.query('select pg_notify($1, $2)', [channel, '']).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(figures('listen-late', { asked, wokeAfterRestartMs: woke > 0 ? Date.now() - readyAt : -1 }));
    expect(woke).toBeGreaterThan(0);
    // LISTEN is retried every second while the server is away.
    expect(Date.now() - readyAt).toBeLessThan(2_500);
  }, 60_000);
});
