import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { refusal, run, types } from './test-support/decide.js';
import { rehydrate, type Actor } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { emptyDirectory } from '../customers/directory.js';
import { orderDecider, orderDeciderWith } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout, sampleLines } from './examples.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-24T11:00:00Z';

const place = (data = sampleCheckout(), actor: Actor = actors.customer) => command('PlaceOrder', data, T0, actor);
const authorize = (amount = 1900) =>
  command(
    'AuthorizePayment',
    { paymentId: 'pay-1', amount: eur(amount), providerMessage: 'Approved' },
    T1,
    actors.provider,
  );

describe('placing an order', () => {
  it('ORD-1: a checkout places an order with lines, totals, methods, customer, addresses, IP and remark', () => {
    const { events, state } = run([place()]);
    expect(types(events)).toEqual(['OrderPlaced', 'PaymentRequested']);
    expect(state.details?.orderNumber).toBe('SO-1001');
    expect(state.totals.subtotal).toEqual(eur(1800));
    expect(state.totals.total).toEqual(eur(1800 + 500 - 200));
    expect(state.details?.customer.group).toBe('retail');
    expect(state.details?.ipCountry).toBe('VN');
    expect(state.details?.remark).toBe('Please ring twice');
    expect(state.details?.placedAt).toBe(T0);
    expect(state.payments[0]).toMatchObject({ paymentId: 'pay-1', requested: 2100, status: 'pending' });
  });

  it('ORD-1: a checkout whose stated total does not add up is refused by the decider too', () => {
    expect(refusal([], place({ ...sampleCheckout(), total: eur(999) }))).toBe('totals-mismatch');
  });

  it('ORD-1: an order cannot be placed twice', () => {
    const { events } = run([place()]);
    expect(refusal(events, place())).toBe('order-exists');
  });

  it('ORD-2: an online payment leaves the order pending; offline and cash-on-delivery orders are recorded', () => {
    expect(run([place()]).state.status).toBe('pending');
    expect(run([place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }))]).state.status).toBe('recorded');
    expect(run([place(sampleCheckout({ paymentMethod: paymentMethods.cashOnDelivery }))]).state.status).toBe(
      'recorded',
    );
  });

  it('ORD-2: an admin records a pending order by hand after checking the gateway', () => {
    const { events, state } = run([place(), command('RecordOrder', { note: 'checked in Stripe dashboard' }, T1)]);
    expect(state.status).toBe('recorded');
    expect(events.at(-1)).toMatchObject({ type: 'OrderRecorded', data: { trigger: 'admin' } });
  });

  it('ORD-3: confirming a pending order records it on the way; confirming again changes nothing', () => {
    const { events, state } = run([place(), authorize(2100), command('ConfirmOrder', {}, T1, actors.system)]);
    expect(types(events).slice(-2)).toEqual(['OrderRecorded', 'OrderConfirmed']);
    expect(state.status).toBe('confirmed');
    const again = orderDecider.decide(command('ConfirmOrder', {}, T2, actors.system), state);
    expect(again).toEqual(E.right([]));
  });
});

