// orders/order-7000-life.jsonl: an order's whole life through the shop's
// policies from JSON alone (ORD-2, ORD-3, ORD-7, ORD-9, REC-3, REC-5, NOT-1).
import { describe, expect, it } from 'vitest';
import { simulateFile } from './expected.js';

describe('examples/cli-simulate/orders/order-7000-life.jsonl', async () => {
  const { records } = await simulateFile('orders/order-7000-life.jsonl');
  const of = <K extends (typeof records)[number]['kind']>(kind: K) =>
    records.filter((r): r is Extract<(typeof records)[number], { kind: K }> => r.kind === kind);

  it('ORD-7: a checkout from abroad is held by the fraud policy, and the hold ends on the virtual clock 24 h later', () => {
    expect(of('event').find((e) => e.type === 'FulfillmentHeld')?.by).toBe('order.fraud-hold');
    const timer = of('timer').find((t) => t.type === 'EndTimedHold');
    expect(timer).toMatchObject({ outcome: 'fired', line: 7 });
    expect(of('event').find((e) => e.type === 'FulfillmentHoldReleased')?.by).toBe('timer');
  });

  it('ORD-2, ORD-3, NOT-1: the card payment records and confirms the order and tells the customer and the admin', () => {
    const policies = of('policy').map((p) => p.reactor);
    expect(policies).toEqual(expect.arrayContaining(['order.record-on-payment', 'order.auto-confirm']));
    expect(of('notification').map((n) => (n.notification as { kind: string }).kind)).toEqual([
      'order-confirmation',
      'new-order-alert',
    ]);
  });

  it('REC-3, REC-5: a 100% prepayment receipt at payment, the closing receipt at delivery offsetting it', () => {
    const receipts = of('receipt').map((r) => r.receipt as { kind: string; receiptId: string });
    expect(receipts.map((r) => r.kind)).toEqual(['prepayment', 'full-settlement']);
  });

  it('a float amount is rejected naming the field, the run goes on; ORD-9: after the closing receipt a change is refused', () => {
    const rejected = of('rejected');
    expect(rejected.map((r) => [r.line, r.type, r.code])).toEqual([
      [5, 'RecordSale', 'invalid-command'],
      [10, 'AddOrderLine', 'order-locked'],
    ]);
    expect(rejected[0]?.issues).toEqual([{ path: 'data.amount.amount', rule: 'PositiveInteger' }]);
    expect(of('accepted').map((a) => a.type)).toEqual(['PlaceOrder', 'RecordSale', 'ShipOrder', 'MarkDelivered']);
  });
});
