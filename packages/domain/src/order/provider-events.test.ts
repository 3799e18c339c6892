import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rehydrate } from '@ordersource/core';
import { orderDecider } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { totalCaptured, totalRefunded } from './payment-status.js';
import { run, types } from './test-support/decide.js';

/** Issue 9.3 (PAY-1, PAY-5): provider outcomes arrive late, twice, and out of order. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T10:00:00Z';

const placed = () =>
  run([command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer)]);

describe('provider event ids (issue 9.3)', () => {
  it('PAY-1: a webhook delivered twice with its event id records the money once', () => {
    const sale = command(
      'RecordSale',
      { paymentId: 'pay-1', amount: eur(2100), providerEventId: 'evt_1', providerReference: 'ch_1' },
      T1,
      actors.provider,
    );
    const once = run([sale], placed().events);
    expect(once.state.providerEventIds).toEqual(['evt_1']);
    const again = orderDecider.decide({ ...sale, metadata: { ...sale.metadata, commandId: 'retry' } }, once.state);
    expect(again).toEqual(E.right([]));
    expect(totalCaptured(once.state)).toBe(2100);
  });

  it('PAY-5: a refund webhook re-delivered under another refund id is still one refund', () => {
    const paid = run(
      [command('RecordSale', { paymentId: 'pay-1', amount: eur(2100), providerEventId: 'evt_1' }, T1, actors.provider)],
      placed().events,
    );
    const refund = (refundId: string) =>
      command(
        'RefundPayment',
        { refundId, paymentId: 'pay-1', amount: eur(500), providerEventId: 'evt_refund_1' },
        T2,
        actors.provider,
      );
    const refunded = run([refund('re_1'), refund('re_1-retry')], paid.events);
    expect(totalRefunded(refunded.state)).toBe(500);
    expect(types(refunded.events).filter((type) => type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('PAY-1: outcomes in any order: a failure reported after the authorization changes nothing; success after failure counts', () => {
    const authorized = run(
      [
        command(
          'AuthorizePayment',
          { paymentId: 'pay-1', amount: eur(2100), providerEventId: 'evt_2' },
          T1,
          actors.provider,
        ),
      ],
      placed().events,
    );
    const lateFailure = command(
      'FailPayment',
      { paymentId: 'pay-1', providerEventId: 'evt_1', providerMessage: 'card declined (first attempt)' },
      T1,
      actors.provider,
    );
    expect(orderDecider.decide(lateFailure, authorized.state)).toEqual(E.right([]));
    const failedFirst = run([lateFailure], placed().events);
    const recovered = run(
      [
        command(
          'AuthorizePayment',
          { paymentId: 'pay-1', amount: eur(2100), providerEventId: 'evt_2' },
          T1,
          actors.provider,
        ),
      ],
      failedFirst.events,
    );
    expect(rehydrate(orderDecider, recovered.events).payments[0]?.status).toBe('authorized');
  });
});