describe('process order (ec2Biz)', () => {
  it('ORD-4: the admin form records status, note, notification channels, mail language, copy, loyalty points, dates and tracking', () => {
    const { events, state } = run([
      place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer })),
      command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1),
      command(
        'ProcessOrder',
        {
          status: 'Shipped by post',
          note: 'Your parcel is on its way',
          noteVisibleToCustomer: true,
          notify: { email: true, sms: true, language: 'zh-Hant', keepCopy: true },
          mailLanguage: 'zh-Hant',
          keepMailCopy: true,
          loyaltyPoints: 21,
          loyaltyPointsApproved: true,
          shipDate: '2026-11-25T09:00:00Z',
          deliveryDate: '2026-11-27T09:00:00Z',
          carrier: 'HK Post',
          trackingReference: 'RR123456789HK',
          fulfillmentStatus: 'shipped',
        },
        T2,
      ),
    ]);
    const processed = events.find((e) => e.type === 'OrderProcessed');
    expect(processed?.data).toMatchObject({
      status: 'Shipped by post',
      note: 'Your parcel is on its way',
      noteVisibleToCustomer: true,
      notify: { email: true, sms: true },
      mailLanguage: 'zh-Hant',
      keepMailCopy: true,
      loyaltyPoints: 21,
      loyaltyPointsApproved: true,
    });
    expect(state.processing).toMatchObject({
      loyaltyPoints: 21,
      loyaltyPointsApproved: true,
      trackingReference: 'RR123456789HK',
    });
    expect(state.fulfillment.status).toBe('shipped');
    expect(state.fulfillment.shipments[0]).toMatchObject({
      trackingReference: 'RR123456789HK',
      shippedAt: '2026-11-25T09:00:00Z',
    });
  });

  it('ORD-4: choosing the status the order already has records the form only', () => {
    const shipped = run([
      place(sampleCheckout({ paymentMethod: paymentMethods.cashOnDelivery })),
      command('ProcessOrder', { status: 'Sent', fulfillmentStatus: 'shipped' }, T1),
    ]);
    const again = run(
      [command('ProcessOrder', { status: 'Sent', fulfillmentStatus: 'shipped', note: 'tracking fixed' }, T2)],
      shipped.events,
    );
    expect(types(again.events.slice(shipped.events.length))).toEqual(['OrderProcessed']);
  });

  it('NOT-2: a notification that names no language is recorded in the customer’s language; a chosen one is kept', () => {
    const placed = run([place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }))]).events;
    const notifyOf = (cmd: OrderCommand) =>
      (run([cmd], placed).events.at(-1)?.data as { notify?: unknown; mailLanguage?: string }).notify;
    const both = { email: true, sms: true };
    // sampleCheckout's customer reads Vietnamese.
    expect(notifyOf(command('ProcessOrder', { status: 'Packing', notify: both }, T1))).toEqual({
      ...both,
      language: 'vi',
    });
    expect(notifyOf(command('HoldFulfillment', { reason: 'stock', notify: { email: true, sms: false } }, T1))).toEqual({
      email: true,
      sms: false,
      language: 'vi',
    });
    // ORD-4: the form's mail language is the admin's choice: nothing is filled in over it.
    expect(notifyOf(command('ProcessOrder', { status: 'Packing', notify: both, mailLanguage: 'ru' }, T1))).toEqual(
      both,
    );
    expect(notifyOf(command('ProcessOrder', { status: 'Packing', notify: { ...both, language: 'en' } }, T1))).toEqual({
      ...both,
      language: 'en',
    });
    // Nobody is notified: nothing to translate.
    expect(notifyOf(command('ProcessOrder', { status: 'Packing', notify: { email: false, sms: false } }, T1))).toEqual({
      email: false,
      sms: false,
    });
    expect(notifyOf(command('ProcessOrder', { status: 'Packing' }, T1))).toBeUndefined();
    const { customer } = sampleCheckout();
    const { language: _unused, ...noLanguage } = customer;
    const wordless = run([place(sampleCheckout({ customer: noLanguage }))]).events;
    const decided = run([command('ProcessOrder', { status: 'Packing', notify: both }, T1)], wordless).events.at(-1);
    expect(decided?.data).toMatchObject({ notify: both });
    expect((decided?.data as { notify: { language?: string } }).notify.language).toBeUndefined();
  });

  it('FUL-1: picking another status in the form ends a hold the admin set; a timed ORD-7 review hold still blocks shipping', () => {
    const paid = [
      place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer })),
      command('ConfirmOfflinePayment', {}, T1),
    ];
    const held = run([...paid, command('ProcessOrder', { status: 'En attente', fulfillmentStatus: 'on_hold' }, T1)]);
    expect(held.state.fulfillment.status).toBe('on_hold');
    const processed = run(
      [command('ProcessOrder', { status: 'Traitée', fulfillmentStatus: 'processed' }, T2)],
      held.events,
    );
    expect(types(processed.events.slice(held.events.length))).toEqual([
      'OrderProcessed',
      'FulfillmentHoldReleased',
      'FulfillmentProcessed',
    ]);
    // Held after processing: the hold resumes to processed, nothing more to mark.
    const again = run(
      [
        command('ProcessOrder', { status: 'En attente', fulfillmentStatus: 'on_hold' }, T2),
        command('ProcessOrder', { status: 'Traitée', fulfillmentStatus: 'processed' }, T2),
        command('ProcessOrder', { status: 'En attente', fulfillmentStatus: 'on_hold' }, T2),
        command('ProcessOrder', { status: 'Expédiée', fulfillmentStatus: 'shipped' }, T2),
      ],
      processed.events,
    );
    expect(again.state.fulfillment.status).toBe('shipped');
    const review = run([
      ...paid,
      command('HoldFulfillment', { reason: 'fraud review', until: '2026-11-25T10:00:00Z' }, T1),
    ]).events;
    expect(refusal(review, command('ProcessOrder', { status: 'Sent', fulfillmentStatus: 'shipped' }, T2))).toBe(
      'fulfillment-on-hold',
    );
  });

  it('ORD-4: processing to a fulfillment status obeys the same gates (unpaid order cannot be shipped)', () => {
    const { events } = run([place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }))]);
    expect(refusal(events, command('ProcessOrder', { status: 'Sent', fulfillmentStatus: 'shipped' }, T1))).toBe(
      'payment-not-confirmed',
    );
  });
});

