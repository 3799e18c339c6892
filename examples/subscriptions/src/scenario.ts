import { createEnvelopeDecoder, createInMemoryEventStore, project, type Actor, type Envelope } from '@ordersource/core';
import type { Receipt } from '@ordersource/domain/receipts';
import {
  portalSubscriptionView,
  renewalOrderId,
  SubscriptionEventCodec,
  subscriptionAnalytics,
  subscriptionsByStatus,
  subscriptionsProjection,
  subscriptionStreamId,
  type ChargeRequest,
  type PortalSubscriptionView,
  type SubscriptionAnalytics,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionHistoryEntry,
  type SubscriptionListRow,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import { createShop, createVirtualClock, type Shop } from '@ordersource/runtime';
import * as E from 'fp-ts/lib/Either.js';

/**
 * The issue 13 walkthrough on the shop runtime (docs/runtime.md,
 * "Subscription billing"): `createShop` on an in-memory store and a virtual
 * clock runs the subscription's timers, places each renewal order, hands its
 * charges to the payment port, feeds the outcomes back and issues the
 * receipts, all as reactors. Nothing here drives billing by hand: the
 * scenario only sends what people do (the admin, Anna) and moves the clock.
 * The payment provider is played by `charge` (it answers each charge request
 * on the renewal order, as a PSP webhook would).
 */

const admin: Actor = { kind: 'admin', id: 'sara', name: 'Sara' };
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
  const clock = createVirtualClock('2027-01-04T09:00:00.000Z');
  const store = createInMemoryEventStore();

  // The payment provider: declines the charges listed in `declined`, pays the others.
  const charges: { invoiceId: string; attempt: number; outcome: 'paid' | 'declined' }[] = [];
  const declined = new Set(['anna-pro-r3#1']);
  const ref: { shop?: Shop } = {};
  const charge = async (request: ChargeRequest) => {
    const invoiceId = request.orderStreamId.replace(`order-${renewalOrderId('')}`, '');
    const outcome = declined.has(`${invoiceId}#${request.attempt}`) ? 'declined' : 'paid';
    const answer =
      outcome === 'paid'
        ? { type: 'RecordSale', data: { paymentId: request.paymentId, amount: request.amount } }
        : { type: 'FailPayment', data: { paymentId: request.paymentId, providerMessage: 'card declined' } };
    // Idempotent by the request id: a charge delivered again is answered once.
    const handled = await ref.shop!.execute(request.orderStreamId, {
      ...answer,
      metadata: { commandId: `psp-${request.id}`, actor: psp, at: clock.now() },
    });
    if (E.isLeft(handled)) throw new Error(`${answer.type} refused: ${handled.left.message}`);
    if (!handled.right.duplicate) charges.push({ invoiceId, attempt: request.attempt, outcome });
  };
  const shop = createShop({ store, clock, charge }); // the payment provider for renewals (issue 13)
  ref.shop = shop;

  let n = 0;
  const send = async (type: SubscriptionCommand['type'], data: unknown, actor: Actor, at: string) => {
    // The clock first: time moves on to when the person acts, and everything due by then happens.
    await shop.advance(Math.max(0, Date.parse(at) - Date.parse(clock.now())));
    const handled = await shop.execute(subscriptionStreamId(SUB), {
      type,
      data,
      metadata: { commandId: `demo-${++n}`, actor, at },
    });
    if (E.isLeft(handled)) throw new Error(`${type} refused: ${JSON.stringify(handled.left)}`);
    const report = await shop.runUntilIdle();
    if (report.refusals.length > 0 || report.parked.length > 0) throw new Error(JSON.stringify(report.refusals));
  };
  const until = async (at: string) => {
    const report = await shop.advance(Date.parse(at) - Date.parse(clock.now()));
    if (report.refusals.length > 0 || report.parked.length > 0)
      throw new Error(JSON.stringify([...report.refusals, ...report.parked]));
  };

  const state = async () => {
    const view = await shop.queries.subscription(SUB);
    if (view === undefined) throw new Error('no subscription');
    return view.state;
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
  // 2. The trial ends on 19 January: first invoice; renewals on 19 February and 19 March (declined: past due).
  // 3. The dunning retry a day later succeeds. The shop's timers do all of it as the clock moves.
  await until('2027-03-20T09:00:00Z');
  // 4. Upgrade to 3 seats on 4 April (15 of 31 days left): prorated.
  await send(
    'ChangePlan',
    { changeId: 'seats-3', timing: 'now', quantity: 3, note: 'team grew' },
    admin,
    '2027-04-04T09:00:00Z',
  );
  // 5. Anna closes from the portal at the end of the period, with a catalog reason.
  const portalBeforeClose = portalSubscriptionView(await state(), anna, { details: true });
  await send(
    'CloseSubscription',
    { reasonCode: 'switched-service', when: 'period_end', note: 'moving to another tool' },
    anna,
    '2027-04-10T09:00:00Z',
  );
  await until('2027-06-01T00:00:00Z'); // closed on 19 April: nothing more is billed

  // 6. Receipts of the second renewal's order, the history, the list and analytics.
  const receipts = (await shop.queries.receipts(renewalOrderId('anna-pro-r2'))).map((record) => record.receipt);
  const decodeSubscription = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);
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
    history: (await shop.queries.subscription(SUB))?.history ?? [],
    list: subscriptionsByStatus(model),
    analytics: subscriptionAnalytics(model),
  };
};
