import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createInMemoryEventStore, type Envelope } from '@ordersource/core';
import { reactInline } from '@ordersource/testing';
import { orderDecider } from './decider.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { amountDueBack, financialStatus, pixpaPaymentStatus } from './payment-status.js';
import { decodeOrderEnvelope } from './policies/reactor-base.js';
import { refundOverpaymentPolicy } from './policies/refund-overpayment.js';
import { defaultShopSettings } from './settings.js';
import { refusal, run, types } from './test-support/decide.js';

/**
 * Issue 9.1 (PAY-1, REC-1): money a provider says it took is a fact. It is
 * recorded on a paid order and on a cancelled one, the order shows what is due
 * back, and one command (or, if the shop wants, a policy) refunds the excess.
 */

/** Only the events these commands appended after `history`. */
const appended = (commands: Parameters<typeof run>[0], history: readonly OrderEvent[] = []) =>
  run(commands, history).events.slice(history.length);

const T = (h: number): string => `2026-11-24T${String(h).padStart(2, '0')}:00:00Z`;
const card = paymentMethods.card;

/** The sample order (21.00), paid by card at checkout. */
const paid = () =>
  run([
    command('PlaceOrder', sampleCheckout(), T(8), actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T(9), actors.provider),
  ]).events;

/** The checkout request given up (voided) and a chat link for the full total sent instead; the checkout is paid all the same. */
const withChatLink = () =>
  run(
    [
      command('VoidPayment', { paymentId: 'pay-1', reason: 'customer pays by chat link' }, T(8)),
      command('RequestPayment', { paymentId: 'pay-2', amount: eur(2100), method: card, channel: 'telegram' }, T(8)),
    ],
    run([command('PlaceOrder', sampleCheckout(), T(8), actors.customer)]).events,
  ).events;

