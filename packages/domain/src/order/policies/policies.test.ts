import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { reactInline } from '@ordersource/testing';
import {
  createCommandHandler,
  createInMemoryEventStore,
  type Checkpoint,
  type Envelope,
  type Reactor,
} from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { orderDecider } from '../decider.js';
import { orderStreamId, type OrderEvent } from '../events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from '../examples.js';
import { defaultShopSettings, ShopSettingsCodec, type ShopSettings } from '../settings.js';
import { orderPolicies } from './all.js';
import { autoConfirmPolicy } from './auto-confirm.js';
import { autoInvoicePolicy } from './auto-invoice.js';
import { captureAfterDeliveryPolicy } from './capture-after-delivery.js';
import { fraudHoldPolicy } from './fraud-hold.js';
import { customerNotificationPolicy } from './notify-customer.js';
import { newOrderNotificationPolicy } from './notify-new-order.js';
import { historyEntry } from '../projections/status-history.js';
import { decodeOrderEnvelope } from './reactor-base.js';
import { recordOnPaymentPolicy } from './record-on-payment.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-24T12:00:00Z';
const stream = orderStreamId('o-1');

const envelope = (event: OrderEvent, eventId = 'e-1'): Envelope<OrderEvent> => ({
  event,
  eventId,
  streamId: stream,
  streamVersion: 0,
  globalPosition: '1',
  occurredAt: T0,
  recordedAt: T0,
  actor: actors.provider,
  schemaVersion: 1,
});

const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { at: T1, paymentId: 'pay-1', amount: eur(2100) } };
const off = (patch: Partial<ShopSettings>): ShopSettings => ({ ...defaultShopSettings, ...patch });

describe('policies as pure reactors', () => {
  it('ORD-2: a successful online payment records the pending order; off when the shop turns it off', () => {
    expect(recordOnPaymentPolicy(defaultShopSettings).react(envelope(authorized))).toEqual([
      { kind: 'command', streamId: stream, type: 'RecordOrder', data: { note: 'online payment succeeded' } },
    ]);
    expect(recordOnPaymentPolicy(off({ recordOnPayment: false })).react(envelope(authorized))).toEqual([]);
  });

  it('ORD-3: an authorization confirms the order; a plain capture does not; switchable', () => {
    expect(autoConfirmPolicy(defaultShopSettings).react(envelope(authorized))).toMatchObject([
      { type: 'ConfirmOrder' },
    ]);
    const capture: OrderEvent = {
      type: 'PaymentCaptured',
      data: { at: T1, paymentId: 'pay-1', amount: eur(1), mode: 'capture', final: true, released: eur(0) },
    };
    expect(autoConfirmPolicy(defaultShopSettings).react(envelope(capture))).toEqual([]);
    expect(autoConfirmPolicy(off({ autoConfirmOnPayment: false })).react(envelope(authorized))).toEqual([]);
  });

  it('PAY-1/FUL-4: fulfillment triggers the after-delivery capture; switchable', () => {
    const fulfilled: OrderEvent = { type: 'OrderFulfilled', data: { at: T2, deliveredAt: T2 } };
    expect(captureAfterDeliveryPolicy(defaultShopSettings).react(envelope(fulfilled))).toMatchObject([
      { type: 'CaptureOnDelivery', data: {} },
    ]);
    expect(captureAfterDeliveryPolicy(off({ captureAfterDelivery: false })).react(envelope(fulfilled))).toEqual([]);
  });

  it('PAY-7: ordered-quantities invoices on confirmation, delivered-quantities on delivery, with ids from the event', () => {
    const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { at: T1, trigger: 'payment' } };
    const delivered: OrderEvent = { type: 'ShipmentDelivered', data: { at: T2, shipmentId: 's1', deliveredAt: T2 } };
    const ordered = autoInvoicePolicy(defaultShopSettings);
    expect(ordered.react(envelope(confirmed, 'ev-9'))).toMatchObject([
      { type: 'IssueInvoice', data: { invoiceId: 'inv-ev-9', basis: 'ordered' } },
    ]);
    expect(ordered.react(envelope(delivered))).toEqual([]);
    const byDelivery = autoInvoicePolicy(off({ invoicing: { policy: 'delivered', automatic: true } }));
    expect(byDelivery.react(envelope(confirmed))).toEqual([]);
    expect(byDelivery.react(envelope(delivered))).toMatchObject([{ data: { basis: 'delivered' } }]);
    expect(
      autoInvoicePolicy(off({ invoicing: { policy: 'ordered', automatic: false } })).react(envelope(confirmed)),
    ).toEqual([]);
  });

  it('ORD-7: a flagged order is held 24 hours from its placement time; unflagged orders only when scope is all', () => {
    const placed = (ipCountry: string): OrderEvent => ({
      type: 'OrderPlaced',
      data: {
        orderId: 'o-1',
        orderNumber: '1',
        placedAt: T0,
        status: 'pending',
        currency: 'EUR',
        lines: [],
        totals: { subtotal: eur(0), shippingFee: eur(0), discount: eur(0), total: eur(0) },
        shippingMethod: { code: 'p', name: 'p' },
        paymentMethod: paymentMethods.card,
        customer: { id: 'c-1', name: 'Lan' },
        billingAddress: { name: 'L', line1: 'x', city: 'y', country: 'VN' },
        shippingAddress: { name: 'L', line1: 'x', city: 'y', country: 'VN' },
        fraudSignals: ipCountry === 'VN' ? [] : ['ip_country_differs_from_billing'],
        ipCountry,
      },
    });
    expect(fraudHoldPolicy(defaultShopSettings).react(envelope(placed('NG')))).toMatchObject([
      { type: 'HoldFulfillment', data: { until: '2026-11-25T10:00:00.000Z' } },
    ]);
    expect(fraudHoldPolicy(defaultShopSettings).react(envelope(placed('VN')))).toEqual([]);
    const all = off({ fraudHold: { enabled: true, hours: 24, scope: 'all' } });
    expect(fraudHoldPolicy(all).react(envelope(placed('VN')))).toMatchObject([
      { data: { reason: 'new order review' } },
    ]);
    expect(
      fraudHoldPolicy(off({ fraudHold: { enabled: false, hours: 24, scope: 'all' } })).react(envelope(placed('NG'))),
    ).toEqual([]);
  });
});

