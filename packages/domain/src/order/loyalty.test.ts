import { describe, expect, it } from 'vitest';
import { project, type Envelope } from '@ordersource/core';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, sampleCheckout } from './examples.js';
import { loyaltyPointsFor, loyaltyPointsStanding } from './loyalty.js';
import { loyaltyAccount, loyaltyLedgerProjection } from './projections/loyalty-ledger.js';
import { refusal, run, types } from './test-support/decide.js';

/** Issue 10.6 (ORD-4): loyalty points the order earns, approved once, taken back with returned goods. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-26T10:00:00Z';
const rule = { minorUnitsPerPoint: 100 };

// Tea 2 x 450 and an e-book 900, discount 200: 1,600 of goods, 16 points.
const paid = () =>
  run([
    command('PlaceOrder', sampleCheckout(), T0, actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
  ]);

const envelopes = (events: readonly OrderEvent[]): Envelope<OrderEvent>[] =>
  events.map((event, version) => ({
    event,
    eventId: `e-${version}`,
    streamId: orderStreamId('o-1'),
    streamVersion: version,
    globalPosition: String(version),
    occurredAt: T2,
    recordedAt: T2,
    actor: actors.admin,
    schemaVersion: 1,
  }));

describe('loyalty points (issue 10.6, ORD-4)', () => {
  it('ORD-4: the earning rule computes the points; the admin approves them once; the same approval again is a no-op', () => {
    const { state, events } = paid();
    expect(loyaltyPointsFor(state, rule)).toBe(16);
    const approved = run([command('ApproveLoyaltyPoints', { points: 16 }, T1)], events);
    expect(approved.events.at(-1)).toMatchObject({
      type: 'LoyaltyPointsApproved',
      data: { customerId: 'c-1', points: 16, basis: 1600 },
    });
    expect(types(run([command('ApproveLoyaltyPoints', { points: 16 }, T1)], approved.events).events)).toEqual(
      types(approved.events),
    );
    expect(refusal(approved.events, command('ApproveLoyaltyPoints', { points: 20 }, T1))).toBe(
      'points-already-approved',
    );
    const corrected = run([command('ApproveLoyaltyPoints', { points: 20, correction: true }, T1)], approved.events);
    expect(corrected.events.at(-1)?.data).toMatchObject({ points: 20, previous: 16 });
  });

  it('ORD-4: a refund of returned goods takes back the points they earned; the ledger keeps the balance', () => {
    const approved = run([command('ApproveLoyaltyPoints', { points: 16 }, T1)], paid().events);
    // One tea of 450 back: 400 after its share of the discount, a quarter of the basis.
    const refunded = run(
      [command('RefundPayment', { refundId: 'r-1', lines: [{ lineId: 'l1', qty: 1 }] }, T2)],
      approved.events,
    );
    const reversal = refunded.events.at(-1);
    expect(reversal?.type).toBe('LoyaltyPointsReversed');
    expect(reversal?.data).toMatchObject({ refundId: 'r-1', points: 4 });
    expect(loyaltyPointsStanding(refunded.state)).toBe(12);
    // A refund without returned goods (a goodwill gesture) leaves the points.
    const goodwill = run([command('RefundPayment', { refundId: 'r-2', amount: eur(100) }, T2)], refunded.events);
    expect(types(goodwill.events.slice(refunded.events.length))).not.toContain('LoyaltyPointsReversed');
    const ledger = project(loyaltyLedgerProjection, envelopes(goodwill.events));
    expect(loyaltyAccount(ledger, 'c-1')).toMatchObject({
      balance: 12,
      entries: [
        { kind: 'earned', points: 16 },
        { kind: 'reversed', points: -4, refundId: 'r-1' },
      ],
    });
  });
});
