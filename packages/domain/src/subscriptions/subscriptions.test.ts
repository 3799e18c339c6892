import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  rehydrate,
  type Actor,
} from '@ordersource/core';
import { decodeSubscriptionCommand, type SubscriptionCommand } from './commands.js';
import { subscriptionDecider } from './decider.js';
import { SubscriptionEventCodec, subscriptionStreamId, type SubscriptionEvent } from './events.js';
import { defaultSubscriptionSettings, SubscriptionSettingsCodec, type SubscriptionSettings } from './settings.js';
import { adminSubscriptionView, portalSubscriptionView, subscriptionHistory } from './view.js';

const admin: Actor = { kind: 'admin', id: 'sara', name: 'Sara' };
const reza: Actor = { kind: 'customer', id: 'cu-7' };
const irr = (amount: number) => ({ amount, currency: 'IRR' });
const T = (day: number) => `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`;
let n = 0;
const cmd = <T extends SubscriptionCommand['type']>(
  type: T,
  data: Extract<SubscriptionCommand, { type: T }>['data'],
  actor: Actor,
  at: string,
): SubscriptionCommand => ({ type, data, metadata: { commandId: `s-${++n}`, actor, at } }) as SubscriptionCommand;

const plan = (closable: boolean) => ({
  planId: 'monthly',
  name: 'ماهانه',
  billingPeriod: { unit: 'month' as const, count: 1 },
  closable,
});
const start = (closable = true) =>
  cmd(
    'StartSubscription',
    {
      subscriptionId: 'sub-1',
      quotationId: 'S00042',
      customer: { id: 'cu-7', name: 'رضا احمدی', language: 'fa' },
      plan: plan(closable),
      recurringAmount: irr(2_500_000),
    },
    admin,
    T(1),
  );
const invoiceData = {
  invoiceId: 'INV-1',
  amount: irr(2_500_000),
  periodStart: T(1),
  periodEnd: '2026-12-01T09:00:00Z',
};
const invoice = cmd('InvoiceSubscription', invoiceData, admin, T(1));
const pay = cmd('PaySubscriptionInvoice', { invoiceId: 'INV-1', amount: irr(2_500_000) }, admin, T(2));

const run = (
  commands: readonly SubscriptionCommand[],
  settings: SubscriptionSettings = defaultSubscriptionSettings,
) => {
  const decider = subscriptionDecider(settings);
  const events: SubscriptionEvent[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, rehydrate(decider, events));
    if (E.isLeft(decided)) throw new Error(`${command.type}: ${decided.left.code}`);
    events.push(...decided.right);
  }
  return { events, state: rehydrate(decider, events) };
};
const refusal = (history: readonly SubscriptionCommand[], command: SubscriptionCommand) => {
  const decider = subscriptionDecider(defaultSubscriptionSettings);
  const decided = decider.decide(command, run(history).state);
  return E.isLeft(decided) ? decided.left.code : undefined;
};