describe('customer notifications', () => {
  it('ORD-4: a change recorded with notify e-mail/SMS becomes a notification carrying only the visible note', () => {
    const processed: OrderEvent = {
      type: 'OrderProcessed',
      data: {
        at: T2,
        status: 'Shipped by post',
        keepMailCopy: true,
        note: 'internal: fragile',
        noteVisibleToCustomer: false,
        notify: { email: true, sms: true, language: 'zh-Hant', keepCopy: true },
      },
    };
    expect(customerNotificationPolicy.react(envelope(processed))).toEqual([
      {
        kind: 'notification',
        notification: {
          kind: 'order-update',
          orderId: 'o-1',
          event: 'OrderProcessed',
          status: 'Shipped by post',
          at: T2,
          channels: ['email', 'sms'],
          language: 'zh-Hant',
          keepCopy: true,
        },
      },
    ]);
    const visible: OrderEvent = {
      type: 'FulfillmentHeld',
      data: {
        at: T2,
        reason: 'stock loss',
        note: 'Back next week',
        noteVisibleToCustomer: true,
        notify: { email: true, sms: false },
      },
    };
    expect(customerNotificationPolicy.react(envelope(visible))).toMatchObject([
      { notification: { channels: ['email'], note: 'Back next week', status: 'on hold: stock loss' } },
    ]);
    expect(customerNotificationPolicy.react(envelope(authorized))).toEqual([]);
  });
});

