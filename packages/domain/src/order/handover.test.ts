import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rehydrate } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import type { OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout, sampleLines } from './examples.js';
import { simulateOrder } from './simulate.js';

/**
 * ORD-9/REC-5: the closing receipt goes out at the handover (by default on
 * delivery, REC-8); the `LockOrder` it causes comes later. In between the
 * order must already refuse composition changes.
 */

const run = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []) => {
  const result = simulateOrder(commands, history);
  if (E.isLeft(result))
    throw new Error(`${result.left.command.type}: ${result.left.error.code} ${result.left.error.message}`);
  return result.right;
};

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T11:00:00Z';
const T2 = '2026-11-25T10:00:00Z';

const cap = {
  lineId: 'l9',
  sku: 'CAP',
  name: 'Cap',
  qty: 1,
  unitPrice: eur(800),
  vatRate: 'vat20',
  kind: 'physical',
} as const;

const compositionChanges = (): OrderCommand[] => [
  command('AddOrderLine', { line: cap }, T2),
  command('RemoveOrderLine', { lineId: 'l1' }, T2),
  command('ChangeOrderLine', { lineId: 'l1', qty: 5 }, T2),
  command('ChangeShippingFee', { shippingFee: eur(100) }, T2),
];

/** Every composition change is refused with `code` (issue 9.8: always order-locked), citing ORD-9 and REC-5; nothing else is touched. */
const expectFrozen = (events: readonly OrderEvent[], code: string, handover: string) => {
  const state = rehydrate(orderDecider, events);
  expect(state.locked).toBeUndefined();
  for (const cmd of compositionChanges()) {
    const decided = orderDecider.decide(cmd, state);
    expect(E.isLeft(decided) && decided.left, cmd.type).toMatchObject({ code, details: { handover } });
    expect(E.isLeft(decided) && decided.left.message).toMatch(/ORD-9, REC-5/);
  }
  const address = { name: 'Lan', line1: '2 Trang Tien', city: 'Hanoi', country: 'VN' };
  expect(E.isRight(orderDecider.decide(command('ChangeBillingAddress', { address }, T2), state))).toBe(true);
};

describe('composition is final from the handover that issues the closing receipt (ORD-9, REC-5)', () => {
  it('ORD-9/REC-5: delivered (fulfilled) and not yet locked: every composition change is refused', () => {
    const { events, state } = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }), T0, actors.customer),
      command('ConfirmOfflinePayment', {}, T0),
      command('ShipOrder', { shipmentId: 's1' }, T1),
      command('MarkDelivered', {}, T1),
    ]);
    expect(state.fulfillment.status).toBe('fulfilled');
    expectFrozen(events, 'order-locked', 'delivered');
  });

  it('ORD-9/REC-4/REC-5: an all-digital order on hold is handed over when its downloads unlock', () => {
    const ebook = sampleLines.filter((line) => line.kind === 'digital');
    const { events, state } = run([
      command(
        'PlaceOrder',
        sampleCheckout({ lines: ebook, subtotal: eur(900), shippingFee: eur(0), discount: eur(0), total: eur(900) }),
        T0,
        actors.customer,
      ),
      command('HoldFulfillment', { reason: 'fraud review' }, T0),
      command('RecordSale', { paymentId: 'pay-1', amount: eur(900) }, T0, actors.provider),
    ]);
    expect(state.fulfillment).toMatchObject({ status: 'on_hold', downloadsUnlocked: true });
    expectFrozen(events, 'order-locked', 'downloads-unlocked');
  });

  it('ORD-9/REC-1/REC-5: cash on delivery: once the courier’s money is confirmed the goods count as handed over', () => {
    const placed = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cashOnDelivery }), T0, actors.customer),
      command('ShipOrder', { shipmentId: 's1' }, T1),
    ]);
    // Shipped only: the default closing moment (delivery, REC-8) has not come, the order still changes.
    expect(
      E.isRight(orderDecider.decide(command('ChangeShippingFee', { shippingFee: eur(100) }, T1), placed.state)),
    ).toBe(true);
    const { events, state } = run([command('ConfirmOfflinePayment', {}, T2)], placed.events);
    expect(state.fulfillment.status).toBe('shipped');
    expectFrozen(events, 'order-locked', 'paid-on-delivery');
  });

  it('ORD-9/REC-8: shipped but not delivered, a paid order still changes (the default closes on delivery)', () => {
    const { events } = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }), T0, actors.customer),
      command('ConfirmOfflinePayment', {}, T0),
      command('ShipOrder', { shipmentId: 's1' }, T1),
    ]);
    const { state } = run(
      [command('AddOrderLine', { line: cap }, T2), command('ChangeShippingFee', { shippingFee: eur(100) }, T2)],
      events,
    );
    expect(state.lines.map((line) => line.lineId)).toContain('l9');
    expect(state.totals.shippingFee).toEqual(eur(100));
  });
});
