import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { refusal, run, types } from './test-support/decide.js';
import { orderDecider } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import type { OrderLine } from './values.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T09:00:00Z';
const T3 = '2026-11-27T15:00:00Z';

const physical: OrderLine[] = [
  { lineId: 'a', sku: 'PRINT-A4', name: 'Print A4', qty: 2, unitPrice: eur(1500), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'b', sku: 'FRAME', name: 'Frame', qty: 1, unitPrice: eur(3000), vatRate: 'vat20', kind: 'physical' },
];

/** A paid, confirmed order of physical goods. */
const paid = () =>
  run([
    command(
      'PlaceOrder',
      sampleCheckout({ lines: physical, shippingFee: eur(0), discount: eur(0) }),
      T0,
      actors.customer,
    ),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(6000) }, T1, actors.provider),
    command('ConfirmOrder', {}, T1, actors.system),
  ]).events;

describe('fulfillment statuses (FUL-1)', () => {
  it('FUL-1: every new order is unfulfilled; processed, on hold with a reason, released, shipped, fulfilled', () => {
    const history = paid();
    expect(run([], history).state.fulfillment.status).toBe('unfulfilled');
    const steps = run(
      [
        command('MarkProcessed', { note: 'packed', notify: { email: true, sms: false } }, T1),
        command('HoldFulfillment', { reason: 'stock loss', note: 'waiting for the supplier' }, T1),
      ],
      history,
    );
    expect(steps.state.fulfillment).toMatchObject({
      status: 'on_hold',
      hold: { reason: 'stock loss', resumeTo: 'processed' },
    });
    expect(refusal(steps.events, command('ShipOrder', { shipmentId: 's1' }, T2))).toBe('fulfillment-on-hold');
    const done = run(
      [
        command('ReleaseFulfillmentHold', {}, T2),
        command('ShipOrder', { shipmentId: 's1', carrier: 'La Poste', trackingReference: '6A123' }, T2),
        command(
          'MarkDelivered',
          { deliveredAt: T3, note: 'left with the neighbour', notify: { email: true, sms: false } },
          T3,
        ),
      ],
      steps.events,
    );
    expect(types(done.events).slice(-3)).toEqual(['ShipmentDispatched', 'ShipmentDelivered', 'OrderFulfilled']);
    expect(done.state.fulfillment.status).toBe('fulfilled');
    expect(done.events.find((e) => e.type === 'FulfillmentProcessed')?.data).toMatchObject({
      note: 'packed',
      notify: { email: true, sms: false },
    });
  });

  it('FUL-1: a shipment of some lines is partial; the rest ships later', () => {
    const part = run([command('ShipOrder', { shipmentId: 's1', lines: [{ lineId: 'a', qty: 1 }] }, T2)], paid());
    expect(part.state.fulfillment.status).toBe('partially_shipped');
    expect(refusal(part.events, command('ShipOrder', { shipmentId: 's2', lines: [{ lineId: 'a', qty: 2 }] }, T2))).toBe(
      'invalid-shipment',
    );
    const rest = run([command('ShipOrder', { shipmentId: 's2' }, T2)], part.events);
    expect(rest.state.fulfillment.status).toBe('shipped');
    expect(rest.state.fulfillment.shipments[1]?.lines).toEqual([
      { lineId: 'a', qty: 1 },
      { lineId: 'b', qty: 1 },
    ]);
    const oneArrived = run([command('MarkDelivered', { shipmentId: 's1' }, T3)], rest.events);
    expect(oneArrived.state.fulfillment.status).toBe('shipped');
    expect(run([command('MarkDelivered', { shipmentId: 's2' }, T3)], oneArrived.events).state.fulfillment.status).toBe(
      'fulfilled',
    );
  });

  it('FUL-1: a cancelled order shows cancelled fulfillment; a fulfilled one cannot go back on hold', () => {
    expect(run([command('CancelOrder', { reason: 'customer request' }, T1)], paid()).state.fulfillment.status).toBe(
      'cancelled',
    );
    const done = run([command('ShipOrder', { shipmentId: 's' }, T2), command('MarkDelivered', {}, T3)], paid());
    expect(refusal(done.events, command('HoldFulfillment', { reason: 'x' }, T3))).toBe(
      'invalid-fulfillment-transition',
    );
  });
});