describe('new-order notifications (NOT-1)', () => {
  const placed = (status: 'pending' | 'recorded', language?: string): OrderEvent => ({
    type: 'OrderPlaced',
    data: {
      orderId: 'o-1',
      orderNumber: '1',
      placedAt: T0,
      status,
      currency: 'EUR',
      lines: [],
      totals: { subtotal: eur(0), shippingFee: eur(0), discount: eur(0), total: eur(0) },
      shippingMethod: { code: 'p', name: 'p' },
      paymentMethod: paymentMethods.bankTransfer,
      customer: { id: 'c-1', name: 'Lan', ...(language === undefined ? {} : { language }) },
      billingAddress: { name: 'L', line1: 'x', city: 'y', country: 'VN' },
      shippingAddress: { name: 'L', line1: 'x', city: 'y', country: 'VN' },
      fraudSignals: [],
    },
  });
  const recorded: OrderEvent = { type: 'OrderRecorded', data: { at: T1, trigger: 'payment' } };
  const notifications = (settings: ShopSettings, event: OrderEvent) =>
    newOrderNotificationPolicy(settings)
      .react(envelope(event))
      .map((r) => (r.kind === 'notification' ? r.notification : r));

  it('NOT-1: a recorded order e-mails the customer a confirmation (in her language) and alerts the admin by e-mail', () => {
    expect(notifications(defaultShopSettings, placed('recorded', 'vi'))).toEqual([
      { kind: 'order-confirmation', orderId: 'o-1', at: T0, channels: ['email'], language: 'vi' },
      { kind: 'new-order-alert', orderId: 'o-1', at: T0, channels: ['email'], fraudSignals: [] },
    ]);
  });

  it('NOT-1/ORD-2: a pending order confirms nothing until its payment (or an admin) records it', () => {
    expect(notifications(defaultShopSettings, placed('pending', 'vi'))).toEqual([]);
    expect(notifications(defaultShopSettings, recorded)).toEqual([
      { kind: 'order-confirmation', orderId: 'o-1', at: T1, channels: ['email'] },
      { kind: 'new-order-alert', orderId: 'o-1', at: T1, channels: ['email'] },
    ]);
    expect(notifications(defaultShopSettings, authorized)).toEqual([]);
  });

  it('NOT-1: the admin is alerted on the configured channels (e-mail, SMS, fax); either message can be switched off', () => {
    const faxAndSms = off({ newOrderNotifications: { customerEmail: false, adminChannels: ['sms', 'fax', 'sms'] } });
    expect(notifications(faxAndSms, placed('recorded'))).toEqual([
      { kind: 'new-order-alert', orderId: 'o-1', at: T0, channels: ['sms', 'fax'], fraudSignals: [] },
    ]);
    const silent = off({ newOrderNotifications: { customerEmail: false, adminChannels: [] } });
    expect(notifications(silent, placed('recorded'))).toEqual([]);
  });

  it('NOT-1: settings saved before the option existed still decode, and get the e-mail confirmation and alert', () => {
    const { newOrderNotifications: _unused, ...older } = defaultShopSettings;
    const decoded = ShopSettingsCodec.decode(JSON.parse(JSON.stringify(older)));
    expect(E.isRight(decoded)).toBe(true);
    if (E.isLeft(decoded)) return;
    expect(decoded.right.newOrderNotifications).toBeUndefined();
    expect(notifications(decoded.right, placed('recorded')).map((n) => n.kind)).toEqual([
      'order-confirmation',
      'new-order-alert',
    ]);
    expect(
      E.isLeft(
        ShopSettingsCodec.decode({
          ...older,
          newOrderNotifications: { customerEmail: true, adminChannels: ['pager'] },
        }),
      ),
    ).toBe(true);
  });

  it('NOT-1: orderPolicies includes the new-order notifications', () => {
    expect(orderPolicies(defaultShopSettings).map((p) => p.name)).toContain('order.notify-new-order');
  });
});

describe('process order mail options (ORD-4, NOT-2)', () => {
  const processed = (data: Partial<Extract<OrderEvent, { type: 'OrderProcessed' }>['data']>): OrderEvent => ({
    type: 'OrderProcessed',
    data: { at: T2, status: 'Отправлен', keepMailCopy: false, ...data },
  });
  const notificationOf = (event: OrderEvent) => {
    const [reaction] = customerNotificationPolicy.react(envelope(event));
    return reaction?.kind === 'notification' ? reaction.notification : undefined;
  };

  it('ORD-4/NOT-2: the form’s mailLanguage and keepMailCopy reach the notification and the status history', () => {
    const event = processed({ notify: { email: true, sms: true }, mailLanguage: 'ru', keepMailCopy: true });
    expect(notificationOf(event)).toMatchObject({ channels: ['email', 'sms'], language: 'ru', keepCopy: true });
    expect(historyEntry(envelope(event))).toMatchObject({ email: true, sms: true, language: 'ru', keepCopy: true });
  });

  it('ORD-4/NOT-2: the notify object’s own language and keepCopy win over the form’s', () => {
    const event = processed({
      notify: { email: true, sms: false, language: 'en', keepCopy: false },
      mailLanguage: 'ru',
      keepMailCopy: true,
    });
    expect(notificationOf(event)).toMatchObject({ language: 'en', keepCopy: false });
    expect(historyEntry(envelope(event))).toMatchObject({ language: 'en', keepCopy: false });
  });

  it('ORD-4: a copy is kept only of an e-mail; an SMS-only update keeps none', () => {
    const event = processed({ notify: { email: false, sms: true }, mailLanguage: 'ru', keepMailCopy: true });
    expect(notificationOf(event)).toMatchObject({ channels: ['sms'], language: 'ru', keepCopy: false });
    expect(historyEntry(envelope(event)).keepCopy).toBeUndefined();
  });

  it('ORD-4/NOT-2 end to end: ProcessOrder with mailLanguage ru and keepMailCopy notifies in Russian with a copy', async () => {
    const store = createInMemoryEventStore();
    const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    await orders.handle(stream, command('PlaceOrder', sampleCheckout(), T0, actors.customer));
    await orders.handle(
      stream,
      command(
        'ProcessOrder',
        { status: 'Собран', notify: { email: true, sms: true }, mailLanguage: 'ru', keepMailCopy: true },
        T1,
      ),
    );
    const { notifications: notified } = await reactInline({
      store,
      decode: decodeOrderEnvelope,
      reactors: [customerNotificationPolicy],
      handle: orders.handle,
    });
    expect(notified).toEqual([
      {
        kind: 'order-update',
        orderId: 'o-1',
        event: 'OrderProcessed',
        status: 'Собран',
        at: T1,
        channels: ['email', 'sms'],
        language: 'ru',
        keepCopy: true,
      },
    ]);
  });
});

