import { createInMemoryEventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { receiptsStreamId } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

const newShop = () => {
  const store = createInMemoryEventStore();
  const clock = createVirtualClock(T(1, 9));
  return { store, clock, shop: createShop({ store, clock }) };
};

describe('createShop: one composition of every stream kind (issue 11)', () => {
  it('decodes raw input with the command codec: a float amount fails naming the field, nothing is written', async () => {
    const { store, shop } = newShop();
    const bad = await shop.execute(
      orderStreamId('o-1'),
      raw('PlaceOrder', checkoutData('o-1', { total: { amount: 7000.5, currency: 'RUB' } }), customer, T(1, 10)),
    );
    expect(E.isLeft(bad)).toBe(true);
    if (E.isRight(bad)) return;
    expect(bad.left.code).toBe('invalid-command');
    expect(bad.left.message).toContain('data.total.amount');
    let stored = 0;
    for await (const _ of store.readAll()) stored++;
    expect(stored).toBe(0);
  });

  it('refuses a stream no kind runs, with a code', async () => {
    const { shop } = newShop();
    const result = await shop.execute('basket-1', raw('AddItem', {}, customer, T(1, 10)));
    expect(E.isLeft(result) && result.left.code).toBe('unknown-stream');
  });

  it('runs every policy, the receipts policy and the lock as reactors until idle (ORD-2, ORD-3, REC-2, REC-5, ORD-9, CUS-1)', async () => {
    const { shop } = newShop();
    const order = orderStreamId('o-1');
    const placed = await shop.execute(order, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10)));
    expect(E.isRight(placed)).toBe(true);
    const authorized = await shop.execute(
      order,
      raw(
        'AuthorizePayment',
        { paymentId: 'o-1-pay', amount: rub(7000), providerReference: 'sb-77' },
        provider,
        T(1, 10),
      ),
    );
    expect(E.isRight(authorized)).toBe(true);
    await shop.execute(order, raw('CapturePayment', { paymentId: 'o-1-pay' }, provider, T(1, 11)));
    const first = await shop.runUntilIdle();
    expect(first.idle).toBe(true);
    const sent = first.commands.filter((c) => !c.duplicate).map((c) => `${c.reactor}: ${c.type}`);
    expect(sent).toContain('order.record-on-payment: RecordOrder');
    expect(sent).toContain('order.auto-confirm: ConfirmOrder');
    expect(sent).toContain('receipts.from-order-events: RecordComposition');
    expect(sent).toContain('receipts.from-order-events: RecordPayment');
    expect(sent).toContain('customers.guest-from-order: RecordCustomerOrder');
    // Notifications come out typed: the order confirmation (NOT-1).
    const kinds = first.notifications.map((n) => n.notification.kind);
    expect(kinds).toContain('order-confirmation');
    expect(first.refusals).toEqual([]);

    // A second run has nothing to do: checkpoints moved, ids are derived.
    const again = await shop.runUntilIdle();
    expect(again.activities).toEqual([]);

    await shop.execute(order, raw('ShipOrder', { shipmentId: 's-1', carrier: 'CDEK' }, admin, T(3, 9)));
    await shop.execute(order, raw('MarkDelivered', {}, admin, T(4, 15)));
    const second = await shop.runUntilIdle();
    expect(second.commands.map((c) => c.type)).toContain('LockOrder');

    // The order view in one place: the detail, its receipts (prepayment, then the closing full settlement), its history.
    const view = await shop.queries.order('o-1');
    expect(view?.state.status).toBe('confirmed');
    expect(view?.receipts.map((r) => r.receipt.kind)).toEqual(['prepayment', 'full-settlement']);
    expect(view?.history.map((h) => h.event)).toContain('OrderLocked');
    const locked = await shop.execute(
      order,
      raw(
        'AddOrderLine',
        {
          line: {
            lineId: 'l3',
            sku: 'CAP',
            name: 'Cap',
            qty: 1,
            unitPrice: rub(800),
            vatRate: 'vat20',
            kind: 'physical',
          },
        },
        admin,
        T(5, 9),
      ),
    );
    expect(E.isLeft(locked) && locked.left.code).toBe('order-locked');

    // Lists and the customer's portal read the projections, caught up.
    const list = await shop.queries.orders();
    expect(list.map((o) => o.orderId)).toEqual(['o-1']);
    expect((await shop.queries.customer('cust-olga'))?.orders.map((o) => o.orderId)).toEqual(['o-1']);
    expect((await shop.queries.myOrders(customer)).map((o) => o.orderId)).toEqual(['o-1']);
    expect((await shop.queries.myReceipts(customer)).map((r) => r.kind)).toEqual(['prepayment', 'full-settlement']);

    // The registry decodes every stream of the store, ReceiptIssued included.
    const types: string[] = [];
    for await (const envelope of shop.store.readAll()) {
      const decoded = shop.decoders.decode(envelope);
      expect(E.isRight(decoded)).toBe(true);
      if (E.isRight(decoded) && envelope.streamId === receiptsStreamId('o-1')) types.push(decoded.right.event.type);
    }
    expect(types).toContain('ReceiptIssued');
  });

  it('hands notifications to onNotification (typed, stable ids) and reports the durable outbox depth it is told', async () => {
    const sent: string[] = [];
    const store = createInMemoryEventStore();
    const shop = createShop({
      store,
      onNotification: (out) => {
        // Typed: the compiler knows every kind a shop notifies about.
        const kind: 'order-update' | 'order-confirmation' | 'new-order-alert' | 'order-change' = out.notification.kind;
        sent.push(`${kind} ${out.id}`);
      },
      outboxDepth: () => Promise.resolve(3),
    });
    const order = orderStreamId('o-1');
    await shop.execute(order, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10)));
    await shop.execute(order, raw('AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 10)));
    await shop.runUntilIdle();
    expect(sent.map((s) => s.split(' ')[0])).toEqual(['order-confirmation', 'new-order-alert']);
    expect(shop.notifications.depth()).toBe(0);
    expect((await shop.health()).outbox.depth).toBe(3);
    // Decided again by a new process over the same store: the same ids (the receiver dedupes by them).
    const again: string[] = [];
    const next = createShop({ store, onNotification: (out) => void again.push(`${out.notification.kind} ${out.id}`) });
    await next.runUntilIdle();
    expect(again).toEqual(sent);
  });
});
