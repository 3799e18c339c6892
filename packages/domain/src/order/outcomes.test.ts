import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { orderDecider } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { amountDueBack, balanceDue, financialStatus, totalRefunded } from './payment-status.js';
import { refusal, run, types } from './test-support/decide.js';

/** Issue 9.3 (PAY-1, PAY-5, REC-1): requests vs outcomes, as Saleor's transaction events. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T10:00:00Z';

const paid = () =>
  run(
    [command('RecordSale', { paymentId: 'pay-1', amount: eur(2100), providerEventId: 'evt_1' }, T1, actors.provider)],
    run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer)])
      .events,
  );

describe('asynchronous outcomes (issue 9.3)', () => {
  it('PAY-5: a refund request changes nothing on the books until the provider confirms it; a failure gives the room back', () => {
    const requested = run(
      [command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', amount: eur(500) }, T2)],
      paid().events,
    );
    expect(totalRefunded(requested.state)).toBe(0);
    expect(financialStatus(requested.state)).toBe('paid');
    expect(requested.state.payments[0]?.refundPending).toBe(500);
    const failed = run(
      [command('FailRefund', { refundId: 'q1', providerEventId: 'evt_2' }, T2, actors.provider)],
      requested.events,
    );
    expect(failed.state.payments[0]?.refundPending).toBe(0);
    const done = run(
      [command('ConfirmRefund', { refundId: 'q1', providerEventId: 'evt_3' }, T2, actors.provider)],
      requested.events,
    );
    expect(totalRefunded(done.state)).toBe(500);
    expect(financialStatus(done.state)).toBe('partially_refunded');
    // Re-delivered under its event id: a no-op.
    const again = command('ConfirmRefund', { refundId: 'q1', providerEventId: 'evt_3' }, T2, actors.provider);
    expect(orderDecider.decide(again, done.state)).toEqual(E.right([]));
  });

  it('PAY-5: a refund the shop never asked for is recorded, flagged; a reversal puts the money back on the books', () => {
    const unknown = run(
      [command('ConfirmRefund', { refundId: 'dash-1', paymentId: 'pay-1', amount: eur(700) }, T2, actors.provider)],
      paid().events,
    );
    const refunded = unknown.events.find((e) => e.type === 'PaymentRefunded');
    expect(refunded?.type === 'PaymentRefunded' && refunded.data.request).toBe('unknown');
    const reversed = run([command('ReverseRefund', { refundId: 'dash-1' }, T2, actors.provider)], unknown.events);
    expect(totalRefunded(reversed.state)).toBe(0);
    expect(financialStatus(reversed.state)).toBe('paid');
  });

  it('PAY-1: a dispute withdraws funds (disputed, nothing due back); won reinstates them; lost leaves the order charged back and owed', () => {
    const opened = run(
      [command('OpenDispute', { disputeId: 'dp1', paymentId: 'pay-1', amount: eur(2100) }, T2, actors.provider)],
      paid().events,
    );
    expect(financialStatus(opened.state)).toBe('disputed');
    expect(amountDueBack(opened.state)).toBe(0);
    expect(
      E.isLeft(orderDecider.decide(command('RequestRefund', { refundId: 'q', paymentId: 'pay-1' }, T2), opened.state)),
    ).toBe(true);
    const won = run(
      [command('CloseDispute', { disputeId: 'dp1', outcome: 'won' }, T2, actors.provider)],
      opened.events,
    );
    expect(financialStatus(won.state)).toBe('paid');
    const lost = run(
      [command('CloseDispute', { disputeId: 'dp1', outcome: 'lost' }, T2, actors.provider)],
      opened.events,
    );
    expect(financialStatus(lost.state)).toBe('charged_back');
    expect(balanceDue(lost.state)).toBe(2100);
  });

  it('PAY-1: 3-D Secure waits for the customer, then authorizes; a capture can be pending, then fail', () => {
    const placed = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
    ]);
    const action = run(
      [command('RequireCustomerAction', { paymentId: 'pay-1', url: 'https://bank.example/3ds' }, T1, actors.provider)],
      placed.events,
    );
    expect(action.state.payments[0]?.status).toBe('action_required');
    const authorized = run(
      [
        command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
        command('RequestCapture', { paymentId: 'pay-1' }, T2),
      ],
      action.events,
    );
    expect(authorized.state.payments[0]?.capturePending).toBe(2100);
    expect(financialStatus(authorized.state)).toBe('authorized');
    const failed = run([command('FailCapture', { paymentId: 'pay-1' }, T2, actors.provider)], authorized.events);
    expect(types(failed.events)).toContain('CaptureFailed');
    expect(failed.state.payments[0]?.capturePending).toBe(0);
    expect(failed.state.payments[0]?.status).toBe('authorized');
  });
});

describe('returned goods follow refund outcomes, once (issue 9, PAY-5, REC-7)', () => {
  const delivered = () =>
    run(
      [
        command('ConfirmOrder', {}, T1, actors.system),
        command('ShipOrder', { shipmentId: 's1' }, T2),
        command('MarkDelivered', {}, T2),
      ],
      paid().events,
    );
  const refundTea = (refundId: string, from: ReturnType<typeof run>) =>
    run(
      [
        command('RequestRefund', { refundId, paymentId: 'pay-1', lines: [{ lineId: 'l1', qty: 1 }] }, T2),
        command('ConfirmRefund', { refundId, providerEventId: `evt-${refundId}` }, T2, actors.provider),
      ],
      from.events,
    );

  it('PAY-5: a refund of one tea reversed by the bank and then retried counts the tea as returned once', () => {
    const first = refundTea('q1', delivered());
    expect(first.state.returnedQty).toEqual({ l1: 1 });
    const reversed = run(
      [command('ReverseRefund', { refundId: 'q1', providerEventId: 'evt-rev' }, T2, actors.provider)],
      first.events,
    );
    // The money came back to the shop: the return is not done, the tea can be refunded again.
    expect(reversed.state.returnedQty).toEqual({ l1: 0 });
    const retried = refundTea('q2', reversed);
    expect(retried.state.returnedQty).toEqual({ l1: 1 });
    expect(totalRefunded(retried.state)).toBe(totalRefunded(first.state));
    // One tea is left to return, not zero (counted twice) and not two.
    expect(
      refusal(
        retried.events,
        command('RequestRefund', { refundId: 'q3', paymentId: 'pay-1', lines: [{ lineId: 'l1', qty: 2 }] }, T2),
      ),
    ).toBe('return-exceeds-ordered');
  });

  it('PAY-5: goods named by a refund still pending are spoken for; after its failure a retry may name them', () => {
    const pending = run(
      [command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', lines: [{ lineId: 'l1', qty: 2 }] }, T2)],
      delivered().events,
    );
    expect(
      refusal(
        pending.events,
        command('RequestRefund', { refundId: 'q2', paymentId: 'pay-1', lines: [{ lineId: 'l1', qty: 1 }] }, T2),
      ),
    ).toBe('return-exceeds-ordered');
    const failed = run(
      [command('FailRefund', { refundId: 'q1', providerEventId: 'evt-fail' }, T2, actors.provider)],
      pending.events,
    );
    expect(failed.state.returnedQty ?? {}).toEqual({});
    const retried = refundTea('q2', failed);
    expect(retried.state.returnedQty).toEqual({ l1: 1 });
  });
});