describe('discarding and cancelling', () => {
  it('ORD-6: a duplicate order is discarded with its reason; the stream keeps it and accepts nothing more', () => {
    const { events, state } = run([place(), command('DiscardOrder', { reason: 'duplicate', duplicateOf: 'o-0' }, T1)]);
    expect(types(events)).toEqual(['OrderPlaced', 'PaymentRequested', 'PaymentVoided', 'OrderDiscarded']);
    expect(state.discarded).toEqual({ at: T1, reason: 'duplicate', duplicateOf: 'o-0' });
    expect(refusal(events, authorize(2100))).toBe('order-discarded');
    expect(orderDecider.isTerminal?.(state)).toBe(true);
  });

  it('ORD-6: an order with money received must be refunded before it is discarded', () => {
    const { events } = run([
      place(),
      command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
    ]);
    expect(refusal(events, command('DiscardOrder', { reason: 'erroneous' }, T2))).toBe('refund-first');
  });

  it('ORD-6: a stale order (online payment never completed) and an erroneous one are deleted with their reason; the open payment link is voided', () => {
    const stale = run([place(), command('DiscardOrder', { reason: 'stale', note: 'unpaid for 30 days' }, T2)]);
    expect(types(stale.events).slice(-2)).toEqual(['PaymentVoided', 'OrderDiscarded']);
    expect(stale.state.payments[0]?.status).toBe('voided');
    expect(stale.state.discarded).toEqual({ at: T2, reason: 'stale' });
    expect(stale.events.at(-1)?.data).toMatchObject({ reason: 'stale', note: 'unpaid for 30 days' });
    const wrong = run([
      place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer })),
      command('DiscardOrder', { reason: 'erroneous' }, T2),
    ]);
    expect(wrong.state).toMatchObject({ status: 'discarded', discarded: { reason: 'erroneous' } });
  });

  it('cancelling with a reason voids open authorizations and is irreversible', () => {
    const { events, state } = run([place(), authorize(2100), command('CancelOrder', { reason: 'out of stock' }, T2)]);
    // Issue 9.4: the e-book's downloads, opened by the authorization, lock again with it.
    expect(types(events).slice(-3)).toEqual(['PaymentVoided', 'OrderCancelled', 'DownloadsLocked']);
    expect(events.at(-3)?.data).toMatchObject({ released: eur(2100) });
    expect(state.fulfillment.downloadsUnlocked).toBe(false);
    expect(state.fulfillment.status).toBe('cancelled');
    expect(refusal(events, command('ConfirmOrder', {}, T2))).toBe('order-cancelled');
    expect(refusal(events, command('ShipOrder', { shipmentId: 's1' }, T2))).toBe('order-cancelled');
  });
});

