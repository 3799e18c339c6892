import { createInMemoryEventStore, rehydrate, type Envelope, type EventStore } from '@ordersource/core';
import {
  creditAccountStreamId,
  creditBalance,
  creditDecider,
  decodeOrderEnvelope,
  orderDecider,
  orderStreamId,
  type CreditEvent,
} from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { creditGoodwillReturnsReactor, creditRefundReversalsReactor, withStoreCredit } from './credit-receipts.js';
import { orderChangeStreamKind, withOrderChanges } from './order-changes.js';
import { createShop, type Shop } from './shop.js';
import {
  applyGoodwillCredit,
  creditStreamKind,
  decodeCreditEnvelope,
  payWithStoreCredit,
  refundToStoreCredit,
} from './store-credit.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 17: goodwill spent on an order (a discount) comes back to the
 * customer's account when the order is cancelled or the goods it discounted
 * are refunded (reactor `credit.goodwill-returns`), once; money credit spent
 * as a tender comes back through the refund of its store-credit payment,
 * also after a cancellation (PAY-5). 54-FZ: goodwill owes no receipt (REC-1).
 * And a refund that credited the account and was reversed (`RefundReversed`)
 * takes the credit back; what was spent already is recorded as her debt.
 */

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
const ACCOUNT = creditAccountStreamId('cust-olga');
const CARD = { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' };

const rawOf = async (store: EventStore, streamId: string): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const r of store.read(streamId)) out.push(r);
  return out;
};
const credit = async (store: EventStore): Promise<CreditEvent[]> =>
  (await rawOf(store, ACCOUNT)).map((r) => {
    const d = decodeCreditEnvelope(r);
    if (E.isLeft(d)) throw new Error(d.left.message);
    return d.right.event;
  });
const account = async (store: EventStore) => rehydrate(creditDecider, await credit(store));
const orderOf = async (store: EventStore, orderId: string) =>
  rehydrate(
    orderDecider,
    (await rawOf(store, orderStreamId(orderId))).map((r) => {
      const d = decodeOrderEnvelope(r);
      if (E.isLeft(d)) throw new Error(d.left.message);
      return d.right.event;
    }),
  );
const goodwillBack = async (store: EventStore) =>
  (await account(store)).grants.filter((g) => g.creditId.startsWith('goodwill-back:'));

const ok = async (result: Promise<unknown>) => {
  const r = (await result) as E.Either<{ code?: string; message: string }, unknown>;
  if (E.isLeft(r)) throw new Error(`${r.left.code ?? ''} ${r.left.message}`);
  return r.right;
};

const setup = () => {
  const store = createInMemoryEventStore();
  const shop = createShop({
    store,
    clock: createVirtualClock(T(1, 9)),
    streams: [orderChangeStreamKind(), creditStreamKind()],
    reactors: (defaults) => withStoreCredit()(withOrderChanges({})(defaults)),
  });
  return { store, shop };
};

const goodwill = (shop: Shop, amount: number, expiresAt?: string) =>
  ok(
    shop.execute(
      ACCOUNT,
      raw(
        'IssueCredit',
        {
          customerId: 'cust-olga',
          creditId: 'gw-1',
          amount: rub(amount),
          source: { kind: 'goodwill', reason: 'late parcel' },
          ...(expiresAt === undefined ? {} : { expiresAt }),
        },
        admin,
        T(1, 10),
      ),
    ),
  );

/** An order placed, its checkout request voided, goodwill `gw` spent on it as a discount. */
const orderWithGoodwill = async (shop: Shop, orderId: string, gw: number) => {
  const stream = orderStreamId(orderId);
  await ok(shop.execute(stream, raw('PlaceOrder', checkoutData(orderId), customer, T(4, 10))));
  await ok(
    shop.execute(stream, raw('VoidPayment', { paymentId: `${orderId}-pay`, reason: 'split tender' }, admin, T(4, 10))),
  );
  await ok(applyGoodwillCredit(shop, { orderId, discountId: 'd-1', amount: rub(gw), actor: customer, at: T(4, 11) }));
  await shop.runUntilIdle();
};

