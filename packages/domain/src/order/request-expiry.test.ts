import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { orderDecider } from './decider.js';
import { orderDue } from './due.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { refundableOf } from './payment-status.js';
import { refusal, run, types } from './test-support/decide.js';

/** Issue 9 (PAY-1, PAY-5): a request waits for its answer only so long; the answer, when it comes, still counts. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T10:00:00Z';
const T3 = '2026-11-26T10:00:00Z';

const authorized = () =>
  run([
    command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
    command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
  ]);

const paid = () =>
  run([
    command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
  ]);

describe('pending requests expire (issue 9)', () => {
  it('PAY-1: a capture request with expiresAt is on the timer plan; fired, it gives up the pending capture, the authorization stays', () => {
    const asked = run([command('RequestCapture', { paymentId: 'pay-1', expiresAt: T2 }, T1)], authorized().events);
    const planned = orderDue(asked.state).find((due) => due.key === 'capture-request-expiry:pay-1');
    expect(planned).toMatchObject({
      at: T2,
      command: { type: 'ExpireCaptureRequest', data: { paymentId: 'pay-1', dueAt: T2 } },
    });
    const fire = command('ExpireCaptureRequest', { paymentId: 'pay-1', dueAt: T2 }, T1, actors.system);
    expect(refusal(asked.events, fire)).toBe('not-expired-yet');
    const expired = run([{ ...fire, metadata: { ...fire.metadata, at: T2 } }], asked.events);
    expect(types(expired.events.slice(asked.events.length))).toEqual(['CaptureRequestExpired']);
    expect(expired.state.payments[0]).toMatchObject({ status: 'authorized', capturePending: 0 });
    expect(orderDue(expired.state).some((due) => due.key === 'capture-request-expiry:pay-1')).toBe(false);
    // The capture may be asked again, and a late capture report is still recorded (a fact).
    expect(refusal(expired.events, command('RequestCapture', { paymentId: 'pay-1' }, T3))).toBeUndefined();
    const late = run([command('CapturePayment', { paymentId: 'pay-1' }, T3, actors.provider)], expired.events);
    expect(late.state.payments[0]).toMatchObject({ status: 'captured', captured: 2100 });
  });

  it('PAY-5: a refund request expires by hand or by timer; the room comes back; a late success is recorded all the same', () => {
    const asked = run(
      [command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', amount: eur(500), expiresAt: T2 }, T1)],
      paid().events,
    );
    expect(refundableOf(asked.state.payments[0]!)).toBe(1600);
    const expired = run([command('ExpireRefundRequest', { refundId: 'q1' }, T1)], asked.events);
    expect(types(expired.events.slice(asked.events.length))).toEqual(['RefundRequestExpired']);
    expect(refundableOf(expired.state.payments[0]!)).toBe(2100);
    expect(expired.state.refunds?.[0]).toMatchObject({ status: 'expired', pending: 0 });
    expect(orderDue(expired.state)).toEqual([]);
    // The timer's own firing afterwards is stale: nothing more.
    const stale = command('ExpireRefundRequest', { refundId: 'q1', dueAt: T2 }, T2, actors.system);
    expect(orderDecider.decide(stale, expired.state)).toEqual(E.right([]));
    // By hand, a request no longer waiting is refused (a wish about nothing).
    expect(refusal(expired.events, command('ExpireRefundRequest', { refundId: 'q1' }, T2))).toBe('nothing-pending');
    const late = run([command('ConfirmRefund', { refundId: 'q1' }, T3, actors.provider)], expired.events);
    expect(late.state.payments[0]).toMatchObject({ refunded: 500 });
  });

  it('PAY-1/FUL-4: capture on delivery asks the provider for a final capture; its report releases what is not owed', () => {
    const delivered = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardAfterDelivery }), T0, actors.customer),
      command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
      command('RemoveOrderLine', { lineId: 'l2' }, T1),
    ]);
    const owed = delivered.state.totals.total.amount;
    expect(owed).toBeLessThan(2100);
    const asked = run([command('CaptureOnDelivery', {}, T2, actors.system)], delivered.events);
    expect(asked.events.at(-1)).toMatchObject({
      type: 'CaptureRequested',
      data: { paymentId: 'pay-1', amount: eur(owed), final: true },
    });
    const reported = run(
      [command('CapturePayment', { paymentId: 'pay-1', amount: eur(owed) }, T2, actors.provider)],
      asked.events,
    );
    expect(reported.state.payments[0]).toMatchObject({
      status: 'captured',
      captured: owed,
      released: 2100 - owed,
      capturePending: 0,
    });
  });
});
