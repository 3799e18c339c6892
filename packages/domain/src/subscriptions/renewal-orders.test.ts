import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore, type Actor } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { OrderEventCodec, orderStreamId, type OrderEvent } from '../order/events.js';
import { receiptsDecider } from '../receipts/decider.js';
import { ReceiptsEventCodec, receiptsStreamId, type ReceiptsEvent } from '../receipts/events.js';
import { syncOrderReceipts } from '../receipts/sync.js';
import type { SubscriptionCommand } from './commands.js';
import { subscriptionDecider } from './decider.js';
import { SubscriptionEventCodec, subscriptionStreamId, type SubscriptionEvent } from './events.js';
import { parseRenewalPaymentId, renewalOrderCommandsFor, renewalOrderId, renewalPaymentId } from './renewal-orders.js';
import { defaultSubscriptionSettings } from './settings.js';
import { syncRenewalOrders, syncRenewalPayments } from './sync.js';
import {
  admin,
  billingSystem,
  cmd,
  due,
  plan,
  provider as pspActor,
  rub,
  run,
  terms,
} from './test-support/fixtures.js';

/**
 * Money on the order model (issue 13): each invoice becomes an order with a
 * service line for its period, paid by the saved method; the provider's
 * answers on that order come back to the subscription; the receipts module
 * gives the 54-FZ receipts of a service paid for a period: a 100%
 * prepayment at payment (REC-3), the closing receipt once the period is
 * served (REC-5, REC-8).
 */

const psp: Actor = { kind: 'provider', id: 'psp' };
const T0 = '2027-03-01T09:00:00.000Z';

const setup = () => {
  const store = createInMemoryEventStore();
  const subscriptions = createCommandHandler({
    store,
    decider: subscriptionDecider(defaultSubscriptionSettings),
    decodeEnvelope: createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec),
  });
  const orders = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: createEnvelopeDecoder<OrderEvent>(OrderEventCodec),
  });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  const send = async (command: SubscriptionCommand) => {
    const handled = await subscriptions.handle(subscriptionStreamId('sub-1'), command);
    if (E.isLeft(handled)) throw new Error(`${command.type}: ${JSON.stringify(handled.left)}`);
  };
  const syncOrders = async () => {
    const report = await syncRenewalOrders({
      store,
      orders,
      subscriptionId: 'sub-1',
      renewalOrders: { vatRate: 'vat22' },
    });
    if (E.isLeft(report)) throw new Error(report.left.message);
    expect(report.right.refused).toEqual([]);
    return report.right;
  };
  const provider = async (orderId: string, type: OrderCommand['type'], data: unknown, at: string, id: string) => {
    const handled = await orders.handle(orderStreamId(orderId), {
      type,
      data,
      metadata: { commandId: id, actor: psp, at },
    } as OrderCommand);
    if (E.isLeft(handled)) throw new Error(`${type}: ${JSON.stringify(handled.left)}`);
    const back = await syncRenewalPayments({ store, subscriptions, orderId });
    if (E.isLeft(back)) throw new Error(back.left.message);
    expect(back.right).toEqual([]);
  };
  const subscription = async () => {
    const loaded = await subscriptions.load(subscriptionStreamId('sub-1'));
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    return loaded.right.state;
  };
  return { store, orders, receipts, send, syncOrders, provider, subscription };
};

