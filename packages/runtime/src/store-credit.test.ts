import { createInMemoryEventStore, rehydrate, type Envelope, type Event, type EventStore } from '@ordersource/core';
import {
  creditAccountStreamId,
  creditBalance,
  creditDecider,
  decodeOrderEnvelope,
  orderDecider,
  orderStreamId,
  type CreditEvent,
  type OrderEvent,
} from '@ordersource/domain';
import { orderChangeStreamId } from '@ordersource/domain/changes';
import { creditAccountReceipts, signedMoneyOf } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { orderChangeStreamKind, withOrderChanges } from './order-changes.js';
import { createShop } from './shop.js';
import {
  applyGoodwillCredit,
  creditStreamKind,
  decodeCreditEnvelope,
  payWithStoreCredit,
  refundToStoreCredit,
} from './store-credit.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';
import { beginOrderChange } from './order-changes.js';

/**
 * Issue 17 on createShop: a refund to store credit, the credit spent as a
 * tender on the next order (CUS-3: by the customer, on her own order), and a
 * change whose order command is refused as it is sent, recorded failed.
 */

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

type Store = ReturnType<typeof createInMemoryEventStore>;
const read = async <Ev extends Event>(
  store: Store,
  streamId: string,
  decode: (r: Envelope) => E.Either<unknown, Envelope<Ev>>,
) => {
  const out: Ev[] = [];
  for await (const r of store.read(streamId)) {
    const decoded = decode(r);
    if (E.isRight(decoded)) out.push(decoded.right.event);
  }
  return out;
};
const order = async (store: Store, orderId: string) =>
  rehydrate(orderDecider, await read<OrderEvent>(store, orderStreamId(orderId), decodeOrderEnvelope));
const account = async (store: Store) =>
  rehydrate(creditDecider, await read<CreditEvent>(store, creditAccountStreamId('cust-olga'), decodeCreditEnvelope));

const setup = () => {
  const store = createInMemoryEventStore();
  const shop = createShop({
    store,
    clock: createVirtualClock(T(1, 9)),
    streams: [orderChangeStreamKind(), creditStreamKind()],
    reactors: withOrderChanges({}),
  });
  const ok = async (result: Promise<unknown>) => {
    const r = (await result) as E.Either<{ code?: string; message: string }, unknown>;
    if (E.isLeft(r)) throw new Error(`${r.left.code ?? ''} ${r.left.message}`);
    return r.right;
  };
  const delivered = async (orderId: string, day: number) => {
    const stream = orderStreamId(orderId);
    await ok(shop.execute(stream, raw('PlaceOrder', checkoutData(orderId), customer, T(day, 10))));
    await ok(
      shop.execute(stream, raw('RecordSale', { paymentId: `${orderId}-pay`, amount: rub(7000) }, provider, T(day, 11))),
    );
    await shop.runUntilIdle();
    await ok(shop.execute(stream, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(day, 12))));
    await ok(shop.execute(stream, raw('MarkDelivered', {}, admin, T(day, 13))));
    await shop.runUntilIdle();
  };
  return { store, shop, ok, delivered };
};