describe('notifications sent (NOT-3)', () => {
  it('NOT-3: a notifier records each notification sent (channel, when); the history shows it; only the shop may record it', () => {
    const sent = (at: string) =>
      command(
        'RecordNotificationSent',
        { notificationId: 'n-1', audience: 'customer', channels: ['email', 'sms'], about: 'Shipped by post' },
        at,
        actors.system,
      );
    const { events, state } = run([place(), sent(T1)]);
    expect(events.at(-1)).toEqual({
      type: 'NotificationSent',
      data: {
        at: T1,
        notificationId: 'n-1',
        audience: 'customer',
        channels: ['email', 'sms'],
        about: 'Shipped by post',
      },
    });
    // Nothing about the order changes.
    expect(state).toEqual(run([place()]).state);
    expect(refusal(events, command('RecordNotificationSent', sent(T2).data, T2, actors.customer))).toBe('forbidden');
    expect(refusal(events, command('RecordNotificationSent', sent(T2).data, T2, actors.provider))).toBe('forbidden');
    const cancelled = run([command('CancelOrder', { reason: 'out of stock' }, T2), sent(T2)], events);
    expect(cancelled.events.at(-1)?.type).toBe('NotificationSent');
  });
});

describe('fraud signal', () => {
  it('ORD-7: an IP country that differs from the billing and shipping country is flagged at placement', () => {
    const { events } = run([place(sampleCheckout({ ipCountry: 'NG' }))]);
    expect(events[0]?.data).toMatchObject({
      fraudSignals: ['ip_country_differs_from_billing', 'ip_country_differs_from_shipping'],
    });
    const clean = run([place()]);
    expect(clean.events[0]?.data).toMatchObject({ fraudSignals: [] });
  });

  it('ORD-7: a timed hold blocks shipping until its end, computed from the command time', () => {
    const held = run([
      place(),
      authorize(2100),
      command('ConfirmOrder', {}, T1),
      command('HoldFulfillment', { reason: 'fraud-review', until: '2026-11-25T10:00:00Z' }, T1, actors.system),
    ]);
    expect(refusal(held.events, command('ShipOrder', { shipmentId: 's1' }, '2026-11-25T09:59:59Z'))).toBe(
      'fulfillment-on-hold',
    );
    const shipped = run([command('ShipOrder', { shipmentId: 's1' }, '2026-11-25T10:00:00Z')], held.events);
    expect(types(shipped.events).slice(-2)).toEqual(['FulfillmentHoldReleased', 'ShipmentDispatched']);
  });
});

describe('payment gate', () => {
  it('ORD-8: a recorded order is not paid: shipping is refused until payment is confirmed', () => {
    const { events } = run([place(sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }))]);
    expect(refusal(events, command('ShipOrder', { shipmentId: 's1' }, T1))).toBe('payment-not-confirmed');
    const paid = run([command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1)], events);
    expect(run([command('ShipOrder', { shipmentId: 's1' }, T2)], paid.events).state.fulfillment.status).toBe('shipped');
  });

  it('ORD-8: cash on delivery ships unpaid', () => {
    const { state } = run([
      place(sampleCheckout({ paymentMethod: paymentMethods.cashOnDelivery })),
      command('ShipOrder', { shipmentId: 's1', carrier: 'GHN', trackingReference: 'GHN-1' }, T1),
    ]);
    expect(state.fulfillment.status).toBe('shipped');
  });

  it('ORD-8: a pending order (online payment not done) cannot be shipped', () => {
    const { events } = run([place()]);
    expect(refusal(events, command('ShipOrder', { shipmentId: 's1' }, T1))).toBe('order-pending');
  });
});

