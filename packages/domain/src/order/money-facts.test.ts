import { describe, expect, it } from 'vitest';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { amountDueBack, balanceDue, financialStatus, overRefunded, pixpaPaymentStatus } from './payment-status.js';
import { refusal, run, types } from './test-support/decide.js';

/** Issue 9 (PAY-1, PAY-5, REC-1): a decider may refuse a request, never a fact. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T10:00:00Z';
const T3 = '2026-11-26T10:00:00Z';

const paid = () =>
  run([
    command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
  ]);

describe('money facts beyond the books (issue 9)', () => {
  it('PAY-5: a refund success beyond what the payment took is recorded, flagged (exceeds, over_refunded), and a payment of the difference puts it right', () => {
    const over = run(
      [command('ConfirmRefund', { refundId: 'dash-1', paymentId: 'pay-1', amount: eur(2600) }, T2, actors.provider)],
      paid().events,
    );
    expect(over.events.at(-1)).toMatchObject({
      type: 'PaymentRefunded',
      data: { amount: eur(2600), exceeds: eur(500), request: 'unknown' },
    });
    expect(overRefunded(over.state)).toBe(500);
    expect(financialStatus(over.state)).toBe('over_refunded');
    expect(pixpaPaymentStatus(financialStatus(over.state))).toBe('refunded');
    // Nothing more can be asked back; the customer may be asked for the difference.
    expect(refusal(over.events, command('RequestRefund', { refundId: 'q', paymentId: 'pay-1' }, T2))).toBe(
      'nothing-to-refund',
    );
    const repaid = run(
      [
        command(
          'RequestPayment',
          { paymentId: 'back', amount: eur(500), method: paymentMethods.card, channel: 'email' },
          T3,
        ),
        command('RecordSale', { paymentId: 'back', amount: eur(500) }, T3, actors.provider),
      ],
      over.events,
    );
    expect(overRefunded(repaid.state)).toBe(0);
    expect(financialStatus(repaid.state)).toBe('refunded');
  });

  it('PAY-5: a requested refund reported before its capture (out of order) is recorded; the capture, when it comes, balances the books', () => {
    const authorized = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
      command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
    ]);
    const early = run(
      [command('ConfirmRefund', { refundId: 'r1', paymentId: 'pay-1', amount: eur(300) }, T2, actors.provider)],
      authorized.events,
    );
    expect(financialStatus(early.state)).toBe('over_refunded');
    const captured = run([command('CapturePayment', { paymentId: 'pay-1' }, T2, actors.provider)], early.events);
    expect(overRefunded(captured.state)).toBe(0);
    expect(captured.state.payments[0]).toMatchObject({ captured: 2100, refunded: 300 });
  });

  it('PAY-5: a provider refund reported as RefundPayment is a fact too; an admin asking the same is still refused', () => {
    const admin = command('RefundPayment', { refundId: 'r1', paymentId: 'pay-1', amount: eur(2500) }, T2);
    expect(refusal(paid().events, admin)).toBe('refund-exceeds-captured');
    const reported = run([{ ...admin, metadata: { ...admin.metadata, actor: actors.provider } }], paid().events);
    expect(reported.events.at(-1)).toMatchObject({ type: 'PaymentRefunded', data: { exceeds: eur(400) } });
  });

  it('PAY-5: pending refund requests are reserved: a second request and RefundExcess leave room only for what is not on its way back', () => {
    const overpaid = run(
      [
        command('VoidPayment', { paymentId: 'pay-1' }, T1),
        command(
          'RequestPayment',
          { paymentId: 'p2', amount: eur(2100), method: paymentMethods.card, channel: 'sms' },
          T1,
        ),
        command('RecordSale', { paymentId: 'p2', amount: eur(2100) }, T1, actors.provider),
        command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T2, actors.provider),
      ],
      run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer)])
        .events,
    );
    expect(amountDueBack(overpaid.state)).toBe(2100);
    const asked = run(
      [command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', amount: eur(1500) }, T2)],
      overpaid.events,
    );
    expect(
      refusal(asked.events, command('RequestRefund', { refundId: 'q2', paymentId: 'pay-1', amount: eur(1500) }, T2)),
    ).toBe('refund-exceeds-captured');
    // RefundExcess gives back only what is due and not already asked for: 600, not 2,100 again.
    const excess = run([command('RefundExcess', { refundId: 'x1' }, T2)], asked.events);
    const refunded = excess.events.slice(asked.events.length).filter((e) => e.type === 'PaymentRefunded');
    expect(refunded.reduce((a, e) => a + (e.type === 'PaymentRefunded' ? e.data.amount.amount : 0), 0)).toBe(600);
  });

  it('PAY-1: a dispute beyond what the shop holds is recorded as the bank reported it, naming the excess; lost, the order is over-refunded', () => {
    const refunded = run(
      [command('RefundPayment', { refundId: 'r1', paymentId: 'pay-1', amount: eur(1000) }, T2)],
      paid().events,
    );
    const opened = run(
      [command('OpenDispute', { disputeId: 'dp1', paymentId: 'pay-1', amount: eur(2100) }, T2, actors.provider)],
      refunded.events,
    );
    expect(opened.events.at(-1)).toMatchObject({
      type: 'DisputeOpened',
      data: { amount: eur(2100), exceeds: eur(1000) },
    });
    expect(financialStatus(opened.state)).toBe('disputed');
    const lost = run(
      [command('CloseDispute', { disputeId: 'dp1', outcome: 'lost' }, T3, actors.provider)],
      opened.events,
    );
    expect(overRefunded(lost.state)).toBe(1000);
    expect(financialStatus(lost.state)).toBe('over_refunded');
    // Issue 17: the plain refund of 1000 was a compensation (nothing was owed back), so she is charged 1100, and owes
    // that plus the 1000 over-refunded (it was 3100 while the compensation was charged again).
    expect(balanceDue(lost.state)).toBe(2100);
    expect(types(lost.events.slice(opened.events.length))).toEqual(['DisputeClosed']);
  });
});