describe('issue 17: goodwill comes back when the order no longer uses it', () => {
  it('cancelled: the goodwill discount comes back whole (expiry kept), the money credit through the refund of its payment (PAY-5)', async () => {
    const { store, shop } = setup();
    // Money credit: o-1 delivered, its shoes refunded to credit.
    const o1 = orderStreamId('o-1');
    await ok(shop.execute(o1, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
    await ok(shop.execute(o1, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
    await shop.runUntilIdle();
    await ok(shop.execute(o1, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(1, 12))));
    await ok(shop.execute(o1, raw('MarkDelivered', {}, admin, T(1, 13))));
    await shop.runUntilIdle();
    const money = (await ok(
      refundToStoreCredit(shop, {
        orderId: 'o-1',
        refundId: 'r-1',
        lines: [{ lineId: 'l1', qty: 1 }],
        actor: admin,
        at: T(2, 9),
      }),
    )) as number;
    await goodwill(shop, 500, T(20, 0));
    await shop.runUntilIdle();
    const before = creditBalance(await account(store), 'RUB');
    expect(before).toBe(money + rub(500).amount);

    await orderWithGoodwill(shop, 'o-2', 500);
    await ok(
      payWithStoreCredit(shop, {
        orderId: 'o-2',
        paymentId: 'credit',
        amount: rub(1000),
        actor: customer,
        at: T(4, 12),
      }),
    );
    await shop.runUntilIdle();
    expect(creditBalance(await account(store), 'RUB')).toBe(before - rub(1500).amount);

    await ok(shop.execute(orderStreamId('o-2'), raw('CancelOrder', { reason: 'changed her mind' }, admin, T(5, 9))));
    await shop.runUntilIdle();
    // The goodwill is back, as goodwill, keeping the expiry it had; the money paid is still held by the order.
    expect(await goodwillBack(store)).toEqual([
      expect.objectContaining({
        creditId: 'goodwill-back:o-2:cancelled',
        issued: rub(500).amount,
        source: { kind: 'goodwill', reason: 'order SO-o-2: cancelled' },
        expiresAt: T(20, 0),
      }),
    ]);
    expect(creditBalance(await account(store), 'RUB')).toBe(before - rub(1000).amount);

    // The shop gives back what the cancelled order holds: the store-credit payment goes back to the account.
    await ok(shop.execute(orderStreamId('o-2'), raw('RefundExcess', { refundId: 'x-1' }, admin, T(5, 10))));
    await shop.runUntilIdle();
    expect((await orderOf(store, 'o-2')).payments.find((p) => p.paymentId === 'credit')?.refunded).toBe(
      rub(1000).amount,
    );
    expect(creditBalance(await account(store), 'RUB')).toBe(before);
    // Nothing twice: the goodwill reactor, given the order's events again, sends nothing.
    const reactor = creditGoodwillReturnsReactor();
    let sent = 0;
    for (const envelope of await rawOf(store, orderStreamId('o-2')))
      if (reactor.filter?.eventTypes?.includes(envelope.event.type) === true)
        sent += (await reactor.react(envelope as never, { store, raw: envelope })).length;
    expect(sent).toBe(0);
    expect((await goodwillBack(store)).length).toBe(1);
  });

  it('returned goods bring back their share of the goodwill; all of it once every unit and the shipping came back (REC-7)', async () => {
    const { store, shop } = setup();
    await goodwill(shop, 500);
    await orderWithGoodwill(shop, 'o-3', 500);
    const stream = orderStreamId('o-3');
    const total = (await orderOf(store, 'o-3')).totals.total;
    expect(total.amount).toBe(rub(6500).amount);
    await ok(
      shop.execute(
        stream,
        raw('RequestPayment', { paymentId: 'card', amount: total, method: CARD, channel: 'email' }, admin, T(4, 12)),
      ),
    );
    await ok(shop.execute(stream, raw('RecordSale', { paymentId: 'card', amount: total }, provider, T(4, 12))));
    await ok(shop.execute(stream, raw('ConfirmOrder', {}, admin, T(4, 13))));
    await ok(shop.execute(stream, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(4, 13))));
    await ok(shop.execute(stream, raw('MarkDelivered', {}, admin, T(4, 14))));
    await shop.runUntilIdle();

    // The shoes come back (to the card): gross 5000, the customer paid `paid` for them.
    await ok(
      shop.execute(
        stream,
        raw('RefundPayment', { refundId: 'r-1', lines: [{ lineId: 'l1', qty: 1 }] }, admin, T(5, 9)),
      ),
    );
    await shop.runUntilIdle();
    const paid = (await orderOf(store, 'o-3')).payments.reduce((s, p) => s + p.refunded, 0);
    // Their share of the discount (300 checkout + 500 goodwill), of which the goodwill's part (500/800) comes back.
    const share = rub(5000).amount - paid;
    const first = Math.floor((rub(500).amount * share) / rub(800).amount);
    expect(first).toBeGreaterThan(0);
    expect((await goodwillBack(store)).map((g) => [g.creditId, g.issued])).toEqual([
      ['goodwill-back:o-3:refund:r-1', first],
    ]);

    // The socks and the shipping: everything is back, so is the whole goodwill.
    await ok(
      shop.execute(
        stream,
        raw('RefundPayment', { refundId: 'r-2', lines: [{ lineId: 'l2', qty: 4 }], shipping: true }, admin, T(5, 10)),
      ),
    );
    await shop.runUntilIdle();
    expect((await goodwillBack(store)).map((g) => [g.creditId, g.issued])).toEqual([
      ['goodwill-back:o-3:refund:r-1', first],
      ['goodwill-back:o-3:refund:r-2', rub(500).amount - first],
    ]);
    expect(creditBalance(await account(store), 'RUB')).toBe(rub(500).amount);
    // 54-FZ: goodwill given back owes the account no receipt (no money received, REC-1).
    expect(await shop.queries.receipts(ACCOUNT)).toEqual([]);
  });

  it('a refund that gave goodwill back is reversed: the goodwill is taken back, and comes back with the next refund', async () => {
    const { store, shop } = setup();
    await goodwill(shop, 500);
    await orderWithGoodwill(shop, 'o-3', 500);
    const stream = orderStreamId('o-3');
    const total = (await orderOf(store, 'o-3')).totals.total;
    await ok(
      shop.execute(
        stream,
        raw('RequestPayment', { paymentId: 'card', amount: total, method: CARD, channel: 'email' }, admin, T(4, 12)),
      ),
    );
    await ok(shop.execute(stream, raw('RecordSale', { paymentId: 'card', amount: total }, provider, T(4, 12))));
    await ok(shop.execute(stream, raw('ConfirmOrder', {}, admin, T(4, 13))));
    await ok(shop.execute(stream, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(4, 13))));
    await ok(shop.execute(stream, raw('MarkDelivered', {}, admin, T(4, 14))));
    const shoes = { lineId: 'l1', qty: 1 };
    await ok(shop.execute(stream, raw('RefundPayment', { refundId: 'r-1', lines: [shoes] }, admin, T(5, 9))));
    await shop.runUntilIdle();
    const first = creditBalance(await account(store), 'RUB');
    expect(first).toBeGreaterThan(0);
    // The bank bounced the refund: the shoes count as sold again, their goodwill share goes back to the order.
    await ok(shop.execute(stream, raw('ReverseRefund', { refundId: 'r-1' }, provider, T(5, 10))));
    await shop.runUntilIdle();
    expect(creditBalance(await account(store), 'RUB')).toBe(0);
    expect((await account(store)).debt).toBeUndefined();
    // Refunded again: the share comes back once more, no more than before.
    await ok(shop.execute(stream, raw('RefundPayment', { refundId: 'r-2', lines: [shoes] }, admin, T(5, 11))));
    await shop.runUntilIdle();
    expect(creditBalance(await account(store), 'RUB')).toBe(first);
  });

  it('goodwill that had lapsed when the order was cancelled does not come back', async () => {
    const { store, shop } = setup();
    await goodwill(shop, 500, T(4, 23));
    await orderWithGoodwill(shop, 'o-4', 500);
    await ok(shop.execute(orderStreamId('o-4'), raw('CancelOrder', { reason: 'late' }, admin, T(6, 9))));
    const drained = await shop.runUntilIdle();
    expect(await goodwillBack(store)).toEqual([]);
    // Planned as nothing, not sent and refused by the account.
    expect(drained.refusals).toEqual([]);
  });
});

/** o-1's shoes refunded to credit (M); o-2 paid `paid` with it; then a hand refund of that payment (h-1), credited. */
const handRefundCredited = async (shop: Shop, store: EventStore, paid: number) => {
  const o1 = orderStreamId('o-1');
  await ok(shop.execute(o1, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
  await ok(shop.execute(o1, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
  await shop.runUntilIdle();
  await ok(shop.execute(o1, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(1, 12))));
  await ok(shop.execute(o1, raw('MarkDelivered', {}, admin, T(1, 13))));
  await shop.runUntilIdle();
  const money = (await ok(
    refundToStoreCredit(shop, {
      orderId: 'o-1',
      refundId: 'r-1',
      lines: [{ lineId: 'l1', qty: 1 }],
      actor: admin,
      at: T(2, 9),
    }),
  )) as number;
  const o2 = orderStreamId('o-2');
  await ok(shop.execute(o2, raw('PlaceOrder', checkoutData('o-2'), customer, T(3, 10))));
  await ok(shop.execute(o2, raw('VoidPayment', { paymentId: 'o-2-pay', reason: 'split tender' }, admin, T(3, 10))));
  await ok(
    payWithStoreCredit(shop, { orderId: 'o-2', paymentId: 'credit', amount: rub(paid), actor: customer, at: T(3, 11) }),
  );
  await ok(
    shop.execute(
      o2,
      raw('RefundPayment', { refundId: 'h-1', paymentId: 'credit', amount: rub(paid) }, admin, T(3, 12)),
    ),
  );
  await shop.runUntilIdle();
  expect(creditBalance(await account(store), 'RUB')).toBe(money);
  return money;
};

describe('issue 17: a reversed refund takes its credit back (PAY-5)', () => {
  it('the credit still held: taken back, once; the account returns the advance (REC-7)', async () => {
    const { store, shop } = setup();
    const money = await handRefundCredited(shop, store, 1000);
    await ok(
      shop.execute(
        orderStreamId('o-2'),
        raw('ReverseRefund', { refundId: 'h-1', amount: rub(1000) }, provider, T(4, 9)),
      ),
    );
    await shop.runUntilIdle();
    const after = await account(store);
    expect(creditBalance(after, 'RUB')).toBe(money - rub(1000).amount);
    expect(after.grants.find((g) => g.creditId === 'payment-refund:o-2:h-1')?.remaining).toBe(0);
    expect(after.debt).toBeUndefined();
    // The order holds the store-credit money again.
    const o2 = await orderOf(store, 'o-2');
    expect(o2.payments.find((p) => p.paymentId === 'credit')?.refunded).toBe(0);
    // 54-FZ: the credit taken back returns its advance on the account's receipts.
    const receipts = (await shop.queries.receipts(ACCOUNT)).map((r) => r.receipt);
    expect(receipts.filter((r) => r.operation === 'income-return').map((r) => r.total.amount)).toContain(
      rub(1000).amount,
    );
    // Redelivered: the reversal's command id is derived from the event; nothing more is taken.
    const reactor = creditRefundReversalsReactor();
    for (const envelope of await rawOf(store, orderStreamId('o-2')))
      if (envelope.event.type === 'RefundReversed')
        for (const effect of await reactor.react(envelope as never, { store, raw: envelope }))
          if (effect.kind === 'command') await ok(shop.execute(effect.streamId, effect.command));
    expect(creditBalance(await account(store), 'RUB')).toBe(money - rub(1000).amount);
    expect((await credit(store)).filter((e) => e.type === 'CreditReversed')).toHaveLength(1);
  });

  it('the credit spent already: nothing below zero, the rest recorded as her debt, no receipt for money that did not move', async () => {
    const { store, shop } = setup();
    const money = await handRefundCredited(shop, store, 1000);
    // She spends all her credit on o-3 before the reversal arrives.
    const o3 = orderStreamId('o-3');
    await ok(shop.execute(o3, raw('PlaceOrder', checkoutData('o-3'), customer, T(3, 13))));
    await ok(shop.execute(o3, raw('VoidPayment', { paymentId: 'o-3-pay', reason: 'split tender' }, admin, T(3, 13))));
    await ok(
      payWithStoreCredit(shop, {
        orderId: 'o-3',
        paymentId: 'credit',
        amount: { amount: money, currency: 'RUB' },
        actor: customer,
        at: T(3, 14),
      }),
    );
    await shop.runUntilIdle();
    const receiptsBefore = (await shop.queries.receipts(ACCOUNT)).length;
    await ok(
      shop.execute(
        orderStreamId('o-2'),
        raw('ReverseRefund', { refundId: 'h-1', amount: rub(1000) }, provider, T(4, 9)),
      ),
    );
    const drained = await shop.runUntilIdle();
    expect(drained.refusals).toEqual([]);
    const after = await account(store);
    expect(creditBalance(after, 'RUB')).toBe(0);
    expect(after.debt).toEqual({ RUB: rub(1000).amount });
    const reversed = (await credit(store)).filter((e) => e.type === 'CreditReversed');
    expect(
      reversed.map((e) => e.type === 'CreditReversed' && [e.data.amount.amount, e.data.unrecovered?.amount]),
    ).toEqual([[0, rub(1000).amount]]);
    expect((await shop.queries.receipts(ACCOUNT)).length).toBe(receiptsBefore);
  });

  it('a card refund reversed takes no credit', async () => {
    const { store, shop } = setup();
    const o1 = orderStreamId('o-1');
    await ok(shop.execute(o1, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
    await ok(shop.execute(o1, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
    await ok(shop.execute(o1, raw('RefundPayment', { refundId: 'c-1', amount: rub(100) }, admin, T(1, 12))));
    await ok(shop.execute(o1, raw('ReverseRefund', { refundId: 'c-1', amount: rub(100) }, provider, T(1, 13))));
    const drained = await shop.runUntilIdle();
    expect(drained.refusals).toEqual([]);
    expect(await credit(store)).toEqual([]);
  });
});
