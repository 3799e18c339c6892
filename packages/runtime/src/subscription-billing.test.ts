import { createInMemoryEventStore, type Actor, type Envelope } from '@ordersource/core';
import { renewalOrderId, subscriptionStreamId, type ChargeRequest } from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock, days } from './clock.js';
import { createShop, type Shop } from './shop.js';
import { renewalChargesReactor, withPaymentPort } from './subscription-billing.js';

/**
 * Issue 13 on the runtime: a shop on `createShop` bills subscriptions by
 * itself. The trial ends, the subscription invoices itself (its timer), the
 * renewal order is placed and charged through the payment port, a declined
 * charge is retried by dunning and recovers, the 54-FZ receipts follow
 * (REC-3 prepayment at payment, REC-5 closing once the period is served).
 */

const admin: Actor = { kind: 'admin', id: 'sara', name: 'Sara' };
const psp: Actor = { kind: 'provider', id: 'psp' };
const rub = (amount: number) => ({ amount, currency: 'RUB' });
const SUB = 'anna-pro';
const START = '2027-01-05T09:00:00.000Z';

const startData = {
  subscriptionId: SUB,
  customer: { id: 'cu-anna', name: 'Анна Смирнова', email: 'anna@example.ru', language: 'ru' },
  plan: {
    planId: 'pro',
    name: 'Pro',
    billingPeriod: { unit: 'month', count: 1 },
    closable: true,
    pausable: true,
    trialDays: 14,
  },
  recurringAmount: rub(99_000),
  billingAddress: { name: 'Анна Смирнова', line1: 'ул. Ленина, 1', city: 'Москва', country: 'RU' },
  paymentMethod: { code: 'saved-card', name: 'Saved card', kind: 'online', capture: 'automatic' },
};

type Charged = Readonly<{ orderStreamId: string; attempt: number; outcome: 'paid' | 'declined'; id: string }>;

/** A shop whose payment provider answers each charge at once, declining the ones `decline` names. */
const billedShop = (decline: (request: ChargeRequest, invoiceNumber: number) => boolean) => {
  const store = createInMemoryEventStore();
  const clock = createVirtualClock(START);
  const charged: Charged[] = [];
  const invoices: string[] = [];
  // The provider answers on the shop it charges for: set once the shop exists.
  const ref: { shop?: Shop } = {};
  const charge = async (request: ChargeRequest) => {
    if (!invoices.includes(request.orderStreamId)) invoices.push(request.orderStreamId);
    const declined = decline(request, invoices.indexOf(request.orderStreamId) + 1);
    const answer = declined
      ? { type: 'FailPayment', data: { paymentId: request.paymentId, providerMessage: 'card declined' } }
      : { type: 'RecordSale', data: { paymentId: request.paymentId, amount: request.amount } };
    // The provider's answer is idempotent by the request id: a charge delivered twice is answered once.
    const handled = await ref.shop!.execute(request.orderStreamId, {
      ...answer,
      metadata: { commandId: `psp-${request.id}`, actor: psp, at: clock.now() },
    });
    if (E.isLeft(handled)) throw new Error(`${answer.type}: ${handled.left.message}`);
    if (!handled.right.duplicate)
      charged.push({
        orderStreamId: request.orderStreamId,
        attempt: request.attempt,
        outcome: declined ? 'declined' : 'paid',
        id: request.id,
      });
  };
  const shop = createShop({ store, clock, charge });
  ref.shop = shop;
  return { shop, store, clock, charged };
};

const start = async (shop: Shop) => {
  const started = await shop.execute(subscriptionStreamId(SUB), {
    type: 'StartSubscription',
    data: startData,
    metadata: { commandId: 'start-anna', actor: admin, at: START },
  });
  if (E.isLeft(started)) throw new Error(started.left.message);
};

const countStored = async (shop: Shop) => {
  let n = 0;
  for await (const _ of shop.store.readAll()) n++;
  return n;
};

