import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderStreamId } from '@ordersource/domain';
import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { probeServer, testSchema } from '../../postgres/src/test-support/server.js';
import { createVirtualClock, hours } from './clock.js';
import { createShop, type Shop } from './shop.js';
import { checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 11 on PostgreSQL: reactor checkpoints, timers and parked events in
 * the database, so a restarted process neither repeats the policies' work
 * nor loses a timer. Each "restart" closes the store and its connection and
 * builds a new shop from scratch over the same database, on PGlite (a real
 * data directory, closed and opened again) and on the real server when
 * ORDERSOURCE_PG_URL names one.
 */

type Started = Readonly<{ shop: Shop; close: () => Promise<void> }>;

const START = '2026-11-01T10:00:00.000Z';

const open = async (executor: SqlExecutor, schema: string, now: string): Promise<Started> => {
  const store = await createPostgresEventStore(executor, { schema });
  const shop = createShop({
    store,
    clock: createVirtualClock(now),
    checkpoints: createPostgresCheckpointStore(executor, { schema }),
    timers: createPostgresTimerStore(executor, { schema }),
    parked: createPostgresParkedStore(executor, { schema }),
  });
  return {
    shop,
    close: async () => {
      await shop.stop({ timeoutMs: 1_000 });
      await store.close();
      await executor.close();
    },
  };
};

const across = async (connect: () => Promise<SqlExecutor>, schema: string): Promise<void> => {
  const order = orderStreamId('o-7');
  // First process: a flagged checkout (ORD-7) and its payment; the policies run and the hold's end is planned.
  const first = await open(await connect(), schema, START);
  await first.shop.execute(order, raw('PlaceOrder', checkoutData('o-7', { ipCountry: 'DE' }), customer, START));
  await first.shop.execute(
    order,
    raw('AuthorizePayment', { paymentId: 'o-7-pay', amount: rub(7000) }, provider, START),
  );
  const ran = await first.shop.runUntilIdle();
  expect(ran.commands.map((c) => c.type)).toEqual(
    expect.arrayContaining(['HoldFulfillment', 'RecordOrder', 'ConfirmOrder']),
  );
  const planned = (await first.shop.timers.list(order)).filter((t) => t.key === 'hold-end');
  expect(planned).toMatchObject([{ status: 'planned', at: '2026-11-02T10:00:00.000Z' }]);
  const now = first.shop.clock.now();
  await first.close();

  // Restarted: the checkpoints held, so the policies do nothing again; the timer survived and fires once.
  const second = await open(await connect(), schema, now);
  const caughtUp = await second.shop.runUntilIdle();
  expect(caughtUp.commands).toEqual([]);
  expect(caughtUp.notifications).toEqual([]);
  const fired = await second.shop.advance(hours(25));
  expect(fired.timers.map((t) => `${t.key}: ${t.outcome}`)).toEqual(['hold-end: fired']);
  const view = await second.shop.queries.order('o-7');
  expect(view?.state.status).toBe('confirmed');
  expect(view?.state.fulfillment.status).not.toBe('on_hold');
  const later = second.shop.clock.now();
  await second.close();

  // Once more: nothing fires twice.
  const third = await open(await connect(), schema, later);
  const again = await third.shop.advance(hours(25));
  expect(again.timers).toEqual([]);
  expect(again.commands).toEqual([]);
  let ended = 0;
  for await (const envelope of third.shop.store.read(order)) if (envelope.causationId === planned[0]?.id) ended++;
  expect(ended).toBeGreaterThan(0);
  const refused = await third.shop.execute(order, raw('EndTimedHold', { until: planned[0]?.at }, provider, later));
  // The timer's command sent again by hand is absorbed or refused: never a second hold end.
  expect(E.isRight(refused) ? refused.right.events.filter((e) => e.type === 'FulfillmentHoldReleased') : []).toEqual(
    [],
  );
  await third.close();
};

const server = await probeServer('runtime on PostgreSQL');
const schema = testSchema();

describe('the runtime on PostgreSQL across restarts (issue 11)', () => {
  it('PGlite: checkpoints, timers and parked events survive a restart; the ORD-7 hold end fires once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordersource-runtime-'));
    try {
      await across(() => createPgliteExecutor({ dataDir }), 'ordersource');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  afterAll(async () => {
    if (server.skip) return;
    const executor = createPgExecutor({ connectionString: server.url, max: 1 });
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  });
  it.skipIf(server.skip)(
    'the real server: the same across restarts',
    async () => {
      if (server.skip) return;
      await across(() => Promise.resolve(createPgExecutor({ connectionString: server.url, max: 4 })), schema);
    },
    120_000,
  );

  it.skipIf(server.skip)(
    "the real server: start() follows the store and a second process's writes; stop() drains",
    async () => {
      if (server.skip) return;
      const followSchema = `${schema}_follow`;
      const executor = createPgExecutor({ connectionString: server.url, max: 4 });
      const writerExecutor = createPgExecutor({ connectionString: server.url, max: 2 });
      try {
        const store = await createPostgresEventStore(executor, { schema: followSchema });
        const shop = createShop({
          store,
          pollMs: 50,
          checkpoints: createPostgresCheckpointStore(executor, { schema: followSchema }),
          timers: createPostgresTimerStore(executor, { schema: followSchema }),
          parked: createPostgresParkedStore(executor, { schema: followSchema }),
        });
        shop.start();
        // Another process handles the commands: the running shop sees them by polling the store.
        const writer = createShop({ store: await createPostgresEventStore(writerExecutor, { schema: followSchema }) });
        const order = orderStreamId('o-f');
        await writer.execute(order, raw('PlaceOrder', checkoutData('o-f'), customer, START));
        await writer.execute(
          order,
          raw('AuthorizePayment', { paymentId: 'o-f-pay', amount: rub(7000) }, provider, START),
        );
        await writer.execute(order, raw('CapturePayment', { paymentId: 'o-f-pay' }, provider, START));
        const deadline = Date.now() + 30_000;
        for (;;) {
          const view = await shop.queries.order('o-f');
          if (view?.state.status === 'confirmed' && view.receipts.length > 0) break;
          if (Date.now() > deadline) throw new Error('the running shop did not react to the other process within 30 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const health = await shop.health();
        expect(health.status).toBe('ok');
        expect((await shop.stop({ timeoutMs: 5_000 })).drained).toBe(true);
      } finally {
        await executor.query(`drop schema if exists "${followSchema}" cascade`);
        await writerExecutor.close();
        await executor.close();
      }
    },
    60_000,
  );
});