describe('order edits', () => {
  it('ORD-9: lines can be added, changed and removed with re-priced totals', () => {
    const { state } = run([
      place(),
      command(
        'AddOrderLine',
        {
          line: {
            lineId: 'l3',
            sku: 'CUP',
            name: 'Cup',
            qty: 1,
            unitPrice: eur(1000),
            vatRate: 'vat20',
            kind: 'physical',
          },
        },
        T1,
      ),
      command('ChangeOrderLine', { lineId: 'l1', qty: 3 }, T1),
      command('RemoveOrderLine', { lineId: 'l2' }, T1),
      command('ChangeShippingFee', { shippingFee: eur(0) }, T1),
    ]);
    expect(state.lines.map((l) => `${l.lineId}x${l.qty}`)).toEqual(['l1x3', 'l3x1']);
    expect(state.totals.subtotal).toEqual(eur(3 * 450 + 1000));
    expect(state.totals.total).toEqual(eur(3 * 450 + 1000 - 200));
  });

  it('ORD-9: once the closing receipt locks the order, every composition change fails with a clear error', () => {
    const { events } = run([
      place(),
      command('LockOrder', { reason: 'closing receipt issued', receiptId: 'r-9' }, T1, actors.system),
    ]);
    const line = {
      lineId: 'l9',
      sku: 'X',
      name: 'X',
      qty: 1,
      unitPrice: eur(1),
      vatRate: 'none',
      kind: 'service',
    } as const;
    for (const cmd of [
      command('AddOrderLine', { line }, T2),
      command('RemoveOrderLine', { lineId: 'l1' }, T2),
      command('ChangeOrderLine', { lineId: 'l1', qty: 5 }, T2),
      command('ChangeShippingFee', { shippingFee: eur(1) }, T2),
    ]) {
      const decided = orderDecider.decide(cmd, rehydrate(orderDecider, events));
      expect(E.isLeft(decided) && decided.left).toMatchObject({ code: 'order-locked' });
      expect(E.isLeft(decided) && decided.left.message).toContain('closing fiscal receipt');
    }
  });

  it('ORD-9: a shipped line cannot be removed nor reduced below what was shipped', () => {
    const { events } = run([
      place(sampleCheckout({ paymentMethod: paymentMethods.cashOnDelivery })),
      command('ShipOrder', { shipmentId: 's1', lines: [{ lineId: 'l1', qty: 1 }] }, T1),
    ]);
    expect(refusal(events, command('RemoveOrderLine', { lineId: 'l1' }, T2))).toBe('line-shipped');
    expect(run([command('ChangeOrderLine', { lineId: 'l1', qty: 1 }, T2)], events).state.lines[0]?.qty).toBe(1);
  });
});

describe('who may act (CUS-3)', () => {
  it('CUS-3: a customer cannot act on another customer’s order', () => {
    const { events } = run([place()]);
    expect(refusal(events, command('CancelOrder', { reason: 'mine now' }, T1, actors.otherCustomer))).toBe('forbidden');
    expect(refusal(events, command('CancelOrder', { reason: 'changed my mind' }, T1, actors.customer))).toBeUndefined();
  });

  it('CUS-3: a company contact may act on the company’s order; a customer may not place an order for someone else', () => {
    const company = sampleCheckout({ customer: { id: 'c-1', name: 'Lan', companyId: 'acme' } });
    const { events } = run([place(company)]);
    const colleague = { kind: 'customer', id: 'c-9', companyId: 'acme' } as const;
    const change = command('ChangeBillingAddress', { address: company.billingAddress }, T1, colleague);
    const state = rehydrate(orderDecider, events);
    const contacts = (ids: string[]) => ({ ...emptyDirectory, contacts: { acme: ids } });
    // The directory is what the shop recorded; the session's companyId alone proves nothing.
    expect(E.isRight(orderDeciderWith(() => contacts(['c-1', 'c-9'])).decide(change, state))).toBe(true);
    expect(refusal(events, change)).toBe('forbidden');
    const removed = orderDeciderWith(() => contacts(['c-1'])).decide(change, state);
    expect(E.isLeft(removed) && removed.left.code).toBe('forbidden');
    expect(refusal([], place(sampleCheckout(), actors.otherCustomer))).toBe('forbidden');
  });

  it('CUS-3: customers may not send admin commands and providers only payment outcomes', () => {
    const { events } = run([place()]);
    expect(refusal(events, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1, actors.customer))).toBe(
      'forbidden',
    );
    expect(refusal(events, command('ShipOrder', { shipmentId: 's' }, T1, actors.provider))).toBe('forbidden');
  });

  it('CUS-2: the customer edits her billing address', () => {
    const address = { name: 'Lan Nguyen', line1: '9 Trang Tien', city: 'Hanoi', country: 'VN' };
    const { state } = run([place(), command('ChangeBillingAddress', { address }, T1, actors.customer)]);
    expect(state.details?.billingAddress).toEqual(address);
  });
});

it('sample lines are the ones the examples rely on', () => {
  expect(sampleLines.map((l) => l.kind)).toEqual(['physical', 'digital']);
});