describe('dates and tracking (FUL-2)', () => {
  it('FUL-2: ship date, delivery date, carrier and tracking reference are kept', () => {
    const { state } = run(
      [
        command(
          'ShipOrder',
          { shipmentId: 's1', carrier: 'DHL', trackingReference: 'JD0001', shippedAt: T2, expectedDeliveryAt: T3 },
          T2,
        ),
        command('MarkDelivered', { shipmentId: 's1', deliveredAt: T3 }, T3),
      ],
      paid(),
    );
    expect(state.fulfillment.shipments[0]).toEqual({
      shipmentId: 's1',
      lines: [
        { lineId: 'a', qty: 2 },
        { lineId: 'b', qty: 1 },
      ],
      shippedAt: T2,
      carrier: 'DHL',
      trackingReference: 'JD0001',
      expectedDeliveryAt: T3,
      deliveredAt: T3,
    });
    expect(state.fulfillment.fulfilledAt).toBe(T3);
  });
});

describe('digital goods (FUL-3)', () => {
  it('FUL-3: downloads unlock only once an offline payment is confirmed', () => {
    const digital: OrderLine[] = [
      {
        lineId: 'd',
        sku: 'GALLERY-ZIP',
        name: 'Gallery download',
        qty: 1,
        unitPrice: eur(2500),
        vatRate: 'vat20',
        kind: 'digital',
      },
    ];
    const placedOrder = run([
      command(
        'PlaceOrder',
        sampleCheckout({
          lines: digital,
          shippingFee: eur(0),
          discount: eur(0),
          paymentMethod: paymentMethods.bankTransfer,
        }),
        T0,
        actors.customer,
      ),
    ]);
    expect(placedOrder.state.fulfillment.downloadsUnlocked).toBe(false);
    const confirmed = run([command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1)], placedOrder.events);
    expect(types(confirmed.events).slice(-2)).toEqual(['DownloadsUnlocked', 'OrderFulfilled']);
    expect(confirmed.state.fulfillment).toMatchObject({ downloadsUnlocked: true, status: 'fulfilled' });
  });

  it('FUL-3: a mixed order unlocks its digital lines on payment but stays to be shipped', () => {
    const mixed = run([
      command('PlaceOrder', sampleCheckout(), T0, actors.customer),
      command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
    ]);
    expect(mixed.events.at(-1)).toEqual({ type: 'DownloadsUnlocked', data: { at: T1, lineIds: ['l2'] } });
    expect(mixed.state.fulfillment.status).toBe('unfulfilled');
  });
});

describe('delivery triggers (FUL-4)', () => {
  it('FUL-4: delivery fulfils the order and the after-delivery capture takes the authorized money', () => {
    const history = run([
      command(
        'PlaceOrder',
        sampleCheckout({
          lines: physical,
          shippingFee: eur(0),
          discount: eur(0),
          paymentMethod: paymentMethods.cardAfterDelivery,
        }),
        T0,
        actors.customer,
      ),
      command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(6000) }, T1, actors.provider),
      command('ConfirmOrder', {}, T1, actors.system),
      command('ShipOrder', { shipmentId: 's1' }, T2),
      command('MarkDelivered', {}, T3),
    ]);
    expect(history.events.at(-1)?.type).toBe('OrderFulfilled');
    expect(history.state.payments[0]?.status).toBe('authorized');
    // Issue 9: the capture is asked of the provider; the money counts when it reports the capture.
    const asked = run([command('CaptureOnDelivery', {}, T3, actors.system)], history.events);
    expect(types(asked.events.slice(history.events.length))).toEqual(['CaptureRequested']);
    expect(asked.state.payments[0]).toMatchObject({ status: 'authorized', captured: 0, capturePending: 6000 });
    const again = orderDecider.decide(command('CaptureOnDelivery', {}, T3, actors.system), asked.state);
    expect(again).toEqual(E.right([]));
    const captured = run(
      [command('CapturePayment', { paymentId: 'pay-1', amount: eur(6000) }, T3, actors.provider)],
      asked.events,
    );
    expect(captured.state.payments[0]).toMatchObject({ status: 'captured', captured: 6000, capturePending: 0 });
  });

  it('FUL-4: a service order is fulfilled by marking it delivered', () => {
    const service: OrderLine[] = [
      {
        lineId: 's',
        sku: 'SHOOT',
        name: 'Photo shoot',
        qty: 1,
        unitPrice: eur(10000),
        vatRate: 'vat20',
        kind: 'service',
      },
    ];
    const { events } = run([
      command(
        'PlaceOrder',
        sampleCheckout({
          lines: service,
          shippingFee: eur(0),
          discount: eur(0),
          paymentMethod: paymentMethods.bankTransfer,
        }),
        T0,
        actors.customer,
      ),
      command('MarkDelivered', { deliveredAt: T3 }, T3),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'OrderFulfilled', data: { deliveredAt: T3 } });
  });
});