describe('money taken is always recorded (issue 9.1, PAY-1, REC-1)', () => {
  it('PAY-1/issue 9.1: a second sale on a paid order is recorded; the order is overpaid by that amount', () => {
    const history = withChatLink();
    const { state, events } = run(
      [
        command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T(9), actors.provider),
        command('RecordSale', { paymentId: 'pay-2', amount: eur(2100) }, T(9), actors.provider),
      ],
      history,
    );
    expect(types(events).filter((t) => t === 'PaymentCaptured')).toHaveLength(2);
    expect(amountDueBack(state)).toBe(2100);
    expect(financialStatus(state)).toBe('overpaid');
    expect(pixpaPaymentStatus(financialStatus(state))).toBe('paid');
  });

  it('PAY-1/issue 9.1: a payment reported after the shop cancelled the order is recorded, and all of it is due back', () => {
    const cancelled = run(
      [command('CancelOrder', { reason: 'out of stock' }, T(9))],
      run([command('PlaceOrder', sampleCheckout(), T(8), actors.customer)]).events,
    ).events;
    const late = [command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T(10), actors.provider)];
    const { state } = run(late, cancelled);
    expect(types(appended(late, cancelled))).toEqual(['PaymentCaptured']);
    expect(state.status).toBe('cancelled');
    expect(amountDueBack(state)).toBe(2100);
  });

  it('PAY-4/issue 9.1: a bank transfer confirmed after the order was cancelled is recorded too', () => {
    const cancelled = run(
      [command('CancelOrder', { reason: 'customer asked' }, T(9))],
      run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }), T(8))]).events,
    ).events;
    const { state } = run([command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(10))], cancelled);
    expect(amountDueBack(state)).toBe(2100);
  });

  it('PAY-1/issue 9.1: a capture the provider reports after a void it did not honour is recorded', () => {
    const voided = run(
      [
        command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T(9), actors.provider),
        command('VoidPayment', { paymentId: 'pay-1' }, T(10)),
      ],
      run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T(8))]).events,
    ).events;
    const late = command('CapturePayment', { paymentId: 'pay-1', amount: eur(2100) }, T(11), actors.provider);
    const { state } = run([late], voided);
    expect(state.payments[0]).toMatchObject({ captured: 2100, released: 0, status: 'captured' });
    // An admin asking to capture a voided authorization is a request, and it is refused.
    expect(refusal(voided, { ...late, metadata: { ...late.metadata, actor: actors.admin } })).toBe(
      'nothing-to-capture',
    );
  });

  it('PAY-1/issue 9.1: a final partial capture after an expiry releases nothing more (the expiry released the rest)', () => {
    // Found by the order laws: authorized 21.00, expired, then 10.00 captured with final: true
    // released another 11.00, so captured + released exceeded what was authorized.
    const expired = run(
      [
        command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T(9), actors.provider),
        command('ExpirePayment', { paymentId: 'pay-1' }, T(10)),
      ],
      run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T(8))]).events,
    ).events;
    const late = command(
      'CapturePayment',
      { paymentId: 'pay-1', amount: eur(1000), final: true },
      T(11),
      actors.provider,
    );
    const { state } = run([late], expired);
    expect(state.payments[0]).toMatchObject({ authorized: 2100, captured: 1000, released: 1100 });
  });

  it('PAY-5/issue 9.1: RefundExcess refunds exactly what is due back, newest payment first; then nothing more', () => {
    const overpaid = run(
      [
        command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T(9), actors.provider),
        command('RecordSale', { paymentId: 'pay-2', amount: eur(2100) }, T(9), actors.provider),
      ],
      withChatLink(),
    ).events;
    const { state, events } = run([command('RefundExcess', { refundId: 'x-1' }, T(10))], overpaid);
    expect(
      events
        .slice(overpaid.length)
        .filter((e) => e.type === 'PaymentRefunded')
        .map((e) => e.data),
    ).toMatchObject([{ paymentId: 'pay-2', refundId: 'x-1', amount: eur(2100), reason: 'overpayment' }]);
    expect(amountDueBack(state)).toBe(0);
    expect(financialStatus(state)).toBe('partially_refunded');
    expect(appended([command('RefundExcess', { refundId: 'x-2' }, T(11))], events)).toEqual([]);
  });

  it('issue 9.1: nothing due back, RefundExcess appends nothing (a paid order keeps its money)', () => {
    expect(appended([command('RefundExcess', { refundId: 'x-1' }, T(10))], paid())).toEqual([]);
  });

  it('issue 9.1: with autoRefundOverpayment on, the policy refunds a late payment of a cancelled order by itself', async () => {
    const store = createInMemoryEventStore();
    const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const stream = orderStreamId('o-1');
    for (const cmd of [
      command('PlaceOrder', sampleCheckout(), T(8), actors.customer),
      command('CancelOrder', { reason: 'out of stock' }, T(9)),
      command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T(10), actors.provider),
    ])
      expect(E.isRight(await orders.handle(stream, cmd))).toBe(true);
    const policy = refundOverpaymentPolicy({ ...defaultShopSettings, autoRefundOverpayment: true });
    await reactInline({ store, decode: decodeOrderEnvelope, reactors: [policy], handle: orders.handle });
    const loaded = await orders.load(stream);
    const state = E.isRight(loaded) ? loaded.right.state : undefined;
    expect(state && amountDueBack(state)).toBe(0);
    expect(state?.payments[0]).toMatchObject({ captured: 2100, refunded: 2100 });
  });

  it('issue 9.1: the policy is off by default', () => {
    const captured: Envelope<OrderEvent> = {
      event: {
        type: 'PaymentCaptured',
        data: { at: T(9), paymentId: 'p', amount: eur(1), mode: 'sale', final: true, released: eur(0) },
      },
      eventId: 'e-1',
      streamId: orderStreamId('o-1'),
      streamVersion: 1,
      globalPosition: '1',
      occurredAt: T(9),
      recordedAt: T(9),
      actor: actors.provider,
      schemaVersion: 1,
    };
    expect(refundOverpaymentPolicy(defaultShopSettings).react(captured)).toEqual([]);
    expect(refundOverpaymentPolicy({ ...defaultShopSettings, autoRefundOverpayment: true }).react(captured)).toEqual([
      {
        kind: 'command',
        streamId: orderStreamId('o-1'),
        type: 'RefundExcess',
        data: { refundId: 'excess-e-1', reason: 'overpayment refunded automatically' },
      },
    ]);
  });
});
