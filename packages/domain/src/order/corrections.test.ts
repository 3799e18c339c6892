import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import { decodeOrderCommand } from './commands.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, sampleCheckout } from './examples.js';
import { customerNotificationPolicy } from './policies/notify-customer.js';
import { customerOrder } from './projections/customer-orders.js';
import { historyEntry } from './projections/status-history.js';
import { refusal, run, types } from './test-support/decide.js';
import type { OrderLine } from './values.js';

/** Issue 10: statuses a shop can correct, notes that reach the customer, one-step confirm, sent vs requested. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T09:00:00Z';
const T3 = '2026-11-27T15:00:00Z';

const physical: OrderLine[] = [
  { lineId: 'a', sku: 'PRINT-A4', name: 'Print A4', qty: 2, unitPrice: eur(1500), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'b', sku: 'FRAME', name: 'Frame', qty: 1, unitPrice: eur(3000), vatRate: 'vat20', kind: 'physical' },
];
const checkout = sampleCheckout({ lines: physical, shippingFee: eur(0), discount: eur(0) });

const paid = () =>
  run([
    command('PlaceOrder', checkout, T0, actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(6000) }, T1, actors.provider),
    command('ConfirmOrder', {}, T1, actors.system),
  ]).events;

const shipped = () =>
  run([command('ShipOrder', { shipmentId: 's1', carrier: 'La Poste', trackingReference: '6A123' }, T2)], paid());

const envelope = (event: OrderEvent): Envelope<OrderEvent> => ({
  event,
  eventId: 'e-1',
  streamId: orderStreamId('o-1'),
  streamVersion: 1,
  globalPosition: '1',
  occurredAt: T2,
  recordedAt: T2,
  actor: actors.admin,
  schemaVersion: 1,
});

describe('shipment corrections (issue 10.2, FUL-2, ORD-4)', () => {
  it('FUL-2: a corrected tracking number reaches the shipment, the order detail, the customer’s view and the notification', () => {
    const fix = command(
      'AmendShipment',
      {
        shipmentId: 's1',
        trackingReference: '6A999',
        trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A999',
        note: 'the first number had a typo',
        notify: { email: true, sms: false },
      },
      T3,
    );
    const { state, events } = run([fix], shipped().events);
    expect(state.fulfillment.shipments[0]).toMatchObject({ carrier: 'La Poste', trackingReference: '6A999' });
    expect(state.processing.trackingReference).toBe('6A999');
    expect(customerOrder({ orders: { 'o-1': state } }, actors.customer, 'o-1')?.shipments[0]?.trackingReference).toBe(
      '6A999',
    );
    const [intent] = customerNotificationPolicy.react(envelope(events.at(-1) as OrderEvent));
    expect(intent).toMatchObject({
      kind: 'notification',
      notification: {
        status: 'shipment corrected',
        trackingReference: '6A999',
        trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A999',
        note: 'the first number had a typo',
        channels: ['email'],
      },
    });
    // The same values again change nothing; an amendment with no field is refused at the boundary.
    expect(types(run([fix], events).events)).toEqual(types(events));
    const empty = decodeOrderCommand({
      type: 'AmendShipment',
      data: { shipmentId: 's1' },
      metadata: { commandId: 'c', actor: actors.admin, at: T3 },
    });
    expect(E.isLeft(empty) && JSON.stringify(empty.left)).toContain('at least one of');
  });

  it('issue 10.2: a parcel that comes back undelivered returns the goods to be shipped again (shipped -> processed)', () => {
    const back = run(
      [command('CancelShipment', { shipmentId: 's1', reason: 'address unknown', returned: true }, T3)],
      shipped().events,
    );
    expect(back.state.fulfillment.status).toBe('processed');
    expect(back.state.fulfillment.shipments).toEqual([]);
    const again = run([command('ShipOrder', { shipmentId: 's2', carrier: 'DHL' }, T3)], back.events);
    expect(again.state.fulfillment.status).toBe('shipped');
    expect(again.state.fulfillment.shipments[0]?.lines).toEqual([
      { lineId: 'a', qty: 2 },
      { lineId: 'b', qty: 1 },
    ]);
    // A delivered parcel is a return of goods, refunded with its lines.
    const delivered = run([command('MarkDelivered', {}, T3)], shipped().events);
    expect(refusal(delivered.events, command('CancelShipment', { shipmentId: 's1', reason: 'oops' }, T3))).toBe(
      'shipment-delivered',
    );
  });

  it('issue 10.2: hold after a partial shipment, then cancel the rest: lines shrink to what left, re-priced', () => {
    const partial = run(
      [
        command('ShipOrder', { shipmentId: 's1', lines: [{ lineId: 'a', qty: 1 }] }, T2),
        command('HoldFulfillment', { reason: 'frames out of stock' }, T2),
      ],
      paid(),
    );
    expect(partial.state.fulfillment).toMatchObject({ status: 'on_hold', hold: { resumeTo: 'partially_shipped' } });
    const rest = run(
      [command('ReleaseFulfillmentHold', {}, T3), command('CancelUnshipped', { reason: 'frames out of stock' }, T3)],
      partial.events,
    );
    expect(rest.state.lines.map((l) => [l.lineId, l.qty])).toEqual([['a', 1]]);
    expect(rest.state.totals.total).toEqual(eur(1500));
    expect(rest.state.fulfillment.status).toBe('shipped');
    // The customer paid 6,000 for 1,500 of goods: the rest is due back (issue 9.1).
    const refund = run([command('RefundExcess', { refundId: 'r-1' }, T3)], rest.events);
    expect(refund.events.at(-1)).toMatchObject({ type: 'PaymentRefunded', data: { amount: eur(4500) } });
  });
});

it('issue 10.3: a shipment’s notification carries carrier, tracking reference and URL, and the ship date', () => {
  const { events } = run(
    [
      command(
        'ShipOrder',
        {
          shipmentId: 's1',
          carrier: 'DHL',
          trackingReference: 'JD014600',
          trackingUrl: 'https://www.dhl.com/track?id=JD014600',
          shippedAt: T2,
          notify: { email: true, sms: true },
        },
        T2,
      ),
    ],
    paid(),
  );
  const [intent] = customerNotificationPolicy.react(envelope(events.at(-1) as OrderEvent));
  expect(intent).toMatchObject({
    notification: {
      status: 'shipped',
      carrier: 'DHL',
      trackingReference: 'JD014600',
      trackingUrl: 'https://www.dhl.com/track?id=JD014600',
      shipDate: T2,
      channels: ['email', 'sms'],
      language: 'vi',
    },
  });
});

describe('one-step confirm (issue 10.4, ORD-2, seed 002)', () => {
  it('ORD-2: the admin confirms a pending order after checking the gateway in one action; it can ship at once', () => {
    const pending = run([command('PlaceOrder', checkout, T0, actors.customer)]);
    expect(pending.state.status).toBe('pending');
    const confirmed = run(
      [command('ConfirmOrder', { paymentReceived: true, note: 'paid, seen in the gateway' }, T1)],
      pending.events,
    );
    expect(types(confirmed.events).slice(-3)).toEqual(['PaymentCaptured', 'OrderRecorded', 'OrderConfirmed']);
    expect(confirmed.events.at(-3)?.data).toMatchObject({ mode: 'sale', amount: eur(6000) });
    expect(refusal(confirmed.events, command('ShipOrder', { shipmentId: 's1' }, T2))).toBeUndefined();
  });
});

describe('notes reach the customer; sent, not only requested (issue 10.3, 10.5, FUL-1, NOT-2, NOT-3)', () => {
  it('FUL-1/NOT-2: a status note travels with the e-mail the admin ticked; a note marked internal never does', () => {
    const note = (noteVisibleToCustomer?: boolean) =>
      run(
        [
          command(
            'MarkProcessed',
            {
              note: 'Vos tirages partent demain',
              notify: { email: true, sms: false },
              ...(noteVisibleToCustomer === undefined ? {} : { noteVisibleToCustomer }),
            },
            T2,
          ),
        ],
        paid(),
      ).events.at(-1) as OrderEvent;
    const [told] = customerNotificationPolicy.react(envelope(note()));
    expect(told).toMatchObject({ notification: { note: 'Vos tirages partent demain' } });
    const [internal] = customerNotificationPolicy.react(envelope(note(false)));
    expect(internal && 'notification' in internal ? internal.notification : {}).not.toHaveProperty('note');
  });

  it('ORD-5/NOT-3: the history tells what was asked for from what went out and what failed', () => {
    const { events } = run(
      [
        command('MarkProcessed', { notify: { email: true, sms: true } }, T2),
        command(
          'RecordNotificationSent',
          { notificationId: 'n-1', audience: 'customer', channels: ['email'] },
          T2,
          actors.system,
        ),
        command(
          'RecordNotificationFailed',
          {
            notificationId: 'n-2',
            channel: 'sms',
            template: 'status',
            recipient: '+33600000000',
            reason: 'unreachable',
          },
          T2,
          actors.system,
        ),
      ],
      paid(),
    );
    const [asked, sent, failed] = events.slice(-3).map((event) => historyEntry(envelope(event)));
    expect(asked).toMatchObject({ requested: { email: true, sms: true }, sent: { email: false, sms: false } });
    expect(sent).toMatchObject({ requested: { email: false, sms: false }, sent: { email: true, sms: false } });
    expect(failed).toMatchObject({ sent: { email: false, sms: false }, failed: { email: false, sms: true } });
    // A recorded send asks for nothing more: the notifier is not asked to send it again.
    expect(customerNotificationPolicy.react(envelope(events.at(-2) as OrderEvent))).toEqual([]);
  });
});

describe('per-order billing address (issue 10, CUS-2)', () => {
  const address = { name: 'Lan Nguyen', line1: '9 Trang Tien', city: 'Hanoi', country: 'VN' };

  it('CUS-2: the order’s billing address changes until an invoice is issued or the order is locked', () => {
    const { events } = run([command('PlaceOrder', checkout, T0, actors.customer)]);
    expect(refusal(events, command('ChangeBillingAddress', { address }, T1, actors.customer))).toBeUndefined();
    const invoiced = run([command('IssueInvoice', { invoiceId: 'inv-1', basis: 'ordered' }, T1)], events);
    expect(refusal(invoiced.events, command('ChangeBillingAddress', { address }, T1, actors.customer))).toBe(
      'order-invoiced',
    );
    const locked = run([command('LockOrder', { reason: 'closing receipt issued' }, T1, actors.system)], events);
    expect(refusal(locked.events, command('ChangeBillingAddress', { address }, T1))).toBe('order-locked');
  });
});
