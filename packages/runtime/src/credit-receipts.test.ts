import { createInMemoryEventStore, rehydrate, type Envelope, type Event, type EventStore } from '@ordersource/core';
import {
  creditAccountStreamId,
  creditBalance,
  creditDecider,
  decodeOrderEnvelope,
  orderDecider,
  orderStreamId,
  refundedUnder,
  type CreditEvent,
  type OrderEvent,
  type OrderState,
} from '@ordersource/domain';
import { orderChangeStreamId } from '@ordersource/domain/changes';
import {
  createInMemoryFiscalRegister,
  receiptsStreamId,
  sendPendingReceipts,
  signedMoneyOf,
  type Receipt,
} from '@ordersource/domain/receipts';
import { createPgExecutor, createPostgresEventStore } from '@ordersource/postgres';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { probeServer, testSchema } from '../../postgres/src/test-support/server.js';
import { createVirtualClock } from './clock.js';
import { creditPaymentRefundsReactor, creditReceiptsReactor, withStoreCredit } from './credit-receipts.js';
import { beginOrderChange, orderChangeStreamKind, withOrderChanges } from './order-changes.js';
import type { ShopReactor } from './reactors.js';
import { createShop, type Shop } from './shop.js';
import { creditStreamKind, decodeCreditEnvelope, payWithStoreCredit, refundToStoreCredit } from './store-credit.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 17: the store-credit account on the receipts road (REC-2, REC-3,
 * REC-7): its receipts stored on `receipts-credit-<customerId>`, in the
 * receipts register, sent to the register like an order's; and a hand refund
 * of a store-credit payment given back to the account, once, whichever way
 * the refund was sent. Run on the in-memory store, and on PostgreSQL when
 * ORDERSOURCE_PG_URL names a server.
 */

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
const ACCOUNT = creditAccountStreamId('cust-olga');
const CARD = { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' };

const decoded = async <Ev extends Event>(
  store: EventStore,
  streamId: string,
  decode: (r: Envelope) => E.Either<unknown, Envelope<Ev>>,
): Promise<Envelope<Ev>[]> => {
  const out: Envelope<Ev>[] = [];
  for await (const r of store.read(streamId)) {
    const d = decode(r);
    if (E.isLeft(d)) throw new Error(`${streamId}@${r.streamVersion} does not decode`);
    out.push(d.right);
  }
  return out;
};
const rawOf = async (store: EventStore, streamId: string): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const r of store.read(streamId)) out.push(r);
  return out;
};
const orderOf = async (store: EventStore, orderId: string): Promise<OrderState> =>
  rehydrate(
    orderDecider,
    (await decoded<OrderEvent>(store, orderStreamId(orderId), decodeOrderEnvelope)).map((e) => e.event),
  );
const accountOf = async (store: EventStore) =>
  rehydrate(
    creditDecider,
    (await decoded<CreditEvent>(store, ACCOUNT, decodeCreditEnvelope)).map((e) => e.event),
  );
const receiptsOf = async (shop: Shop, id: string): Promise<Receipt[]> =>
  (await shop.queries.receipts(id)).map((r) => r.receipt);
const roles = (receipts: readonly Receipt[]) => receipts.map((r) => [r.kind, r.operation, r.total.amount]);

const ok = async (result: Promise<unknown>) => {
  const r = (await result) as E.Either<{ code?: string; message: string }, unknown>;
  if (E.isLeft(r)) throw new Error(`${r.left.code ?? ''} ${r.left.message}`);
  return r.right;
};

const shopOn = (store: EventStore) =>
  createShop({
    store,
    clock: createVirtualClock(T(1, 9)),
    streams: [orderChangeStreamKind(), creditStreamKind()],
    reactors: (defaults) => withStoreCredit()(withOrderChanges({})(defaults)),
  });