describe('issue 17: store credit on the runtime', () => {
  it('refunds returned shoes to store credit, then the customer pays part of her next order with it', async () => {
    const { store, shop, ok, delivered } = setup();
    await delivered('o-1', 1);
    const credited = await ok(
      refundToStoreCredit(shop, {
        orderId: 'o-1',
        refundId: 'r-1',
        lines: [{ lineId: 'l1', qty: 1 }],
        actor: admin,
        at: T(3, 9),
      }),
    );
    const refunded = (await order(store, 'o-1')).payments.reduce((s, p) => s + p.refunded, 0);
    expect(credited).toBe(refunded);
    expect(creditBalance(await account(store), 'RUB')).toBe(refunded);

    // The next order: the checkout request is voided and the credit pays part of it.
    const next = orderStreamId('o-2');
    await ok(shop.execute(next, raw('PlaceOrder', checkoutData('o-2'), customer, T(4, 10))));
    await ok(shop.execute(next, raw('VoidPayment', { paymentId: 'o-2-pay', reason: 'split tender' }, admin, T(4, 10))));
    const tooMuch = await payWithStoreCredit(shop, {
      orderId: 'o-2',
      paymentId: 'credit',
      amount: { amount: refunded + 1, currency: 'RUB' },
      actor: customer,
      at: T(4, 11),
    });
    expect(E.isLeft(tooMuch) && tooMuch.left.code).toBe('insufficient-credit');
    const stranger = await payWithStoreCredit(shop, {
      orderId: 'o-2',
      paymentId: 'credit',
      amount: rub(1),
      actor: { kind: 'customer', id: 'someone-else' },
      at: T(4, 11),
    });
    expect(E.isLeft(stranger) && stranger.left.code).toBe('forbidden');
    await ok(
      payWithStoreCredit(shop, {
        orderId: 'o-2',
        paymentId: 'credit',
        amount: { amount: refunded, currency: 'RUB' },
        actor: customer,
        at: T(4, 11),
      }),
    );
    // Sent again (a retry): nothing more is spent or paid.
    await ok(
      payWithStoreCredit(shop, {
        orderId: 'o-2',
        paymentId: 'credit',
        amount: { amount: refunded, currency: 'RUB' },
        actor: customer,
        at: T(4, 11),
      }),
    );
    const o2 = await order(store, 'o-2');
    expect(o2.payments.find((p) => p.paymentId === 'credit')).toMatchObject({ status: 'captured', captured: refunded });
    expect(creditBalance(await account(store), 'RUB')).toBe(0);
    expect((await account(store)).ledger['RUB']).toMatchObject({ issued: refunded, spent: refunded });
  });

  it('a crash between the order refund and the credit issue: the retry issues the credit once, for what was refunded', async () => {
    const { store, shop, delivered } = setup();
    await delivered('o-1', 1);
    // The process dies as it sends IssueCredit: the refund is on the order, the account has nothing.
    const crashing = {
      store,
      execute: async (streamId: string, input: unknown) => {
        if (streamId === creditAccountStreamId('cust-olga')) throw new Error('crash: process killed');
        return shop.execute(streamId, input);
      },
    };
    const input = { orderId: 'o-1', refundId: 'r-crash', lines: [{ lineId: 'l1', qty: 1 }], actor: admin, at: T(3, 9) };
    await expect(refundToStoreCredit(crashing, input)).rejects.toThrow('crash');
    const refunded = (await order(store, 'o-1')).payments.reduce((s, p) => s + p.refunded, 0);
    expect(refunded).toBeGreaterThan(0);
    expect((await account(store)).grants).toEqual([]);
    // The retry (a later clock, the same refund id): no second refund, the credit follows.
    const retried = await refundToStoreCredit(shop, { ...input, at: T(3, 10) });
    expect(retried).toEqual(E.right(refunded));
    expect((await order(store, 'o-1')).payments.reduce((s, p) => s + p.refunded, 0)).toBe(refunded);
    expect(creditBalance(await account(store), 'RUB')).toBe(refunded);
    // And once more (say the answer to the retry was lost): nothing changes on either stream.
    const orderVersion = (await read<OrderEvent>(store, orderStreamId('o-1'), decodeOrderEnvelope)).length;
    const accountVersion = (await read<CreditEvent>(store, creditAccountStreamId('cust-olga'), decodeCreditEnvelope))
      .length;
    expect(await refundToStoreCredit(shop, { ...input, at: T(3, 11) })).toEqual(E.right(refunded));
    expect((await read<OrderEvent>(store, orderStreamId('o-1'), decodeOrderEnvelope)).length).toBe(orderVersion);
    expect((await read<CreditEvent>(store, creditAccountStreamId('cust-olga'), decodeCreditEnvelope)).length).toBe(
      accountVersion,
    );
    expect((await account(store)).grants.map((g) => [g.creditId, g.issued])).toEqual([
      ['refund:o-1:r-crash', refunded],
    ]);
  });

  it('a crash before the order refund leaves nothing behind; the retry does both steps', async () => {
    const { store, shop, delivered } = setup();
    await delivered('o-1', 1);
    const dead = {
      store,
      execute: async () => {
        throw new Error('crash: process killed');
      },
    };
    const input = { orderId: 'o-1', refundId: 'r-early', lines: [{ lineId: 'l1', qty: 1 }], actor: admin, at: T(3, 9) };
    await expect(refundToStoreCredit(dead, input)).rejects.toThrow('crash');
    expect((await order(store, 'o-1')).payments.reduce((s, p) => s + p.refunded, 0)).toBe(0);
    const credited = await refundToStoreCredit(shop, input);
    const refunded = (await order(store, 'o-1')).payments.reduce((s, p) => s + p.refunded, 0);
    expect(credited).toEqual(E.right(refunded));
    expect(creditBalance(await account(store), 'RUB')).toBe(refunded);
  });

  it('goodwill credit is spent as a discount on the order, once, never beyond the goodwill held (54-FZ: no payment)', async () => {
    const { store, shop, ok } = setup();
    await ok(
      shop.execute(
        creditAccountStreamId('cust-olga'),
        raw(
          'IssueCredit',
          {
            customerId: 'cust-olga',
            creditId: 'gw-1',
            amount: rub(500),
            source: { kind: 'goodwill', reason: 'late parcel' },
          },
          admin,
          T(1, 10),
        ),
      ),
    );
    const next = orderStreamId('o-2');
    await ok(shop.execute(next, raw('PlaceOrder', checkoutData('o-2'), customer, T(4, 10))));
    await ok(shop.execute(next, raw('VoidPayment', { paymentId: 'o-2-pay', reason: 'split tender' }, admin, T(4, 10))));
    const before = (await order(store, 'o-2')).totals;
    // Goodwill is no tender: paying with it is refused by the account.
    const asTender = await payWithStoreCredit(shop, {
      orderId: 'o-2',
      paymentId: 'credit',
      amount: rub(500),
      actor: customer,
      at: T(4, 11),
    });
    expect(E.isLeft(asTender) && asTender.left.code).toBe('insufficient-credit');
    const tooMuch = await applyGoodwillCredit(shop, {
      orderId: 'o-2',
      discountId: 'd-1',
      amount: { amount: rub(500).amount + 1, currency: 'RUB' },
      actor: customer,
      at: T(4, 11),
    });
    expect(E.isLeft(tooMuch) && tooMuch.left.code).toBe('insufficient-credit');
    const input = { orderId: 'o-2', discountId: 'd-1', amount: rub(500), actor: customer, at: T(4, 12) };
    await ok(applyGoodwillCredit(shop, input));
    await ok(applyGoodwillCredit(shop, input));
    const after = (await order(store, 'o-2')).totals;
    const goodwill = rub(500).amount;
    expect(after.discount.amount).toBe(before.discount.amount + goodwill);
    expect(after.total.amount).toBe(before.total.amount - goodwill);
    expect(creditBalance(await account(store), 'RUB')).toBe(0);
    expect((await account(store)).ledger['RUB']).toMatchObject({ issued: goodwill, spent: goodwill });
  });

  it('54-FZ through the shop: refund to credit, credit spent on the next order, closing receipt paid by 1215 (REC-3, REC-5, REC-7)', async () => {
    const { store, shop, ok, delivered } = setup();
    await delivered('o-1', 1);
    const credited = (await ok(
      refundToStoreCredit(shop, {
        orderId: 'o-1',
        refundId: 'r-1',
        lines: [{ lineId: 'l1', qty: 1 }],
        actor: admin,
        at: T(3, 9),
      }),
    )) as number;
    await shop.runUntilIdle();
    const back = (await shop.queries.receipts('o-1'))
      .map((r) => r.receipt)
      .filter((r) => r.operation === 'income-return');
    expect(back.map((r) => [r.kind, r.total.amount, r.items.map((i) => i.lineId)])).toEqual([
      ['full-settlement', credited, ['l1']],
    ]);
    const next = orderStreamId('o-2');
    await ok(shop.execute(next, raw('PlaceOrder', checkoutData('o-2'), customer, T(4, 10))));
    await ok(shop.execute(next, raw('VoidPayment', { paymentId: 'o-2-pay', reason: 'split tender' }, admin, T(4, 10))));
    await ok(
      payWithStoreCredit(shop, {
        orderId: 'o-2',
        paymentId: 'credit',
        amount: { amount: credited, currency: 'RUB' },
        actor: customer,
        at: T(4, 11),
      }),
    );
    const total = (await order(store, 'o-2')).totals.total.amount;
    const card = { amount: total - credited, currency: 'RUB' };
    const method = { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' };
    await ok(
      shop.execute(
        next,
        raw('RequestPayment', { paymentId: 'card', amount: card, method, channel: 'email' }, admin, T(4, 12)),
      ),
    );
    await ok(shop.execute(next, raw('RecordSale', { paymentId: 'card', amount: card }, provider, T(4, 13))));
    await shop.runUntilIdle();
    await ok(shop.execute(next, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(5, 12))));
    await ok(shop.execute(next, raw('MarkDelivered', {}, admin, T(5, 13))));
    await shop.runUntilIdle();
    const receipts = (await shop.queries.receipts('o-2')).map((r) => r.receipt);
    expect(receipts.map((r) => [r.kind, r.total.amount])).toEqual([
      ['advance', credited],
      ['advance', total - credited],
      ['full-settlement', total],
    ]);
    const closing = receipts[2];
    expect(closing?.payments.prepayment.amount).toBe(total);
    expect((closing?.payments.cash.amount ?? 0) + (closing?.payments.electronic.amount ?? 0)).toBe(0);
    // The account's own receipts: the advance the refund made, given back when the credit was spent.
    const history = await read<CreditEvent>(store, creditAccountStreamId('cust-olga'), decodeCreditEnvelope);
    const accountReceipts = creditAccountReceipts(history, { accountId: creditAccountStreamId('cust-olga') });
    expect(accountReceipts.map((r) => [r.operation, r.total.amount])).toEqual([
      ['income', credited],
      ['income-return', credited],
    ]);
    // New money over both orders and the account: what the cards paid less what went back to a card (nothing).
    const all = [...(await shop.queries.receipts('o-1')).map((r) => r.receipt), ...receipts, ...accountReceipts];
    expect(all.reduce((sum, r) => sum + signedMoneyOf(r), 0)).toBe(rub(7000).amount + card.amount);
  });

  it('a change whose refund the order refuses as it is sent is recorded failed, never applied, and issues no credit', async () => {
    const { ok } = setup();
    // The race: the change reactor reads the order to plan its refund, and a hand refund of the same
    // shoes lands before the planned RefundPayment is sent. The store below runs the hand refund once,
    // right after the first read of the order that follows the return's arrival (ReturnReceived).
    const inner = createInMemoryEventStore();
    const stream = orderStreamId('o-1');
    const change = orderChangeStreamId('r-9');
    const race: { run?: () => Promise<unknown>; ran: boolean } = { ran: false };
    const returnArrived = async () => {
      for await (const r of inner.read(change)) if (r.event.type === 'ReturnReceived') return true;
      return false;
    };
    const store: EventStore = {
      ...inner,
      read: (streamId, options) => ({
        async *[Symbol.asyncIterator]() {
          yield* inner.read(streamId, options);
          if (streamId === stream && race.run !== undefined && !race.ran && (await returnArrived())) {
            race.ran = true;
            await race.run();
          }
        },
      }),
    };
    const shop = createShop({
      store,
      clock: createVirtualClock(T(1, 9)),
      streams: [orderChangeStreamKind(), creditStreamKind()],
      reactors: withOrderChanges({}),
    });
    await ok(shop.execute(stream, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
    await ok(shop.execute(stream, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
    await shop.runUntilIdle();
    await ok(shop.execute(stream, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(1, 12))));
    await ok(shop.execute(stream, raw('MarkDelivered', {}, admin, T(1, 13))));
    await shop.runUntilIdle();
    await ok(beginOrderChange(shop, { changeId: 'r-9', orderId: 'o-1', kind: 'return', actor: admin, at: T(2, 9) }));
    await ok(
      shop.execute(
        change,
        raw('StageReturnItem', { item: { lineId: 'l1', qty: 1, reason: 'wrong-size' } }, admin, T(2, 9)),
      ),
    );
    await ok(shop.execute(change, raw('ConfirmOrderChange', { refundTo: 'store-credit' }, admin, T(2, 10))));
    // The confirmation is handled first (its pass reads the order too, before the return arrives).
    await shop.runUntilIdle();
    race.run = () =>
      ok(
        shop.execute(
          stream,
          raw('RefundPayment', { refundId: 'by-hand', lines: [{ lineId: 'l1', qty: 1 }] }, admin, T(2, 11)),
        ),
      );
    await ok(
      shop.execute(
        change,
        raw(
          'ReceiveReturn',
          { items: [{ lineId: 'l1', qty: 1, condition: 'sellable', restock: true }] },
          admin,
          T(2, 12),
        ),
      ),
    );
    const drained = await shop.runUntilIdle();
    expect(race.ran).toBe(true);
    expect(drained.refusals.map((r) => r.type)).toEqual(['RefundPayment']);
    const types: string[] = [];
    for await (const r of store.read(change)) types.push(r.event.type);
    expect(types.at(-1)).toBe('OrderChangeFailed');
    expect(types).not.toContain('OrderChangeApplied');
    expect((await account(store)).grants).toEqual([]);
  });
});
