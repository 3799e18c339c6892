import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  project,
  type Actor,
  type Envelope,
} from '@ordersource/core';
import { OrderEventCodec, orderDecider, orderStreamId, type OrderCommand, type OrderEvent } from '@ordersource/domain';
import {
  ReceiptsEventCodec,
  receiptsDecider,
  receiptsStreamId,
  syncOrderReceipts,
  type Receipt,
  type ReceiptsEvent,
} from '@ordersource/domain/receipts';
import {
  defaultSubscriptionSettings,
  portalSubscriptionView,
  renewalOrderId,
  SubscriptionEventCodec,
  subscriptionAnalytics,
  subscriptionDecider,
  subscriptionHistory,
  subscriptionsByStatus,
  subscriptionsProjection,
  subscriptionStreamId,
  syncRenewalOrders,
  syncRenewalPayments,
  type ChargeRequest,
  type PortalSubscriptionView,
  type SubscriptionAnalytics,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionHistoryEntry,
  type SubscriptionListRow,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';

/**
 * The issue 13 walkthrough on one in-memory store: subscription, order and
 * receipts handlers, the subscription's timers run with RunDueWork, the
 * payment provider played by `charge` (it answers each charge request on the
 * renewal order, as a PSP webhook would).
 */

const admin: Actor = { kind: 'admin', id: 'sara', name: 'Sara' };
const billing: Actor = { kind: 'system', id: 'billing' };
const psp: Actor = { kind: 'provider', id: 'psp' };
const anna: Actor = { kind: 'customer', id: 'cu-anna' };
const rub = (amount: number) => ({ amount, currency: 'RUB' });
const SUB = 'anna-pro';

export type ScenarioResult = Readonly<{
  invoices: SubscriptionState['invoices'];
  charges: readonly Readonly<{ invoiceId: string; attempt: number; outcome: 'paid' | 'declined' }>[];
  portalBeforeClose: PortalSubscriptionView | undefined;
  final: SubscriptionState;
  receipts: readonly Receipt[];
  history: readonly SubscriptionHistoryEntry[];
  list: Readonly<Partial<Record<string, readonly SubscriptionListRow[]>>>;
  analytics: SubscriptionAnalytics;
}>;

export const runScenario = async (): Promise<ScenarioResult> => {
  const store = createInMemoryEventStore();
  const decodeSubscription = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);
  const subscriptions = createCommandHandler({
    store,
    decider: subscriptionDecider(defaultSubscriptionSettings),
    decodeEnvelope: decodeSubscription,
  });
  const orders = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: createEnvelopeDecoder<OrderEvent>(OrderEventCodec),
  });
  const receiptsHandler = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });

  let n = 0;
  const send = async (type: SubscriptionCommand['type'], data: unknown, actor: Actor, at: string) => {
    const command = { type, data, metadata: { commandId: `demo-${++n}`, actor, at } } as SubscriptionCommand;
    const handled = await subscriptions.handle(subscriptionStreamId(SUB), command);
    if (E.isLeft(handled)) throw new Error(`${type} refused: ${JSON.stringify(handled.left)}`);
  };

  // The payment provider: declines the charges listed in `declined`, pays the others.
  const answered = new Set<string>();
  const charges: { invoiceId: string; attempt: number; outcome: 'paid' | 'declined' }[] = [];
  const declined = new Set(['anna-pro-r3#1']);
  const charge = async (request: ChargeRequest, at: string) => {
    const invoiceId = request.orderStreamId.replace(orderStreamId(renewalOrderId('')), '');
    const outcome = declined.has(`${invoiceId}#${request.attempt}`) ? 'declined' : 'paid';
    const command = (
      outcome === 'paid'
        ? { type: 'RecordSale', data: { paymentId: request.paymentId, amount: request.amount } }
        : { type: 'FailPayment', data: { paymentId: request.paymentId, providerMessage: 'card declined' } }
    ) as Pick<OrderCommand, 'type' | 'data'>;
    const handled = await orders.handle(request.orderStreamId, {
      ...command,
      metadata: { commandId: `psp-${request.id}`, actor: psp, at },
    } as OrderCommand);
    if (E.isLeft(handled)) throw new Error(`${command.type} refused: ${JSON.stringify(handled.left)}`);
    charges.push({ invoiceId, attempt: request.attempt, outcome });
    const back = await syncRenewalPayments({ store, subscriptions, orderId: renewalOrderId(invoiceId) });
    if (E.isLeft(back) || back.right.length > 0) throw new Error('payment outcome refused');
  };

  // What the runtime's timers and reactors do, here in one step at `at`.
  const tick = async (at: string) => {
    await send('RunDueWork', { at }, billing, at);
    const report = await syncRenewalOrders({ store, orders, subscriptionId: SUB, renewalOrders: { vatRate: 'vat22' } });
    if (E.isLeft(report) || report.right.refused.length > 0) throw new Error('renewal orders refused');
    for (const request of report.right.charges) {
      if (answered.has(request.id)) continue;
      answered.add(request.id);
      await charge(request, at);
    }
  };

  const state = async () => {
    const loaded = await subscriptions.load(subscriptionStreamId(SUB));
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    return loaded.right.state;
  };

  // 1. A quotation with a 14-day trial, confirmed by Anna herself.
  await send(
    'CreateQuotation',
    {
      subscriptionId: SUB,
      quotationId: 'S00042',
      customer: { id: 'cu-anna', name: 'Анна Смирнова', email: 'anna@example.ru', language: 'ru' },
      plan: {
        planId: 'pro',
        name: 'Pro',
        billingPeriod: { unit: 'month', count: 1 },
        closable: true,
        pausable: true,
        trialDays: 14,
        prices: [rub(99_000), { amount: 1_200, currency: 'EUR' }],
      },
      recurringAmount: rub(99_000),
      billingAddress: { name: 'Анна Смирнова', line1: 'ул. Ленина, 1', city: 'Москва', country: 'RU' },
      paymentMethod: { code: 'saved-card', name: 'Saved card', kind: 'online', capture: 'automatic' },
    },
    admin,
    '2027-01-04T09:00:00Z',
  );
  await send('ConfirmQuotation', {}, anna, '2027-01-05T09:00:00Z');
  // 2. The trial ends on 19 January: first invoice; renewals on 19 February and 19 March.
  await tick('2027-01-19T09:00:00Z');
  await tick('2027-02-19T09:00:00Z');
  await tick('2027-03-19T09:00:00Z'); // declined: past due
  // 3. The dunning retry a day later succeeds.
  await tick('2027-03-20T09:00:00Z');
  // 4. Upgrade to 3 seats on 4 April (15 of 31 days left): prorated.
  await send(
    'ChangePlan',
    { changeId: 'seats-3', timing: 'now', quantity: 3, note: 'team grew' },
    admin,
    '2027-04-04T09:00:00Z',
  );
  await tick('2027-04-04T09:00:00Z');
  // 5. Anna closes from the portal at the end of the period, with a catalog reason.
  const portalBeforeClose = portalSubscriptionView(await state(), anna, { details: true });
  await send(
    'CloseSubscription',
    { reasonCode: 'switched-service', when: 'period_end', note: 'moving to another tool' },
    anna,
    '2027-04-10T09:00:00Z',
  );
  await tick('2027-04-19T09:00:00Z');
  await tick('2027-06-01T00:00:00Z'); // nothing more is billed

  // 6. Receipts of the second renewal's order, the history, the list and analytics.
  const orderId = renewalOrderId('anna-pro-r2');
  const synced = await syncOrderReceipts({ store, receipts: receiptsHandler, orders, orderId });
  if (E.isLeft(synced)) throw new Error('receipts refused');
  const receiptsState = await receiptsHandler.load(receiptsStreamId(orderId));
  if (E.isLeft(receiptsState)) throw new Error('no receipts');
  const receipts = receiptsState.right.state.issued.flatMap((id) => {
    const record = receiptsState.right.state.receipts[id];
    return record === undefined ? [] : [record.receipt];
  });
  const envelopes: Envelope<SubscriptionEvent>[] = [];
  for await (const raw of store.read(subscriptionStreamId(SUB))) {
    const decoded = decodeSubscription(raw);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    envelopes.push(decoded.right);
  }
  const model = project(subscriptionsProjection, envelopes);
  const final = await state();
  return {
    invoices: final.invoices,
    charges,
    portalBeforeClose,
    final,
    receipts,
    history: subscriptionHistory(envelopes),
    list: subscriptionsByStatus(model),
    analytics: subscriptionAnalytics(model),
  };
};