/** A tiny in-process runtime: handle a command, then let every policy react until nothing new happens. */
const shop = (settings: ShopSettings) => {
  const store = createInMemoryEventStore();
  const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  const policies: readonly Reactor<OrderEvent, OrderCommand>[] = orderPolicies(settings);
  let checkpoint: Checkpoint | undefined;
  const send = async (streamId: string, cmd: OrderCommand) => {
    const handled = await orders.handle(streamId, cmd);
    if (E.isLeft(handled)) throw new Error(`${cmd.type}: ${handled.left.message}`);
    const reacted = await reactInline({
      store,
      decode: decodeOrderEnvelope,
      reactors: policies,
      handle: orders.handle,
      ...(checkpoint === undefined ? {} : { after: checkpoint }),
    });
    checkpoint = reacted.checkpoint;
  };
  return { send, state: async () => E.getOrElseW(() => undefined)(await orders.load(stream))?.state };
};

describe('policies wired to the command handler', () => {
  it('ORD-2/ORD-3/PAY-7: authorization records and confirms the order and issues a paid invoice; delivery captures (FUL-4)', async () => {
    const { send, state } = shop(defaultShopSettings);
    await send(
      stream,
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardAfterDelivery }), T0, actors.customer),
    );
    await send(stream, command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider));
    let s = await state();
    expect(s?.status).toBe('confirmed');
    expect(s?.invoices).toHaveLength(1);
    expect(s?.invoices[0]).toMatchObject({ amount: 2100, paid: 0 });
    await send(stream, command('ShipOrder', { shipmentId: 's1' }, T2));
    await send(stream, command('MarkDelivered', {}, '2026-11-26T10:00:00Z'));
    // Issue 9: delivery asks the provider to capture; its report of the capture follows.
    expect((await state())?.payments[0]).toMatchObject({ status: 'authorized', capturePending: 2100 });
    await send(stream, command('CapturePayment', { paymentId: 'pay-1' }, '2026-11-26T10:00:05Z', actors.provider));
    s = await state();
    expect(s?.fulfillment.status).toBe('fulfilled');
    expect(s?.payments[0]).toMatchObject({ status: 'captured', captured: 2100 });
    expect(s?.invoices[0]).toMatchObject({ paid: 2100 });
  });

  it('ORD-7: with the fraud hold on, a flagged order cannot ship within 24 hours of placement', async () => {
    const { send, state } = shop(defaultShopSettings);
    await send(stream, command('PlaceOrder', sampleCheckout({ ipCountry: 'US' }), T0, actors.customer));
    await send(stream, command('RecordSale', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider));
    expect((await state())?.fulfillment.hold?.until).toBe('2026-11-25T10:00:00.000Z');
    await expect(send(stream, command('ShipOrder', { shipmentId: 's1' }, T2))).rejects.toThrow(/on hold/);
    await send(stream, command('ShipOrder', { shipmentId: 's2' }, '2026-11-25T10:00:01Z'));
    expect((await state())?.fulfillment.status).toBe('shipped');
  });
});