const delivered = async (shop: Shop, orderId: string, day: number) => {
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

/** o-1 paid by card and delivered; its shoes refunded to credit; o-2 paid by card, then the rest with that credit. */
const creditSpentOnNextOrder = async (shop: Shop, store: EventStore) => {
  await delivered(shop, 'o-1', 1);
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
  const next = orderStreamId('o-2');
  await ok(shop.execute(next, raw('PlaceOrder', checkoutData('o-2'), customer, T(4, 10))));
  await ok(shop.execute(next, raw('VoidPayment', { paymentId: 'o-2-pay', reason: 'split tender' }, admin, T(4, 10))));
  const card = { amount: (await orderOf(store, 'o-2')).totals.total.amount - credited, currency: 'RUB' };
  await ok(
    shop.execute(
      next,
      raw('RequestPayment', { paymentId: 'card', amount: card, method: CARD, channel: 'email' }, admin, T(4, 12)),
    ),
  );
  await ok(shop.execute(next, raw('RecordSale', { paymentId: 'card', amount: card }, provider, T(4, 13))));
  await ok(
    payWithStoreCredit(shop, {
      orderId: 'o-2',
      paymentId: 'credit',
      amount: { amount: credited, currency: 'RUB' },
      actor: customer,
      at: T(4, 14),
    }),
  );
  await shop.runUntilIdle();
  return { credited, card: card.amount };
};

/** Every stored event of `streamId` handed to `reactor` again, its commands sent again: how many events that appended. */
const redeliver = async (shop: Shop, store: EventStore, streamId: string, reactor: ShopReactor) => {
  const targets = new Map<string, number>();
  for (const envelope of await rawOf(store, streamId)) {
    if (reactor.filter?.eventTypes !== undefined && !reactor.filter.eventTypes.includes(envelope.event.type)) continue;
    for (const effect of await reactor.react(envelope as never, { store, raw: envelope })) {
      if (effect.kind !== 'command') continue;
      if (!targets.has(effect.streamId)) targets.set(effect.streamId, (await rawOf(store, effect.streamId)).length);
      const done = await shop.execute(effect.streamId, effect.command);
      if (E.isLeft(done)) throw new Error(done.left.message);
    }
  }
  expect(targets.size, 'the reactor had something to send again').toBeGreaterThan(0);
  let appended = 0;
  for (const [target, before] of targets) appended += (await rawOf(store, target)).length - before;
  return appended;
};

/** Per order: income − returns = captured − refunded (the order's receipts balance its money). */
const expectOrderBalanced = async (shop: Shop, store: EventStore, orderId: string) => {
  const order = await orderOf(store, orderId);
  const money = order.payments.reduce((s, p) => s + p.captured - p.refunded, 0);
  const receipts = (await receiptsOf(shop, orderId)).reduce((s, r) => s + signedMoneyOf(r), 0);
  expect(receipts, `order ${orderId}`).toBe(money);
};

const suite = (name: string, open: () => Promise<{ store: EventStore; close: () => Promise<void> }>) =>
  describe(`issue 17: the credit account's receipts and hand refunds (${name})`, () => {
    it('refund to credit, then credit spent: each receipt stored once, in the register, sent to the cash register (REC-2, REC-3, REC-7)', async () => {
      const { store, close } = await open();
      try {
        const shop = shopOn(store);
        const { credited, card } = await creditSpentOnNextOrder(shop, store);
        // The order that gave the money back: its income return (REC-7); the account took it in as an advance.
        const o1 = await receiptsOf(shop, 'o-1');
        expect(o1.filter((r) => r.operation === 'income-return').map((r) => [r.kind, r.total.amount])).toEqual([
          ['full-settlement', credited],
        ]);
        const account = await receiptsOf(shop, ACCOUNT);
        expect(roles(account)).toEqual([
          ['advance', 'income', credited],
          ['advance', 'income-return', credited],
        ]);
        // The spend returns the account's advance it drew on, and the order takes the money in as its own advance.
        expect(account[1]?.offsets).toEqual([
          { receiptId: account[0]?.receiptId, amount: { amount: credited, currency: 'RUB' } },
        ]);
        expect(roles(await receiptsOf(shop, 'o-2'))).toEqual([
          ['advance', 'income', card],
          ['advance', 'income', credited],
        ]);
        // The register view lists the account's receipts as it lists an order's.
        const register = await shop.queries.receiptsRegister();
        expect(register.byOrder[ACCOUNT]?.map((row) => [row.operation, row.total.amount, row.status])).toEqual([
          ['income', credited, 'pending'],
          ['income-return', credited, 'pending'],
        ]);
        // ... and the same sending step sends them to the cash register and records its answers.
        const cashRegister = createInMemoryFiscalRegister();
        const sent = await sendPendingReceipts({
          register: cashRegister,
          handler: shop.handlers.receipts,
          streamId: receiptsStreamId(ACCOUNT),
          now: () => T(4, 15),
        });
        expect(sent).toEqual(E.right({ sent: 2, accepted: 2, rejected: 0 }));
        await shop.runUntilIdle();
        const after = await shop.queries.receiptsRegister();
        expect(after.byOrder[ACCOUNT]?.map((row) => row.status)).toEqual(['accepted', 'accepted']);
        // A redelivered credit event adds nothing: the same receipt ids, the same command ids.
        const before = (await rawOf(store, receiptsStreamId(ACCOUNT))).length;
        expect(await redeliver(shop, store, ACCOUNT, creditReceiptsReactor())).toBe(0);
        expect((await rawOf(store, receiptsStreamId(ACCOUNT))).length).toBe(before);
        // Money: each order's receipts balance it; new money over the orders and the account = card money in − out.
        await expectOrderBalanced(shop, store, 'o-1');
        await expectOrderBalanced(shop, store, 'o-2');
        const all = [...o1, ...(await receiptsOf(shop, 'o-2')), ...account];
        expect(all.reduce((s, r) => s + signedMoneyOf(r), 0)).toBe(rub(7000).amount + card);
        await shop.stop({ timeoutMs: 1_000 });
      } finally {
        await close();
      }
    }, 120_000);

    it('a hand refund of a store-credit payment goes back to the account, once; refundToStoreCredit and order changes are not credited twice', async () => {
      const { store, close } = await open();
      try {
        const shop = shopOn(store);
        // o-2's newest payment is the store credit: a refund that names no payment draws on it first (PAY-5).
        const { credited, card } = await creditSpentOnNextOrder(shop, store);
        expect(creditBalance(await accountOf(store), 'RUB')).toBe(0);
        const o2 = orderStreamId('o-2');
        await ok(shop.execute(o2, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(5, 12))));
        await ok(shop.execute(o2, raw('MarkDelivered', {}, admin, T(5, 13))));
        await shop.runUntilIdle();
        // The admin refunds a pair of socks by hand: RefundPayment on the store-credit payment, not refundToStoreCredit.
        const socks = [{ lineId: 'l2', qty: 1 }];
        await ok(
          shop.execute(
            o2,
            raw('RefundPayment', { refundId: 'by-hand', paymentId: 'credit', lines: socks }, admin, T(6, 9)),
          ),
        );
        await shop.runUntilIdle();
        const pair = refundedUnder(await orderOf(store, 'o-2'), 'by-hand');
        expect(pair).toBeGreaterThan(0);
        expect(creditBalance(await accountOf(store), 'RUB')).toBe(pair);
        // The order prints its income return of the socks (REC-7); the account takes the money in as an advance.
        expect(roles(await receiptsOf(shop, 'o-2')).at(-1)).toEqual(['full-settlement', 'income-return', pair]);
        expect(roles(await receiptsOf(shop, ACCOUNT)).at(-1)).toEqual(['advance', 'income', pair]);
        // Redelivered, the refund issues nothing more.
        expect(await redeliver(shop, store, o2, creditPaymentRefundsReactor())).toBe(0);
        await shop.runUntilIdle();
        expect(creditBalance(await accountOf(store), 'RUB')).toBe(pair);

        // refundToStoreCredit of the same payment: credited by that path alone, exactly once.
        await ok(
          refundToStoreCredit(shop, {
            orderId: 'o-2',
            refundId: 'r-2',
            paymentId: 'credit',
            lines: socks,
            actor: admin,
            at: T(6, 10),
          }),
        );
        await shop.runUntilIdle();
        expect(creditBalance(await accountOf(store), 'RUB')).toBe(2 * pair);

        // An order change refunding to the tender (store credit here): the change issues the credit, the reactor not.
        await ok(
          beginOrderChange(shop, { changeId: 'ret-1', orderId: 'o-2', kind: 'return', actor: admin, at: T(7, 9) }),
        );
        const change = orderChangeStreamId('ret-1');
        await ok(
          shop.execute(change, raw('StageReturnItem', { item: { ...socks[0], reason: 'wrong-size' } }, admin, T(7, 9))),
        );
        await ok(shop.execute(change, raw('ConfirmOrderChange', { refundTo: 'original' }, admin, T(7, 10))));
        await ok(
          shop.execute(
            change,
            raw('ReceiveReturn', { items: [{ ...socks[0], condition: 'sellable', restock: true }] }, admin, T(7, 12)),
          ),
        );
        // A hand refund of a card payment goes back to the card: no credit.
        await ok(
          shop.execute(
            orderStreamId('o-1'),
            raw('RefundPayment', { refundId: 'card-back', paymentId: 'o-1-pay', lines: socks }, admin, T(7, 13)),
          ),
        );
        const drained = await shop.runUntilIdle();
        expect(drained.refusals).toEqual([]);
        const cardBack = refundedUnder(await orderOf(store, 'o-1'), 'card-back');
        expect(cardBack).toBeGreaterThan(0);
        const order = await orderOf(store, 'o-2');
        const creditPayment = order.payments.find((p) => p.paymentId === 'credit');
        const grants = (await accountOf(store)).grants;
        // Each refund of the store-credit payment credited exactly once, by exactly one path.
        expect(creditPayment?.refunded).toBe(3 * pair);
        expect(order.payments.find((p) => p.paymentId === 'card')?.refunded).toBe(0);
        expect(grants.map((g) => [g.creditId, g.issued])).toEqual([
          ['refund:o-1:r-1', credited],
          ['payment-refund:o-2:by-hand', pair],
          ['refund:o-2:r-2', pair],
          ['change:ret-1', pair],
        ]);
        expect(creditBalance(await accountOf(store), 'RUB')).toBe(3 * pair);
        // Receipts balance the money: per order, and over the orders and the account (card in − card out).
        await expectOrderBalanced(shop, store, 'o-1');
        await expectOrderBalanced(shop, store, 'o-2');
        const cardOut = cardBack + (order.payments.find((p) => p.paymentId === 'card')?.refunded ?? 0);
        const all = [
          ...(await receiptsOf(shop, 'o-1')),
          ...(await receiptsOf(shop, 'o-2')),
          ...(await receiptsOf(shop, ACCOUNT)),
        ];
        expect(all.reduce((s, r) => s + signedMoneyOf(r), 0)).toBe(rub(7000).amount + card - cardOut);
        await shop.stop({ timeoutMs: 1_000 });
      } finally {
        await close();
      }
    }, 120_000);
  });

suite('in memory', async () => ({ store: createInMemoryEventStore(), close: async () => undefined }));

const server = await probeServer('credit receipts on PostgreSQL');
const schemas: string[] = [];
if (!server.skip) {
  const url = server.url;
  suite('PostgreSQL', async () => {
    const executor = createPgExecutor({ connectionString: url, max: 4 });
    const schema = testSchema();
    schemas.push(schema);
    const store = await createPostgresEventStore(executor, { schema });
    return {
      store,
      close: async () => {
        await store.close();
        await executor.close();
      },
    };
  });
  afterAll(async () => {
    const executor = createPgExecutor({ connectionString: url, max: 1 });
    for (const schema of schemas) await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  });
}
