import { createInMemoryEventStore, rehydrate } from '@ordersource/core';
import { decodeOrderEnvelope, orderDecider, orderStreamId, type OrderEvent } from '@ordersource/domain';
import { orderChangeStreamId, type OrderChangeNotification } from '@ordersource/domain/changes';
import { receiptsStreamId, type Receipt } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { beginOrderChange, orderChangeStreamKind, withOrderChanges } from './order-changes.js';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 17 on createShop: an exchange end to end. The customer asks to swap
 * her socks for a cap from the portal; the shop confirms, receives the socks
 * (restocked through the inventory port), and the reactor applies it: the
 * original order refunds exactly the socks (moved to the exchange order), the
 * exchange order is paid by that value and asks a link for the difference;
 * receipts follow on both orders (REC-5, REC-7), notifications for each step.
 */

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

const orderEvents = async (store: ReturnType<typeof createInMemoryEventStore>, orderId: string) => {
  const out: OrderEvent[] = [];
  for await (const r of store.read(orderStreamId(orderId))) {
    const decoded = decodeOrderEnvelope(r);
    if (E.isRight(decoded)) out.push(decoded.right.event);
  }
  return out;
};

describe('issue 17: order changes on the runtime', () => {
  it('walks an exchange through createShop: receipts on both orders, restock, notifications', async () => {
    const store = createInMemoryEventStore();
    const restocked: unknown[] = [];
    const shop = createShop({
      store,
      clock: createVirtualClock(T(1, 9)),
      streams: [orderChangeStreamKind()],
      reactors: withOrderChanges({ inventory: (request) => void restocked.push(request) }),
    });
    const order = orderStreamId('o-1');
    const ok = async (result: Promise<unknown>) => {
      const r = (await result) as E.Either<{ code?: string; message: string }, unknown>;
      if (E.isLeft(r)) throw new Error(`${r.left.code ?? ''} ${r.left.message}`);
    };
    await ok(shop.execute(order, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
    await ok(shop.execute(order, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
    await shop.runUntilIdle();
    await ok(shop.execute(order, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(2, 9))));
    await ok(shop.execute(order, raw('MarkDelivered', {}, admin, T(3, 9))));
    await shop.runUntilIdle();

    const change = orderChangeStreamId('x-1');
    await ok(
      beginOrderChange(shop, { changeId: 'x-1', orderId: 'o-1', kind: 'exchange', actor: customer, at: T(5, 9) }),
    );
    const cap = {
      lineId: 'n-cap',
      sku: 'CAP-1',
      name: 'Cap',
      qty: 1,
      unitPrice: rub(2500),
      vatRate: 'vat20',
      kind: 'physical',
    };
    await ok(
      shop.execute(
        change,
        raw('StageReturnItem', { item: { lineId: 'l2', qty: 4, reason: 'wrong-size' } }, customer, T(5, 9)),
      ),
    );
    await ok(
      shop.execute(change, raw('StageChangeAction', { action: { action: 'add-line', line: cap } }, customer, T(5, 9))),
    );
    await ok(shop.execute(change, raw('RequestOrderChange', {}, customer, T(5, 10))));
    await ok(shop.execute(change, raw('ConfirmOrderChange', { paymentLink: { channel: 'email' } }, admin, T(5, 11))));
    await ok(
      shop.execute(
        change,
        raw(
          'ReceiveReturn',
          { items: [{ lineId: 'l2', qty: 4, condition: 'sellable', restock: true }] },
          admin,
          T(8, 9),
        ),
      ),
    );
    const drained = await shop.runUntilIdle();
    expect(drained.refusals).toEqual([]);

    const original = rehydrate(orderDecider, await orderEvents(store, 'o-1'));
    const moved = original.payments.reduce((s, p) => s + p.refunded, 0);
    // Four pairs of socks at 2,000 less their share of the 300 discount (shipping takes its share too).
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(rub(2000).amount);
    const exchange = rehydrate(orderDecider, await orderEvents(store, 'o-1-x-1'));
    expect(exchange.totals.total.amount).toBe(rub(2500).amount);
    expect(exchange.payments.find((p) => p.paymentId === 'x-1-balance')?.requested).toBe(rub(2500).amount - moved);
    expect(restocked).toEqual([expect.objectContaining({ lines: [{ lineId: 'l2', sku: 'SCK-3', qty: 4 }] })]);

    // The original's receipts: its closing one, then the income return of exactly the socks for exactly that value.
    const receipts = async (orderId: string) => {
      const out: { operation: string; kind: string; total: number; items: string[] }[] = [];
      for await (const r of store.read(receiptsStreamId(orderId)))
        if (r.event.type === 'ReceiptIssued') {
          const receipt = (r.event.data as { receipt: Receipt }).receipt;
          out.push({
            operation: receipt.operation,
            kind: receipt.kind,
            total: receipt.total.amount,
            items: receipt.items.map((i) => `${i.lineId ?? i.name} x${i.quantity}`),
          });
        }
      return out;
    };
    const originalReceipts = await receipts('o-1');
    expect(originalReceipts.map((r) => [r.operation, r.kind])).toEqual([
      ['income', 'prepayment'],
      ['income', 'full-settlement'],
      ['income-return', 'full-settlement'],
    ]);
    // The four pairs' net total does not divide by four: two positions one kopeck apart, as registers require.
    expect(originalReceipts[2]).toMatchObject({ total: moved, items: ['l2 x3', 'l2~1 x1'] });
    // The exchange order: the moved value is its first income (an advance: the cap is not handed over yet).
    expect((await receipts('o-1-x-1')).map((r) => [r.operation, r.kind, r.total])).toEqual([
      ['income', 'advance', moved],
    ]);

    const steps = drained.notifications
      .map((n) => n.notification)
      .filter((n): n is OrderChangeNotification => n.kind === 'order-change')
      .map((n) => `${n.audience}:${n.step}`);
    expect(steps).toEqual([
      'admin:requested',
      'customer:requested',
      'customer:confirmed',
      'customer:received',
      'customer:applied',
    ]);
  });
});