describe('renewal orders: invoices paid through the order domain', () => {
  it('the invoice becomes an order with one service line for its period; the capture pays it; the served period closes the receipts', async () => {
    const s = setup();
    await s.send(
      cmd('StartSubscription', terms({ plan: plan(), recurringAmount: rub(99_000), quantity: 2 }), admin, T0),
    );
    await s.send(cmd('RunDueWork', { at: T0 }, billingSystem, T0));
    const first = await s.syncOrders();
    const orderId = renewalOrderId('sub-1-r1');
    const paymentId = renewalPaymentId('sub-1', 'sub-1-r1');
    expect(first.charges).toEqual([
      expect.objectContaining({ orderStreamId: orderStreamId(orderId), paymentId, amount: rub(198_000), attempt: 1 }),
    ]);
    const order = await s.orders.load(orderStreamId(orderId));
    if (E.isLeft(order)) throw new Error('no order');
    expect(order.right.state.lines).toEqual([
      expect.objectContaining({ kind: 'service', qty: 2, unitPrice: rub(99_000), vatRate: 'vat22', sku: 'pro' }),
    ]);
    // A second sync (a re-run after a crash) places nothing twice.
    const again = await s.syncOrders();
    const versions = await s.orders.load(orderStreamId(orderId));
    expect(E.isRight(versions) && versions.right.version).toBe(E.isRight(order) && order.right.version);
    expect(again.charges).toHaveLength(1);

    await s.provider(orderId, 'RecordSale', { paymentId, amount: rub(198_000) }, '2027-03-01T09:05:00Z', 'psp-1');
    expect((await s.subscription()).invoices[0]).toMatchObject({ paid: 198_000 });

    // The period ends: it is served (the order fulfilled), and the next one is invoiced.
    await s.send(cmd('RunDueWork', { at: '2027-04-01T09:00:00Z' }, billingSystem, '2027-04-01T09:00:00Z'));
    await s.syncOrders();
    const receipts = await syncOrderReceipts({ store: s.store, receipts: s.receipts, orders: s.orders, orderId });
    expect(E.isRight(receipts) && receipts.right.refused).toEqual([]);
    const issued = await s.receipts.load(receiptsStreamId(orderId));
    if (E.isLeft(issued)) throw new Error('no receipts');
    const kinds = issued.right.state.issued.map((id) => {
      const r = issued.right.state.receipts[id]?.receipt;
      return [r?.kind, r?.paymentMethod, r?.total.amount, r?.items.map((i) => i.name)];
    });
    expect(kinds).toEqual([
      ['prepayment', 1, 198_000, ['Pro: 2027-03-01T09:00:00.000Z to 2027-04-01T09:00:00.000Z']],
      ['full-settlement', 4, 198_000, ['Pro: 2027-03-01T09:00:00.000Z to 2027-04-01T09:00:00.000Z']],
    ]);
    const next = await s.orders.load(orderStreamId(renewalOrderId('sub-1-r2')));
    expect(E.isRight(next) && next.right.state.status).toBe('pending');
  });

  it('a failed payment on the order makes the subscription past due; the retry is a new charge of the same payment; its success recovers it', async () => {
    const s = setup();
    await s.send(cmd('StartSubscription', terms(), admin, T0));
    await s.send(cmd('RunDueWork', { at: T0 }, billingSystem, T0));
    await s.syncOrders();
    const orderId = renewalOrderId('sub-1-r1');
    const paymentId = renewalPaymentId('sub-1', 'sub-1-r1');
    await s.provider(
      orderId,
      'FailPayment',
      { paymentId, providerMessage: 'insufficient funds' },
      '2027-03-01T09:05:00Z',
      'psp-f',
    );
    expect((await s.subscription()).status).toBe('past_due');
    await s.send(cmd('RunDueWork', { at: '2027-03-02T10:00:00Z' }, billingSystem, '2027-03-02T10:00:00Z'));
    const retried = await s.syncOrders();
    expect(retried.charges.map((c) => c.attempt)).toEqual([1, 2]);
    await s.provider(orderId, 'RecordSale', { paymentId, amount: rub(99_000) }, '2027-03-02T10:01:00Z', 'psp-2');
    expect((await s.subscription()).status).toBe('in_progress');
  });

  it('a refund on the renewal order is recorded on the subscription; unrelated orders are ignored; ids round-trip', async () => {
    const s = setup();
    await s.send(cmd('StartSubscription', terms(), admin, T0));
    await s.send(cmd('RunDueWork', { at: T0 }, billingSystem, T0));
    await s.syncOrders();
    const orderId = renewalOrderId('sub-1-r1');
    const paymentId = renewalPaymentId('sub-1', 'sub-1-r1');
    await s.provider(orderId, 'RecordSale', { paymentId, amount: rub(99_000) }, '2027-03-01T09:05:00Z', 'psp-1');
    await s.provider(
      orderId,
      'RefundPayment',
      { refundId: 'rf-1', amount: rub(40_000) },
      '2027-03-03T09:00:00Z',
      'adm-r',
    );
    expect((await s.subscription()).invoices[0]).toMatchObject({ paid: 99_000, refunded: 40_000 });
    expect(parseRenewalPaymentId(renewalPaymentId('a:b', 'c/d'))).toEqual({ subscriptionId: 'a:b', invoiceId: 'c/d' });
    expect(parseRenewalPaymentId('checkout-payment-1')).toBeUndefined();
  });

  it('an unpaid subscription still gets its renewal orders, but its saved method is not charged', () => {
    const fail = cmd('FailSubscriptionPayment', { invoiceId: 'sub-1-r1' }, pspActor, T0);
    const r = run([cmd('StartSubscription', terms(), admin, T0), due(T0), fail, due('2027-04-01T09:00:00Z')]);
    expect(r.state.status).toBe('unpaid');
    const envelopes = r.events.map((event, i) => ({
      event,
      eventId: `e-${i}`,
      streamId: subscriptionStreamId('sub-1'),
      streamVersion: i,
      globalPosition: String(i),
      occurredAt: event.data.at,
      recordedAt: event.data.at,
      actor: billingSystem,
      schemaVersion: 1,
    }));
    const out = renewalOrderCommandsFor(envelopes, { vatRate: 'vat22' });
    const placed = out.flatMap((o) => (o.kind === 'command' && o.command.type === 'PlaceOrder' ? [o.streamId] : []));
    const charged = out.flatMap((o) => (o.kind === 'charge' ? [`${o.orderStreamId}#${o.attempt}`] : []));
    expect(placed).toEqual([orderStreamId(renewalOrderId('sub-1-r1')), orderStreamId(renewalOrderId('sub-1-r2'))]);
    // r1: the first attempt and one retry (the next waits for a failure that never came); r2, invoiced while unpaid: none.
    expect(charged).toEqual([1, 2].map((n) => `${orderStreamId(renewalOrderId('sub-1-r1'))}#${n}`));
  });
});