describe('subscription billing as reactors of the runtime (issue 13, SUB-2, PAY-1, REC-3, REC-5)', () => {
  it('renews by itself after the trial: the renewal order is placed, charged through the port, paid, and receipted', async () => {
    const { shop, charged } = billedShop(() => false);
    await start(shop);
    const trial = await shop.advance(days(13));
    expect(charged).toEqual([]);
    expect(trial.refusals).toEqual([]);

    await shop.advance(days(2)); // the trial ended on 19 January
    const first = renewalOrderId(`${SUB}-r1`);
    expect(charged.map((c) => `${c.orderStreamId}#${c.attempt} ${c.outcome}`)).toEqual([`order-${first}#1 paid`]);
    const order = await shop.queries.order(first);
    expect(order?.state.totals.total).toEqual(rub(99_000));
    expect(order?.state.lines.map((l) => [l.kind, l.vatRate, l.name])).toEqual([
      ['service', 'vat22', 'Pro: 2027-01-19T09:00:00.000Z to 2027-02-19T09:00:00.000Z'],
    ]);
    const subscription = await shop.queries.subscription(SUB);
    expect(subscription?.state.invoices.map((i) => [i.invoiceId, i.amount, i.paid])).toEqual([
      [`${SUB}-r1`, 99_000, 99_000],
    ]);
    // REC-3: the payment of a service for a period owes a 100% prepayment receipt.
    const afterPayment = await shop.queries.receipts(first);
    expect(afterPayment.map((r) => [r.receipt.kind, r.receipt.total.amount])).toEqual([['prepayment', 99_000]]);

    // The period ends on 19 February: served, so the order is fulfilled and owes the closing receipt (REC-5).
    const served = await shop.advance(days(31));
    expect(served.refusals).toEqual([]);
    const closing = await shop.queries.receipts(first);
    expect(closing.map((r) => r.receipt.kind)).toEqual(['prepayment', 'full-settlement']);
    expect(closing[1]?.receipt.offsets.length).toBe(1);
    // And the second renewal was billed by itself at the same moment.
    expect(charged.map((c) => c.orderStreamId)).toEqual([`order-${first}`, `order-${renewalOrderId(`${SUB}-r2`)}`]);
  });

  it('a declined charge is retried by dunning and recovers; the customer is billed once per invoice', async () => {
    // The second invoice's first charge is declined; its retry a day later (Stripe's smart retries) is paid.
    const { shop, charged } = billedShop((request, invoice) => invoice === 2 && request.attempt === 1);
    await start(shop);
    await shop.advance(days(15)); // r1 on 19 January, paid
    await shop.advance(days(30)); // r2 on 19 February, declined: past due
    const second = `${SUB}-r2`;
    const pastDue = await shop.queries.subscription(SUB);
    expect(pastDue?.state.status).toBe('past_due');
    await shop.advance(days(1)); // the retry 24 h after the failure
    expect(
      charged.map((c) => `${c.orderStreamId.replace('order-subscription-invoice-', '')}#${c.attempt} ${c.outcome}`),
    ).toEqual([`${SUB}-r1#1 paid`, `${second}#1 declined`, `${second}#2 paid`]);
    const recovered = await shop.queries.subscription(SUB);
    expect(recovered?.state.status).toBe('in_progress');
    expect(recovered?.state.invoices.find((i) => i.invoiceId === second)?.paid).toBe(99_000);
    // The failed attempt owes no receipt; the recovered payment owes the prepayment receipt.
    const receipts = await shop.queries.receipts(renewalOrderId(second));
    expect(receipts.map((r) => [r.receipt.kind, r.receipt.total.amount])).toEqual([['prepayment', 99_000]]);
    // Once served, the closing receipt of the recovered invoice.
    await shop.advance(days(28));
    const closed = await shop.queries.receipts(renewalOrderId(second));
    expect(closed.map((r) => r.receipt.kind)).toEqual(['prepayment', 'full-settlement']);
  });

  it('runs until idle twice, and a new process over the same store redelivers everything: nothing is billed twice', async () => {
    const { shop, store, charged } = billedShop((request, invoice) => invoice === 2 && request.attempt === 1);
    await start(shop);
    await shop.advance(days(15 + 31 + 2));
    const stored = await countStored(shop);
    const chargedBefore = charged.length;
    const again = await shop.runUntilIdle();
    expect(again.commands.filter((c) => !c.duplicate)).toEqual([]);
    expect(await countStored(shop)).toBe(stored);
    expect(charged.length).toBe(chargedBefore);
    // A second process with no checkpoints: every reactor sees every event again (at least once).
    const requests: string[] = [];
    const replay = createShop({
      store,
      clock: createVirtualClock(shop.clock.now()),
      reactors: withPaymentPort((request) => {
        requests.push(request.id);
      }),
    });
    const replayed = await replay.runUntilIdle();
    expect(replayed.refusals).toEqual([]);
    expect(replayed.commands.filter((c) => !c.duplicate && c.events.length > 0)).toEqual([]);
    expect(await countStored(shop)).toBe(stored);
    // The port is asked again with the same ids: the provider dedupes by them.
    expect([...requests].sort()).toEqual(charged.map((c) => c.id).sort());
  });

  it('a charge waits for its order: before the renewal order is placed the charge reactor fails (retried later), then charges once placed', async () => {
    // A shop without the order reactor: the invoice is there, its order is not.
    const store = createInMemoryEventStore();
    const clock = createVirtualClock(START);
    const shop = createShop({
      store,
      clock,
      reactors: (defaults) => defaults.filter((r) => r.name !== 'subscriptions.renewal-orders'),
    });
    await start(shop);
    await shop.advance(days(15));
    let invoiced: Envelope | undefined;
    for await (const raw of store.read(subscriptionStreamId(SUB)))
      if (raw.event.type === 'SubscriptionInvoiced') invoiced = raw;
    if (invoiced === undefined) throw new Error('not invoiced');
    const requests: ChargeRequest[] = [];
    const reactor = renewalChargesReactor((request) => void requests.push(request), { vatRate: 'vat22' });
    await expect(reactor.react(invoiced as never, { store, raw: invoiced })).rejects.toThrow(/is not placed yet/);
    expect(requests).toEqual([]);
    // The order reactor catches up (here: a shop that runs it, over the same store).
    await createShop({ store, clock }).runUntilIdle();
    await reactor.react(invoiced as never, { store, raw: invoiced });
    expect(requests.map((r) => [r.orderStreamId, r.attempt, r.amount])).toEqual([
      [`order-${renewalOrderId(`${SUB}-r1`)}`, 1, rub(99_000)],
    ]);
  });
});
