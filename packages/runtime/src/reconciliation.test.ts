import { createInMemoryEventStore, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { receiptsStreamId, type Reconciliation } from '@ordersource/domain/receipts';
import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { probeServer, testSchema } from '../../postgres/src/test-support/server.js';
import { ordersNeedingAttention, shopReconciliationProjection, type ReconciliationModel } from './reconciliation.js';
import { createShop, type Shop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 9 (PAY-5, REC-7): the reconciliation as one of the shop's read
 * models. A refund after delivery naming no goods and a refund beyond the
 * money received are recorded, never refused; the shop's queries show the
 * order needing attention, the refund waiting for goods and the goods it
 * may name; the admin's `AssignRefundGoods` clears it.
 */

const AT = '2026-11-01T10:00:00.000Z';
const LATER = '2026-11-05T09:30:00.000Z';

const send = async (shop: Shop, streamId: string, type: string, data: unknown, actor = admin, at = AT) => {
  const result = await shop.execute(streamId, raw(type, data, actor, at));
  if (E.isLeft(result)) throw new Error(`${type}: ${result.left.message}`);
  return result.right;
};

/** An order of 7,000.00 paid, shipped and delivered (closing receipt issued). */
const delivered = async (shop: Shop, orderId: string): Promise<void> => {
  const stream = orderStreamId(orderId);
  await send(shop, stream, 'PlaceOrder', checkoutData(orderId), customer);
  await send(shop, stream, 'AuthorizePayment', { paymentId: `${orderId}-pay`, amount: rub(7000) }, provider);
  await send(shop, stream, 'CapturePayment', { paymentId: `${orderId}-pay` }, provider);
  expect((await shop.runUntilIdle()).refusals).toEqual([]);
  await send(shop, stream, 'ShipOrder', { shipmentId: `${orderId}-s`, carrier: 'CDEK' });
  await send(shop, stream, 'MarkDelivered', {});
  expect((await shop.runUntilIdle()).refusals).toEqual([]);
};

/** The bank refunds from its dashboard, naming no goods. */
const dashboardRefund = async (shop: Shop, orderId: string, refundId: string, amount: number): Promise<void> => {
  await send(
    shop,
    orderStreamId(orderId),
    'ConfirmRefund',
    { refundId, paymentId: `${orderId}-pay`, amount: rub(amount), providerEventId: `evt-${refundId}` },
    provider,
    LATER,
  );
  const drained = await shop.runUntilIdle();
  expect(drained.refusals).toEqual([]);
  expect(drained.parked).toEqual([]);
};

/** The whole flow over one store: the queries before, during and after the admin assigns the goods. */
const assignFlow = async (store: EventStore): Promise<void> => {
  const shop = createShop({ store });
  await delivered(shop, 'o-1');
  await delivered(shop, 'o-2');
  expect(await shop.queries.reconciliationAttention()).toEqual([]);
  expect(await shop.queries.reconciliation('o-1')).toMatchObject({
    moneyReceived: 700_000,
    closed: true,
    needsAttention: false,
    openRefunds: [],
    returnable: [],
  });
  expect(await shop.queries.reconciliation('no-such-order')).toBeUndefined();

  await dashboardRefund(shop, 'o-1', 'dash-1', 1500);
  expect(await shop.queries.reconciliationAttention()).toEqual([
    {
      orderId: 'o-1',
      currency: 'RUB',
      since: LATER,
      unassignedRefund: rub(1500),
      openRefunds: [{ movementId: 'o-1-pay:refund-dash-1', amount: rub(1500) }],
      unreceiptedRefund: rub(0),
    },
  ]);
  const open = await shop.queries.reconciliation('o-1');
  expect(open).toMatchObject({
    needsAttention: true,
    since: LATER,
    unassignedRefund: 150_000,
    openRefunds: [{ movementId: 'o-1-pay:refund-dash-1', amount: rub(1500), means: 'electronic' }],
  });
  // The form offers the goods still with the customer, by receipt position id.
  const goods = open?.returnable ?? [];
  // The socks' discounted total does not divide by 4: three at one price, one a kopeck dearer (`l2~1`).
  expect(goods.map((g) => [g.lineId, g.quantity])).toEqual(
    expect.arrayContaining([
      ['l1', 1],
      ['l2', 3],
      ['l2~1', 1],
    ]),
  );
  expect(goods.find((g) => g.lineId === 'l1')).toMatchObject({ name: 'Running shoes', quantity: 1 });
  expect(goods.every((g) => g.markingCodes === undefined)).toBe(true);

  // One pair of socks came back first: worth less than the money, it returns at its value and the rest stays open.
  await send(shop, receiptsStreamId('o-1'), 'AssignRefundGoods', {
    movementId: 'o-1-pay:refund-dash-1',
    lines: [{ lineId: 'l2', qty: 1 }],
  });
  const partly = await shop.queries.reconciliation('o-1');
  expect(partly).toMatchObject({
    moneyReturned: 47_945,
    unassignedRefund: 150_000 - 47_945,
    since: LATER,
    openRefunds: [{ movementId: 'o-1-pay:refund-dash-1', amount: { amount: 102_055, currency: 'RUB' } }],
  });
  expect(partly?.returnable.find((g) => g.lineId === 'l2')?.quantity).toBe(2);
  expect((await shop.queries.reconciliationAttention()).map((a) => a.unassignedRefund)).toEqual([
    { amount: 102_055, currency: 'RUB' },
  ]);

  // Then the shoes: priced pro rata to the money still open, which closes the refund.
  await send(shop, receiptsStreamId('o-1'), 'AssignRefundGoods', {
    movementId: 'o-1-pay:refund-dash-1',
    lines: [{ lineId: 'l1', qty: 1 }],
  });
  expect(await shop.queries.reconciliationAttention()).toEqual([]);
  expect(await shop.queries.reconciliation('o-1')).toMatchObject({
    moneyReturned: 150_000,
    unassignedRefund: 0,
    needsAttention: false,
    openRefunds: [],
    returnable: [],
  });
  expect((await shop.queries.reconciliation('o-1'))?.since).toBeUndefined();
};

/** Over a PostgreSQL store: the flow, then a second shop (a restarted process) folds the same model from the log. */
const onPostgres = async (executor: SqlExecutor, schema: string): Promise<void> => {
  const store = await createPostgresEventStore(executor, { schema });
  try {
    await assignFlow(store);
    await dashboardRefund(createShop({ store }), 'o-2', 'dash-2', 700);
    const restarted = createShop({ store });
    expect(await restarted.queries.reconciliationAttention()).toMatchObject([
      { orderId: 'o-2', since: LATER, openRefunds: [{ movementId: 'o-2-pay:refund-dash-2', amount: rub(700) }] },
    ]);
    expect(await restarted.queries.reconciliation('o-1')).toMatchObject({
      moneyReturned: 150_000,
      needsAttention: false,
    });
  } finally {
    await store.close();
  }
};

describe('issue 9: the reconciliation read model of the shop (PAY-5, REC-7)', () => {
  it('PAY-5/REC-7: a refund naming no goods shows as needing attention with its goods, and AssignRefundGoods clears it', async () => {
    await assignFlow(createInMemoryEventStore());
  });

  it('PAY-5: money refunded beyond what was received shows unreceipted; the orders needing attention list it beside the unassigned', async () => {
    const shop = createShop({ store: createInMemoryEventStore() });
    await delivered(shop, 'o-3');
    await delivered(shop, 'o-4');
    // 8,000.00 back on a 7,000.00 payment: 7,000.00 waits for goods, 1,000.00 no receipt can ever return.
    await dashboardRefund(shop, 'o-4', 'over', 8000);
    const [attention, ...rest] = await shop.queries.reconciliationAttention();
    expect(rest).toEqual([]);
    expect(attention).toMatchObject({ orderId: 'o-4', since: LATER });
    expect((attention?.unassignedRefund.amount ?? 0) + (attention?.unreceiptedRefund.amount ?? 0)).toBe(800_000);
    expect(attention?.unreceiptedRefund.amount).toBeGreaterThan(0);
    const view = await shop.queries.reconciliation('o-4');
    expect(view?.unreceiptedRefund).toBe(attention?.unreceiptedRefund.amount);
    expect(view?.needsAttention).toBe(true);

    // Every good comes back: what waited for goods is assigned, the money beyond the receipts stays flagged.
    await send(shop, receiptsStreamId('o-4'), 'AssignRefundGoods', {
      movementId: 'o-4-pay:refund-over',
      lines: (view?.returnable ?? []).map((g) => ({ lineId: g.lineId, qty: g.quantity })),
    });
    const after = await shop.queries.reconciliation('o-4');
    expect(after).toMatchObject({ unassignedRefund: 0, openRefunds: [], needsAttention: true, since: LATER });
    expect(after?.unreceiptedRefund).toBe(attention?.unreceiptedRefund.amount);
    expect((await shop.queries.reconciliationAttention()).map((a) => [a.orderId, a.openRefunds])).toEqual([
      ['o-4', []],
    ]);
  });

  it('issue 9: the read model is a checkpointed projection worker: each pass folds only what came since; a new shop over the store rebuilds it', async () => {
    const store = createInMemoryEventStore();
    const shop = createShop({ store });
    await delivered(shop, 'o-5');
    const worker = shop.readModels.reconciliation;
    const receiptsEvents = async (): Promise<number> => {
      let n = 0;
      for await (const _ of store.read(receiptsStreamId('o-5'))) n++;
      return n;
    };
    await worker.pass();
    const before = worker.status();
    const eventsBefore = await receiptsEvents();
    expect(before.processed).toBe(eventsBefore);
    expect(await worker.pass()).toBe(0);
    await dashboardRefund(shop, 'o-5', 'dash-5', 500);
    await worker.pass();
    // Only the receipts stream's new events were folded (its filter), none of the earlier ones again.
    expect(worker.status().processed).toBe(before.processed + (await receiptsEvents()) - eventsBefore);
    expect(await receiptsEvents()).toBeGreaterThan(eventsBefore);
    expect(worker.status().checkpoint).not.toEqual(before.checkpoint);

    const restarted = createShop({ store });
    expect(await restarted.queries.reconciliationAttention()).toEqual(await shop.queries.reconciliationAttention());
    expect((await restarted.queries.reconciliationAttention()).map((a) => a.orderId)).toEqual(['o-5']);
  });

  it('issue 9: the attention list is oldest first, then by order id; a row open only for unreceipted money has no refunds to assign', () => {
    const row = (orderId: string, unassigned: number, unreceipted: number): Reconciliation => ({
      orderId,
      currency: 'RUB',
      moneyReceived: 100,
      moneyReturned: 0,
      advancesNotOffset: 0,
      offset: 100,
      credit: 0,
      closed: true,
      unreceiptedRefund: unreceipted,
      unassignedRefund: unassigned,
      unassignedRefunds: unassigned > 0 ? { [`${orderId}-pay:refund-1`]: unassigned } : {},
    });
    const model: ReconciliationModel = {
      byOrder: { b: row('b', 10, 0), a: row('a', 0, 5), c: row('c', 7, 0) },
      attentionSince: { b: '2026-11-02T00:00:00.000Z', a: '2026-11-02T00:00:00.000Z', c: '2026-11-01T00:00:00.000Z' },
    };
    expect(ordersNeedingAttention(model).map((a) => a.orderId)).toEqual(['c', 'a', 'b']);
    expect(ordersNeedingAttention(model)[1]?.openRefunds).toEqual([]);
    expect(shopReconciliationProjection.filter).toEqual({ streamPrefix: 'receipts-' });
  });
});

const server = await probeServer('reconciliation read model on PostgreSQL');
const schema = testSchema();

describe('issue 9: the reconciliation read model on PostgreSQL stores', () => {
  it('PGlite: the same queries over the PostgreSQL event store, and after a restart', async () => {
    const executor = await createPgliteExecutor();
    try {
      await onPostgres(executor, 'ordersource');
    } finally {
      await executor.close();
    }
  }, 120_000);

  afterAll(async () => {
    if (server.skip) return;
    const executor = createPgExecutor({ connectionString: server.url, max: 1 });
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  });
  it.skipIf(server.skip)(
    'the real server (ORDERSOURCE_PG_URL): the same queries, and after a restart',
    async () => {
      if (server.skip) return;
      const executor = createPgExecutor({ connectionString: server.url, max: 4 });
      try {
        await onPostgres(executor, schema);
      } finally {
        await executor.close();
      }
    },
    120_000,
  );
});
