import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { refusal, run } from './test-support/decide.js';
import type { OrderLine } from './values.js';

/** Issue 9.6 (ORD-8, REC-2): shipping on credit terms. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T11:00:00Z';
const T2 = '2026-11-26T10:00:00Z';
const T3 = '2026-12-20T10:00:00Z';

const tea: OrderLine = {
  lineId: 'l1',
  sku: 'TEA',
  name: 'Tea',
  qty: 2,
  unitPrice: eur(450),
  vatRate: 'vat20',
  kind: 'physical',
};
const checkout = (method: typeof paymentMethods.bankTransfer | typeof paymentMethods.invoiceOnAccount) =>
  sampleCheckout({ lines: [tea], shippingFee: eur(0), discount: eur(0), paymentMethod: method });

const envelopes = (events: readonly OrderEvent[]): Envelope<OrderEvent>[] =>
  events.map((event, version) => ({
    event,
    eventId: `e-${version}`,
    streamId: orderStreamId('o-1'),
    streamVersion: version,
    globalPosition: String(version),
    occurredAt: T1,
    recordedAt: T1,
    actor: actors.system,
    schemaVersion: 1,
  }));

describe('credit terms (issue 9.6, ORD-8, REC-2)', () => {
  it('ORD-8: a bank transfer waits for the money; a method on credit terms ships before payment', () => {
    const wire = run([command('PlaceOrder', checkout(paymentMethods.bankTransfer), T0, actors.customer)]);
    expect(refusal(wire.events, command('ShipOrder', { shipmentId: 's1' }, T1))).toBe('payment-not-confirmed');
    const net = run([command('PlaceOrder', checkout(paymentMethods.invoiceOnAccount), T0, actors.customer)]);
    expect(refusal(net.events, command('ShipOrder', { shipmentId: 's1' }, T1))).toBeUndefined();
  });

  it('REC-2: the handover on credit is receipted 1214=6, the money that comes later 1214=7', () => {
    const delivered = run([
      command('PlaceOrder', checkout(paymentMethods.invoiceOnAccount), T0, actors.customer),
      command('ShipOrder', { shipmentId: 's1' }, T1),
      command('MarkDelivered', {}, T2),
      command('ConfirmOfflinePayment', {}, T3),
    ]);
    const commands = receiptsCommandsFor(envelopes(delivered.events));
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    const receipts = simulate(commands.right.map((c) => c.command)).state;
    const issued = receipts.issued.map((id) => receipts.receipts[id]?.receipt);
    expect(issued.map((r) => r?.paymentMethod)).toEqual([6, 7]);
    expect(issued.map((r) => r?.total.amount)).toEqual([900, 900]);
    expect(receipts.credit).toBe(0);
  });
});
