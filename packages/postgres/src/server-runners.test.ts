import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@ordersource/core';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { processOutbox } from './outbox.js';
import { runSqlProjection } from './projection.js';
import { newEvent, right } from './test-support/fixtures.js';
import { createOrderSummaries, orderHistory, orderSummaries, summaries } from './test-support/order-summaries.js';
import { probeServer, testSchema } from './test-support/server.js';

/** Projections and outbox workers racing each other on a real server. */
const server = await probeServer('PostgreSQL projections and outbox');
const schema = testSchema();

describe.skipIf(server.skip)('projection runners and outbox workers on PostgreSQL', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = createPgExecutor({ connectionString: server.url!, max: 16 });
    store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 20 });
    await createOrderSummaries(executor, schema);
  });
  afterAll(async () => {
    await store?.close();
    await executor?.query(`drop schema if exists "${schema}" cascade`);
    await executor?.close();
  });

  it('two runners of one projection while 8 writers append: every event applied exactly once', async () => {
    const runners = [runSqlProjection(store, orderSummaries(schema)), runSqlProjection(store, orderSummaries(schema))];
    await Promise.all(runners.map((runner) => runner.caughtUp));
    const orders = 40;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let o = w; o < orders; o += 8)
          right(await store.append(`order-${o}`, orderHistory(`o${o}`, 1 + (o % 4), 100 + o), 'no-stream'));
      }),
    );
    const expected = Array.from({ length: orders }, (_, o) => ({
      order_id: `o${o}`,
      customer: `customer of o${o}`,
      status: 'confirmed',
      lines: 1 + (o % 4),
      total: String((1 + (o % 4)) * (100 + o)),
    })).sort((a, b) => a.order_id.localeCompare(b.order_id));
    let rows: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      rows = await summaries(executor, schema);
      if (rows.length === orders && rows.every((row) => (row as { status: string }).status === 'confirmed')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(runners.map((runner) => runner.close()));
    expect(rows).toEqual(expected);
  });

  it('a follower in another "process" wakes on NOTIFY; without it, polling still delivers', async () => {
    // Separate executors and stores stand in for two processes: no in-process wake-up between them.
    const otherExecutor = createPgExecutor({ connectionString: server.url!, max: 2 });
    const quietExecutor = createPgExecutor({ connectionString: server.url!, max: 2 });
    const writer = await createPostgresEventStore(otherExecutor, { schema, notifyIntervalMs: 1 });
    const quietWriter = await createPostgresEventStore(quietExecutor, { schema, notify: false });
    const follower = await createPostgresEventStore(store.executor, { schema, pollIntervalMs: 60_000 });
    const poller = await createPostgresEventStore(store.executor, { schema, pollIntervalMs: 30 });
    const seen: string[] = [];
    const polled: string[] = [];
    const sub = follower.subscribe(undefined, (e) => void seen.push(e.eventId), { streamPrefix: 'wake-' });
    const pollSub = poller.subscribe(undefined, (e) => void polled.push(e.eventId), { streamPrefix: 'quiet-' });
    try {
      await Promise.all([sub.caughtUp, pollSub.caughtUp]);
      const event = newEvent('Woken');
      right(await writer.append('wake-1', [event], 'no-stream'));
      // The follower polls only every 60 s: within this wait only NOTIFY can wake it.
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(seen).toEqual([event.eventId]);
      const quiet = newEvent('Polled');
      right(await quietWriter.append('quiet-1', [quiet], 'no-stream'));
      for (let i = 0; i < 200 && polled.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(polled).toEqual([quiet.eventId]);
    } finally {
      await sub.close();
      await pollSub.close();
      await Promise.all([writer.close(), quietWriter.close(), follower.close(), poller.close()]);
      await otherExecutor.close();
      await quietExecutor.close();
    }
  });

  it('a LISTEN connection that dies is reopened, and NOTIFY wakes the follower again', async () => {
    const followerExecutor = createPgExecutor({
      connectionString: server.url!,
      max: 3,
      applicationName: 'ordersource-listener-test',
    });
    const writerExecutor = createPgExecutor({ connectionString: server.url!, max: 2 });
    const follower = await createPostgresEventStore(followerExecutor, { schema, pollIntervalMs: 60_000 });
    const writer = await createPostgresEventStore(writerExecutor, { schema, notifyIntervalMs: 1 });
    const seen: string[] = [];
    const sub = follower.subscribe(undefined, (e) => void seen.push(e.eventId), { streamPrefix: 'relisten-' });
    try {
      await sub.caughtUp;
      const killed = await executor.query(
        `select pid, pg_terminate_backend(pid) as killed from pg_stat_activity
          where application_name = 'ordersource-listener-test' and query ilike 'listen %'`,
      );
      expect(killed.map((row) => row['killed'])).toEqual([true]);
      const killedPid = Number(killed[0]?.['pid']);
      // Wait until the executor has reopened its listener (on a loaded machine this takes more than its
      // one second), then append from "another process": a NOTIFY sent before the LISTEN would be missed.
      const listening = async () =>
        (
          await executor.query(
            `select count(*)::int as n from pg_stat_activity
              where application_name = 'ordersource-listener-test' and query ilike 'listen %' and pid <> $1`,
            [killedPid],
          )
        )[0]?.['n'] === 1;
      for (let i = 0; i < 600 && !(await listening()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await listening()).toBe(true);
      const event = newEvent('AfterReconnect');
      right(await writer.append('relisten-1', [event], 'no-stream'));
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(seen).toEqual([event.eventId]);
    } finally {
      await sub.close();
      await Promise.all([follower.close(), writer.close()]);
      await followerExecutor.close();
      await writerExecutor.close();
    }
  });

  it('three workers claim with SKIP LOCKED: each message is delivered once', async () => {
    const messages = 150;
    for (let i = 0; i < messages; i += 10)
      right(
        await store.appendWithOutbox(
          `cart-${i}`,
          [newEvent('CartCheckedOut')],
          'no-stream',
          Array.from({ length: 10 }, (_, k) => ({
            key: `mail:${i + k}:${newId()}`,
            topic: 'email',
            payload: { n: i + k },
          })),
        ),
      );
    const deliveries: number[] = [];
    const worker = async () => {
      for (;;) {
        const round = await processOutbox(store, {
          batchSize: 7,
          deliver: async (message) => {
            deliveries.push((message.payload as { n: number }).n);
            await new Promise((resolve) => setTimeout(resolve, 1));
          },
        });
        if (round.delivered === 0) return;
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(deliveries).toHaveLength(messages);
    expect(new Set(deliveries).size).toBe(messages);
  });
});