describe('subscriptions (seed 004, Odoo Subscriptions)', () => {
  it('SUB-1/SUB-2: a confirmed quotation for a subscription product becomes a subscription in progress', () => {
    const { events, state } = run([start()]);
    expect(events).toMatchObject([{ type: 'SubscriptionStarted', data: { quotationId: 'S00042', plan: plan(true) } }]);
    expect(adminSubscriptionView(state)).toEqual({
      status: 'in_progress',
      nextInvoiceAt: '2026-11-01T09:00:00.000Z',
      recurring: irr(2_500_000),
    });
    expect(portalSubscriptionView(state, reza)).toMatchObject({ status: 'in_progress', canClose: true });
    expect(portalSubscriptionView(run([start(false)]).state, reza)?.canClose).toBe(false);
    expect(refusal([start()], start())).toBe('subscription-exists');
  });

  it('SUB-3: the admin closes after it was invoiced and paid, with a listed reason: cancelled, reason shown and logged (churned)', () => {
    const close = cmd('CloseSubscription', { reasonCode: 'too-expensive' }, admin, T(10));
    const { state } = run([start(), invoice, pay, close]);
    expect(adminSubscriptionView(state)).toEqual({
      status: 'cancelled',
      closeReason: 'Subscription is too expensive',
      closedBy: 'admin',
      outcome: 'churned',
    });
    expect(state.invoices).toMatchObject([
      { invoiceId: 'INV-1', amount: 2_500_000, paid: 2_500_000, periodEnd: '2026-12-01T09:00:00Z', kind: 'renewal' },
    ]);
    expect(refusal([start(), close], cmd('CloseSubscription', { reasonCode: 'not-used' }, admin, T(11)))).toBe(
      'subscription-closed',
    );
    expect(refusal([start(), close], invoice)).toBe('subscription-closed');
  });

  it('SUB-3: the admin may type a free-text reason instead; a subscription never invoiced is simply cancelled', () => {
    const { state } = run([start(false), cmd('CloseSubscription', { reasonText: 'مشتری جابه‌جا شد' }, admin, T(3))]);
    expect(adminSubscriptionView(state)).toMatchObject({ closeReason: 'مشتری جابه‌جا شد', outcome: 'cancelled' });
    expect(refusal([start()], cmd('CloseSubscription', {}, admin, T(3)))).toBe('close-reason-required');
    expect(
      refusal([start()], cmd('CloseSubscription', { reasonCode: 'not-used', reasonText: 'both' }, admin, T(3))),
    ).toBe('close-reason-required');
  });

  it('SUB-4: a customer closes from the portal only a closable plan, only with a predefined reason; then the portal shows closed (to her only, CUS-3)', () => {
    const byCustomer = (data: { reasonCode?: string; reasonText?: string }) =>
      cmd('CloseSubscription', data, reza, T(5));
    expect(refusal([start(false)], byCustomer({ reasonCode: 'not-used' }))).toBe('not-closable');
    expect(refusal([start()], byCustomer({ reasonText: 'custom reason' }))).toBe('close-reason-not-listed');
    expect(refusal([start()], byCustomer({ reasonCode: 'no-such' }))).toBe('close-reason-unknown');
    const stranger: Actor = { kind: 'customer', id: 'cu-9' };
    expect(refusal([start()], cmd('CloseSubscription', { reasonCode: 'not-used' }, stranger, T(5)))).toBe('forbidden');
    const { state } = run([start(), invoice, byCustomer({ reasonCode: 'not-used' })]);
    expect(portalSubscriptionView(state, reza)).toMatchObject({ status: 'closed', canClose: false });
    expect(portalSubscriptionView(state, stranger)).toBeUndefined();
    expect(adminSubscriptionView(state)).toMatchObject({ closeReason: 'I don’t use it', closedBy: 'customer' });
  });

  it('SUB-5: close reasons are the shop’s own configured list', () => {
    const decoded = SubscriptionSettingsCodec.decode({ closeReasons: [{ code: 'moving', label: 'نقل مکان' }] });
    if (E.isLeft(decoded)) throw new Error('settings do not decode');
    const mine = (code: string) => [start(), cmd('CloseSubscription', { reasonCode: code }, reza, T(5))];
    expect(adminSubscriptionView(run(mine('moving'), decoded.right).state).closeReason).toBe('نقل مکان');
    expect(() => run(mine('too-expensive'), decoded.right)).toThrow('close-reason-unknown');
  });

  it('SUB-2: invoices are in the subscription’s currency, once per id; payments never exceed the invoice', () => {
    expect(
      refusal(
        [start()],
        cmd(
          'InvoiceSubscription',
          { invoiceId: 'X', amount: { amount: 1, currency: 'EUR' }, periodStart: T(1), periodEnd: T(2) },
          admin,
          T(1),
        ),
      ),
    ).toBe('currency-mismatch');
    expect(refusal([start(), invoice], invoice)).toBe('invoice-exists');
    expect(
      refusal(
        [start(), invoice],
        cmd('PaySubscriptionInvoice', { invoiceId: 'INV-1', amount: irr(2_500_001) }, admin, T(2)),
      ),
    ).toBe('payment-exceeds-invoice');
    expect(refusal([start()], cmd('InvoiceSubscription', invoiceData, reza, T(1)))).toBe('forbidden');
    expect(refusal([start()], cmd('InvoiceSubscription', { ...invoiceData, periodEnd: T(1) }, admin, T(1)))).toBe(
      'invalid-period',
    );
  });

  it('SUB-3/SUB-4 end to end: decoded at the boundary, handled, the close reason in the history newest first', async () => {
    const store = createInMemoryEventStore();
    const decodeEnvelope = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);
    const handler = createCommandHandler({
      store,
      decider: subscriptionDecider(defaultSubscriptionSettings),
      decodeEnvelope,
    });
    const send = async (input: unknown) => {
      const decoded = decodeSubscriptionCommand(input);
      if (E.isLeft(decoded)) return decoded;
      return handler.handle(subscriptionStreamId('sub-1'), decoded.right);
    };
    const bad = await send({ ...start(), data: { ...start().data, recurringAmount: irr(-5) } });
    expect(E.isLeft(bad) && bad.left.message).toMatch(/recurringAmount/);
    for (const command of [start(), invoice, pay, cmd('CloseSubscription', { reasonCode: 'not-used' }, reza, T(20))]) {
      const handled = await send(command);
      expect(E.isRight(handled)).toBe(true);
    }
    const envelopes = [];
    for await (const raw of store.read(subscriptionStreamId('sub-1'))) {
      const decoded = decodeEnvelope(raw);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      envelopes.push(decoded.right);
    }
    const history = subscriptionHistory(envelopes);
    expect(history[0]).toEqual({
      at: T(20),
      actor: reza,
      message: 'closed by the customer: I don’t use it',
      reason: 'I don’t use it',
    });
    expect(history.at(-1)?.message).toBe('in progress: ماهانه');
  });
});
