import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { reactInline } from '@ordersource/testing';
import {
  createCommandHandler,
  createInMemoryEventStore,
  project,
  type Actor,
  type Checkpoint,
  type Envelope,
} from '@ordersource/core';
import { emptyDirectory } from '../customers/directory.js';
import { decodeOrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { financialStatus, pixpaPaymentStatus } from './payment-status.js';
import { orderPolicies } from './policies/all.js';
import type { OrderNotification } from './policies/notify-customer.js';
import type { NewOrderNotification } from './policies/notify-new-order.js';
import { decodeOrderEnvelope } from './policies/reactor-base.js';
import { customerOrders, customerStatusHistory } from './projections/customer-orders.js';
import { renderOrderSummaryHtml } from './projections/order-summary.js';
import { listOrders, ordersProjection } from './projections/orders.js';
import { statusHistory, statusHistoryProjection } from './projections/status-history.js';
import { defaultShopSettings, type ShopSettings } from './settings.js';

/**
 * The manuals' own scenarios, step by step, through the boundary decoder, the
 * command handler and the shop's policies: Odoo eCommerce (seed 000,
 * Vietnamese), Pixpa client galleries (seed 001, French) and ec2Biz order
 * administration (seed 002, Traditional Chinese).
 */

const shop = (settings: ShopSettings = defaultShopSettings) => {
  const store = createInMemoryEventStore();
  const handler = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  const policies = orderPolicies(settings);
  const notifications: OrderNotification[] = [];
  const newOrder: NewOrderNotification[] = [];
  const log: Envelope<OrderEvent>[] = [];
  let seen: Checkpoint | undefined;
  let n = 0;
  const send = async (orderId: string, type: string, data: unknown, actor: Actor, at: string) => {
    const decoded = decodeOrderCommand({ type, data, metadata: { commandId: `${orderId}-${++n}`, actor, at } });
    if (E.isLeft(decoded)) return decoded;
    const handled = await handler.handle(orderStreamId(orderId), decoded.right);
    if (E.isLeft(handled)) return handled;
    const reacted = await reactInline({
      store,
      decode: decodeOrderEnvelope,
      reactors: policies,
      handle: handler.handle,
      ...(seen === undefined ? {} : { after: seen }),
    });
    seen = reacted.checkpoint;
    log.push(...reacted.envelopes);
    for (const notification of reacted.notifications as (OrderNotification | NewOrderNotification)[])
      if (notification.kind === 'order-update') notifications.push(notification);
      else newOrder.push(notification);
    return handled;
  };
  /** Send and insist on success. */
  const ok = async (orderId: string, type: string, data: unknown, actor: Actor, at: string) => {
    const result = await send(orderId, type, data, actor, at);
    if (E.isLeft(result)) throw new Error(`${type}: ${result.left.message}`);
    const loaded = await handler.load(orderStreamId(orderId));
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    return loaded.right.state;
  };
  const state = async (orderId: string) => {
    const loaded = await handler.load(orderStreamId(orderId));
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    return loaded.right.state;
  };
  return { send, ok, state, notifications, newOrder, log };
};

const money = (amount: number, currency: string) => ({ amount, currency });
const admin: Actor = { kind: 'admin', id: 'admin-1', name: 'Quản trị' };
const system: Actor = { kind: 'system', id: 'gateway-webhook' };
const provider: Actor = { kind: 'provider', id: 'vnpay' };

const checkout = (
  orderId: string,
  currency: string,
  customer: { id: string; name: string; companyId?: string; language?: string },
  method: { code: string; name: string; kind: string; capture: string },
  lines: { lineId: string; sku: string; name: string; qty: number; price: number; kind: string }[],
  extra: Record<string, unknown> = {},
) => {
  const subtotal = lines.reduce((a, l) => a + l.price * l.qty, 0);
  const country = (extra.country as string | undefined) ?? 'VN';
  const address = { name: customer.name, line1: '1 Main street', city: 'City', country };
  return {
    orderId,
    orderNumber: `#${orderId}`,
    paymentId: `${orderId}-p1`,
    lines: lines.map(({ price, ...line }) => ({ ...line, unitPrice: money(price, currency), vatRate: 'vat10' })),
    subtotal: money(subtotal, currency),
    shippingFee: money(0, currency),
    discount: money(0, currency),
    total: money(subtotal, currency),
    shippingMethod: { code: 'ship', name: 'Giao hàng' },
    paymentMethod: method,
    customer,
    billingAddress: address,
    shippingAddress: address,
    ...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'country')),
  };
};

describe('seed 000 — Odoo eCommerce (payments through a provider)', () => {
  it('ORD-3/PAY-7: authorization confirms the order, which releases delivery; the automatic invoice is issued and reconciled', async () => {
    const s = shop();
    const manual = { code: 'vnpay', name: 'VNPay', kind: 'online', capture: 'manual' };
    await s.ok(
      'od-1',
      'PlaceOrder',
      checkout('od-1', 'VND', { id: 'kh-1', name: 'Nguyễn An' }, manual, [
        { lineId: 'a', sku: 'AO', name: 'Áo thun', qty: 2, price: 150000, kind: 'physical' },
      ]),
      { kind: 'customer', id: 'kh-1' },
      '2026-11-24T02:00:00Z',
    );
    await s.ok(
      'od-1',
      'AuthorizePayment',
      { paymentId: 'od-1-p1', amount: money(300000, 'VND'), providerMessage: 'Giao dịch thành công' },
      provider,
      '2026-11-24T02:01:00Z',
    );
    const confirmed = await s.state('od-1');
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.invoices).toMatchObject([{ basis: 'ordered', amount: 300000, paid: 0 }]);
    // Manual capture: the order is confirmed but the amount is held; ship, then capture from the order.
    await s.ok('od-1', 'ShipOrder', { shipmentId: 'wh-1' }, admin, '2026-11-24T08:00:00Z');
    await s.ok('od-1', 'CapturePayment', { paymentId: 'od-1-p1' }, admin, '2026-11-25T08:00:00Z');
    const captured = await s.state('od-1');
    expect(captured.invoices[0]).toMatchObject({ paid: 300000 });
    expect(financialStatus(captured)).toBe('paid');
  });

  it('PAY-1/FUL-4: with "capture after delivery" the held amount is captured once the order is delivered', async () => {
    const s = shop();
    const after = { code: 'vnpay-hold', name: 'VNPay (giữ thẻ)', kind: 'online', capture: 'after_delivery' };
    await s.ok(
      'od-2',
      'PlaceOrder',
      checkout('od-2', 'VND', { id: 'kh-2', name: 'Trần Bình' }, after, [
        { lineId: 'a', sku: 'GIAY', name: 'Giày', qty: 1, price: 900000, kind: 'physical' },
      ]),
      { kind: 'customer', id: 'kh-2' },
      '2026-11-24T02:00:00Z',
    );
    await s.ok(
      'od-2',
      'AuthorizePayment',
      { paymentId: 'od-2-p1', amount: money(900000, 'VND') },
      provider,
      '2026-11-24T02:01:00Z',
    );
    await s.ok('od-2', 'ShipOrder', { shipmentId: 'wh-1' }, admin, '2026-11-24T08:00:00Z');
    expect((await s.state('od-2')).payments[0]?.status).toBe('authorized');
    await s.ok('od-2', 'MarkDelivered', {}, admin, '2026-11-26T08:00:00Z');
    // Issue 9: delivery asks the provider to capture; the money counts once it reports the capture.
    expect((await s.state('od-2')).payments[0]).toMatchObject({ status: 'authorized', capturePending: 900000 });
    await s.ok('od-2', 'CapturePayment', { paymentId: 'od-2-p1' }, provider, '2026-11-26T08:00:05Z');
    expect((await s.state('od-2')).payments[0]).toMatchObject({ status: 'captured', captured: 900000 });
  });

  it('ORD-5/PAY-1: the payment confirmation shows in the order’s history as an automatic note with the provider’s message', async () => {
    const s = shop();
    const card = { code: 'vnpay', name: 'VNPay', kind: 'online', capture: 'automatic' };
    await s.ok(
      'od-3',
      'PlaceOrder',
      checkout('od-3', 'VND', { id: 'kh-3', name: 'Lê Chi' }, card, [
        { lineId: 'a', sku: 'NON', name: 'Nón lá', qty: 1, price: 200000, kind: 'physical' },
      ]),
      { kind: 'customer', id: 'kh-3' },
      '2026-11-24T02:00:00Z',
    );
    await s.ok(
      'od-3',
      'RecordSale',
      { paymentId: 'od-3-p1', amount: money(200000, 'VND'), providerMessage: 'Giao dịch thành công' },
      provider,
      '2026-11-24T02:01:00Z',
    );
    const history = statusHistory(project(statusHistoryProjection, s.log), 'od-3');
    expect(history.find((h) => h.event === 'PaymentCaptured')).toMatchObject({
      actor: provider,
      status: 'payment received: 200000 VND',
      remarks: { gateway: 'Giao dịch thành công' },
    });
    expect(history.map((h) => h.event).slice(0, 3)).toContain('OrderConfirmed');
  });

  it('CUS-2: a contact of a company sees every order of that company in "my account"', async () => {
    const s = shop();
    const wire = { code: 'wire', name: 'Chuyển khoản', kind: 'offline', capture: 'manual' };
    const line = [{ lineId: 'a', sku: 'X', name: 'X', qty: 1, price: 1000, kind: 'physical' }];
    await s.ok(
      'c-1',
      'PlaceOrder',
      checkout('c-1', 'VND', { id: 'u-1', name: 'A', companyId: 'cty' }, wire, line),
      { kind: 'customer', id: 'u-1', companyId: 'cty' },
      '2026-11-24T02:00:00Z',
    );
    await s.ok(
      'c-2',
      'PlaceOrder',
      checkout('c-2', 'VND', { id: 'u-2', name: 'B', companyId: 'cty' }, wire, line),
      { kind: 'customer', id: 'u-2', companyId: 'cty' },
      '2026-11-24T03:00:00Z',
    );
    await s.ok(
      'c-3',
      'PlaceOrder',
      checkout('c-3', 'VND', { id: 'u-3', name: 'C' }, wire, line),
      { kind: 'customer', id: 'u-3' },
      '2026-11-24T04:00:00Z',
    );
    const orders = project(ordersProjection, s.log);
    // The shop recorded u-1 and u-2 as contacts of cty (customers/directory.ts): access comes from there.
    const directory = { ...emptyDirectory, contacts: { cty: ['u-1', 'u-2'] } };
    expect(customerOrders(orders, { kind: 'customer', id: 'u-1' }, directory).map((o) => o.orderId)).toEqual([
      'c-2',
      'c-1',
    ]);
    expect(customerOrders(orders, { kind: 'customer', id: 'u-3' }).map((o) => o.orderId)).toEqual(['c-3']);
  });
});

describe('seed 001 — Pixpa client gallery (payment and fulfillment statuses)', () => {
  const offline = { code: 'virement', name: 'Virement bancaire', kind: 'offline', capture: 'manual' };
  const client: Actor = { kind: 'customer', id: 'cl-1' };
  const studio: Actor = { kind: 'admin', id: 'studio', name: 'Studio' };

  it('PAY-2/FUL-3: offline payment is "paiement en attente"; digital files unlock only when the studio marks it paid', async () => {
    const s = shop();
    await s.ok(
      'px-1',
      'PlaceOrder',
      checkout(
        'px-1',
        'EUR',
        { id: 'cl-1', name: 'Claire Martin', language: 'fr' },
        offline,
        [
          { lineId: 'hd', sku: 'HD-ZIP', name: 'Photos HD (téléchargement)', qty: 1, price: 4900, kind: 'digital' },
          { lineId: 'tirage', sku: 'TIRAGE-A4', name: 'Tirage A4', qty: 2, price: 1500, kind: 'physical' },
        ],
        { country: 'FR' },
      ),
      client,
      '2026-11-24T09:00:00Z',
    );
    let st = await s.state('px-1');
    expect(pixpaPaymentStatus(financialStatus(st))).toBe('pending');
    expect(st.fulfillment).toMatchObject({ status: 'unfulfilled', downloadsUnlocked: false });
    // "Marquer comme payé", with a status note e-mailed to the client.
    await s.ok(
      'px-1',
      'ConfirmOfflinePayment',
      {
        note: 'Virement reçu, merci !',
        noteVisibleToCustomer: true,
        notify: { email: true, sms: false, language: 'fr' },
      },
      studio,
      '2026-11-25T09:00:00Z',
    );
    st = await s.state('px-1');
    expect(pixpaPaymentStatus(financialStatus(st))).toBe('paid');
    expect(st.fulfillment.downloadsUnlocked).toBe(true);
    expect(s.notifications.at(-1)).toMatchObject({
      channels: ['email'],
      language: 'fr',
      note: 'Virement reçu, merci !',
    });
  });

  it('FUL-1: traité, en attente, expédié, exécuté — each with a note and an e-mail to the client', async () => {
    const s = shop();
    await s.ok(
      'px-2',
      'PlaceOrder',
      checkout(
        'px-2',
        'EUR',
        { id: 'cl-1', name: 'Claire Martin' },
        offline,
        [{ lineId: 'album', sku: 'ALBUM', name: 'Album photo', qty: 1, price: 12000, kind: 'physical' }],
        { country: 'FR' },
      ),
      client,
      '2026-11-24T09:00:00Z',
    );
    await s.ok('px-2', 'ConfirmOfflinePayment', {}, studio, '2026-11-24T10:00:00Z');
    const mail = { email: true, sms: false };
    await s.ok(
      'px-2',
      'MarkProcessed',
      { note: 'Album prêt à être expédié', noteVisibleToCustomer: true, notify: mail },
      studio,
      '2026-11-25T09:00:00Z',
    );
    await s.ok(
      'px-2',
      'HoldFulfillment',
      { reason: 'retard d’expédition', note: 'Rupture de papier', noteVisibleToCustomer: true, notify: mail },
      studio,
      '2026-11-25T10:00:00Z',
    );
    await s.ok('px-2', 'ReleaseFulfillmentHold', { note: 'Papier reçu' }, studio, '2026-11-26T09:00:00Z');
    await s.ok(
      'px-2',
      'ShipOrder',
      {
        shipmentId: 'colis-1',
        carrier: 'Colissimo',
        trackingReference: '6A999',
        note: 'Votre album est en route',
        noteVisibleToCustomer: true,
        notify: mail,
      },
      studio,
      '2026-11-26T10:00:00Z',
    );
    await s.ok('px-2', 'MarkDelivered', { note: 'Livré', notify: mail }, studio, '2026-11-28T10:00:00Z');
    expect((await s.state('px-2')).fulfillment.status).toBe('fulfilled');
    // CUS-2: the client's own history shows the hold she was e-mailed about, not the silent release.
    const mine = customerStatusHistory(
      project(ordersProjection, s.log),
      project(statusHistoryProjection, s.log),
      client,
      'px-2',
    ).map((entry) => entry.status);
    expect(mine).toContain('on hold: retard d’expédition');
    expect(mine).not.toContain('hold released');
    expect(s.notifications.map((n) => n.status)).toEqual([
      'processed (ready to ship)',
      'on hold: retard d’expédition',
      'shipped',
      'delivered',
    ]);
  });

  it('FUL-1: the status picker goes en attente -> traitée -> expédiée -> exécutée, each with its note e-mailed in French', async () => {
    const s = shop();
    await s.ok(
      'px-4',
      'PlaceOrder',
      checkout(
        'px-4',
        'EUR',
        { id: 'cl-1', name: 'Claire Martin', language: 'fr' },
        offline,
        [{ lineId: 'album', sku: 'ALBUM', name: 'Album photo', qty: 1, price: 12000, kind: 'physical' }],
        { country: 'FR' },
      ),
      client,
      '2026-11-24T09:00:00Z',
    );
    await s.ok('px-4', 'ConfirmOfflinePayment', {}, studio, '2026-11-24T10:00:00Z');
    const pick = (status: string, fulfillmentStatus: string, note: string, at: string) =>
      s.ok(
        'px-4',
        'ProcessOrder',
        { status, fulfillmentStatus, note, noteVisibleToCustomer: true, notify: { email: true, sms: false } },
        studio,
        at,
      );
    await pick('En attente', 'on_hold', 'Rupture de papier', '2026-11-25T09:00:00Z');
    await pick('Traitée', 'processed', 'Papier reçu, album prêt', '2026-11-26T09:00:00Z');
    await pick('Expédiée', 'shipped', 'Votre album est en route', '2026-11-26T10:00:00Z');
    const done = await pick('Exécutée', 'fulfilled', 'Livré, merci !', '2026-11-28T10:00:00Z');
    expect(done.fulfillment.status).toBe('fulfilled');
    expect(s.notifications.map((n) => [n.status, n.note, n.language])).toEqual([
      ['En attente', 'Rupture de papier', 'fr'],
      ['Traitée', 'Papier reçu, album prêt', 'fr'],
      ['Expédiée', 'Votre album est en route', 'fr'],
      ['Exécutée', 'Livré, merci !', 'fr'],
    ]);
  });

  it('FUL-1/FUL-2 (issue 10.2): the studio corrects a status: the album comes back undelivered, expédiée -> traitée, then ships again with a new tracking number the client is told', async () => {
    const s = shop();
    await s.ok(
      'px-7',
      'PlaceOrder',
      checkout(
        'px-7',
        'EUR',
        { id: 'cl-1', name: 'Claire Martin', language: 'fr' },
        offline,
        [{ lineId: 'album', sku: 'ALBUM', name: 'Album photo', qty: 1, price: 12000, kind: 'physical' }],
        { country: 'FR' },
      ),
      client,
      '2026-11-24T09:00:00Z',
    );
    await s.ok('px-7', 'ConfirmOfflinePayment', {}, studio, '2026-11-24T10:00:00Z');
    await s.ok(
      'px-7',
      'ShipOrder',
      { shipmentId: 'colis-1', carrier: 'La Poste', trackingReference: '6A111' },
      studio,
      '2026-11-25T09:00:00Z',
    );
    expect((await s.state('px-7')).fulfillment.status).toBe('shipped');
    // "Expédiée" was a mistake: the parcel came back, address unknown.
    const back = await s.ok(
      'px-7',
      'CancelShipment',
      { shipmentId: 'colis-1', reason: 'retour : adresse inconnue', returned: true },
      studio,
      '2026-11-27T09:00:00Z',
    );
    expect(back.fulfillment.status).toBe('processed');
    const again = await s.ok(
      'px-7',
      'ShipOrder',
      {
        shipmentId: 'colis-2',
        carrier: 'La Poste',
        trackingReference: '6A222',
        note: 'Nouvel envoi à la bonne adresse',
        notify: { email: true, sms: false },
      },
      studio,
      '2026-11-28T09:00:00Z',
    );
    expect(again.fulfillment.status).toBe('shipped');
    expect(again.fulfillment.shipments.map((shipment) => shipment.trackingReference)).toEqual(['6A222']);
    const told = s.notifications.at(-1);
    expect(told).toMatchObject({ note: 'Nouvel envoi à la bonne adresse', language: 'fr' });
    expect(JSON.stringify(told)).toContain('6A222');
  });

  it('PAY-2/PAY-5: cancelled order, refunded outside, then marked "remboursé"', async () => {
    const s = shop();
    await s.ok(
      'px-3',
      'PlaceOrder',
      checkout(
        'px-3',
        'EUR',
        { id: 'cl-1', name: 'Claire Martin' },
        offline,
        [{ lineId: 'album', sku: 'ALBUM', name: 'Album photo', qty: 1, price: 12000, kind: 'physical' }],
        { country: 'FR' },
      ),
      client,
      '2026-11-24T09:00:00Z',
    );
    await s.ok('px-3', 'ConfirmOfflinePayment', {}, studio, '2026-11-24T10:00:00Z');
    await s.ok(
      'px-3',
      'CancelOrder',
      { reason: 'annulée par la cliente', notify: { email: true, sms: false } },
      studio,
      '2026-11-24T11:00:00Z',
    );
    const st = await s.ok(
      'px-3',
      'RefundPayment',
      { refundId: 'rb-1', external: true, note: 'Remboursé par virement' },
      studio,
      '2026-11-24T12:00:00Z',
    );
    expect(st.fulfillment.status).toBe('cancelled');
    expect(pixpaPaymentStatus(financialStatus(st))).toBe('refunded');
  });
});

describe('seed 002 — ec2Biz purchase orders (order administration)', () => {
  const hkd = (amount: number) => money(amount, 'HKD');
  const card = { code: 'paypal', name: 'PayPal', kind: 'online', capture: 'automatic' };
  const member: Actor = { kind: 'customer', id: 'm-88' };
  const buyer = { id: 'm-88', name: '陳大文', group: 'VIP', language: 'zh-Hant' };
  const place = (orderId: string, extra: Record<string, unknown> = {}) =>
    checkout(
      orderId,
      'HKD',
      buyer,
      card,
      [{ lineId: 'tea', sku: 'TEA', name: '普洱茶', qty: 2, price: 18000, kind: 'physical' }],
      {
        country: 'HK',
        ip: '203.0.113.9',
        ipCountry: 'HK',
        remark: '請於週末送貨',
        ...extra,
      },
    );

  it('ORD-2: an unfinished online payment leaves a pending order the admin confirms by hand after checking the gateway', async () => {
    const s = shop();
    await s.ok('ec-1', 'PlaceOrder', place('ec-1'), member, '2026-11-24T02:00:00Z');
    expect((await s.state('ec-1')).status).toBe('pending');
    expect(listOrders(project(ordersProjection, s.log), { status: ['pending'] }).map((o) => o.orderId)).toEqual([
      'ec-1',
    ]);
    await s.ok('ec-1', 'RecordOrder', { note: '已在付款閘道確認收款' }, admin, '2026-11-24T05:00:00Z');
    expect((await s.state('ec-1')).status).toBe('recorded');
  });

  it('NOT-1: a new order is confirmed to the customer by e-mail and the admin is alerted by e-mail, SMS and fax once it is recorded', async () => {
    const s = shop({
      ...defaultShopSettings,
      newOrderNotifications: { customerEmail: true, adminChannels: ['email', 'sms', 'fax'] },
    });
    await s.ok('ec-9', 'PlaceOrder', place('ec-9'), member, '2026-11-24T02:00:00Z');
    // Still "待完成的訂單": the online payment has not gone through.
    expect(s.newOrder).toEqual([]);
    await s.ok('ec-9', 'RecordSale', { paymentId: 'ec-9-p1', amount: hkd(36000) }, system, '2026-11-24T02:02:00Z');
    expect(s.newOrder).toEqual([
      { kind: 'order-confirmation', orderId: 'ec-9', at: '2026-11-24T02:02:00Z', channels: ['email'] },
      { kind: 'new-order-alert', orderId: 'ec-9', at: '2026-11-24T02:02:00Z', channels: ['email', 'sms', 'fax'] },
    ]);
    // Paying again later records nothing new and confirms nothing twice.
    await s.ok('ec-9', 'RecordOrder', {}, admin, '2026-11-24T03:00:00Z');
    expect(s.newOrder).toHaveLength(2);
  });

  it('ORD-2: a successful online payment turns the pending order into a recorded one on its own', async () => {
    const s = shop();
    await s.ok('ec-2', 'PlaceOrder', place('ec-2'), member, '2026-11-24T02:00:00Z');
    await s.ok(
      'ec-2',
      'RecordSale',
      { paymentId: 'ec-2-p1', amount: hkd(36000), providerMessage: 'Completed' },
      system,
      '2026-11-24T02:02:00Z',
    );
    expect((await s.state('ec-2')).status).toBe('confirmed');
  });

  it('ORD-4/ORD-5: process order with status, note, points, dates, tracking, e-mail + SMS; history newest first with every remark', async () => {
    const s = shop();
    await s.ok('ec-3', 'PlaceOrder', place('ec-3'), member, '2026-11-24T02:00:00Z');
    await s.ok(
      'ec-3',
      'RecordSale',
      { paymentId: 'ec-3-p1', amount: hkd(36000), providerMessage: 'PayPal: Completed' },
      { kind: 'provider', id: 'paypal' },
      '2026-11-24T02:02:00Z',
    );
    await s.ok(
      'ec-3',
      'ProcessOrder',
      {
        status: '已寄出',
        note: '貨品已經寄出',
        noteVisibleToCustomer: true,
        loyaltyPoints: 360,
        loyaltyPointsApproved: true,
        shipDate: '2026-11-25T01:00:00Z',
        deliveryDate: '2026-11-26T01:00:00Z',
        trackingReference: 'RR123456789HK',
        notify: { email: true, sms: true, language: 'zh-Hant', keepCopy: true },
        mailLanguage: 'zh-Hant',
        keepMailCopy: true,
        fulfillmentStatus: 'shipped',
      },
      admin,
      '2026-11-25T01:00:00Z',
    );
    const history = statusHistory(project(statusHistoryProjection, s.log), 'ec-3');
    expect(history[0]).toMatchObject({ status: 'shipped' });
    expect(history[1]).toMatchObject({
      status: '已寄出',
      email: true,
      sms: true,
      language: 'zh-Hant',
      keepCopy: true,
      remarks: { admin: '貨品已經寄出' },
      actor: admin,
    });
    expect(history.find((h) => h.remarks.gateway !== undefined)?.remarks.gateway).toBe('PayPal: Completed');
    expect(history.at(-1)?.remarks.customer).toBe('請於週末送貨');
    const st = await s.state('ec-3');
    expect(st.processing).toMatchObject({
      loyaltyPoints: 360,
      loyaltyPointsApproved: true,
      trackingReference: 'RR123456789HK',
    });
    expect(s.notifications).toMatchObject([{ status: '已寄出', channels: ['email', 'sms'], keepCopy: true }]);
  });

  it('ORD-7/ORD-8: IP country differs from the buyer’s: flagged and held 24 hours; a recorded order ships only once paid', async () => {
    const s = shop();
    await s.ok('ec-4', 'PlaceOrder', place('ec-4', { ipCountry: 'NG' }), member, '2026-11-24T02:00:00Z');
    const held = await s.state('ec-4');
    expect(held.details?.fraudSignals).toEqual(['ip_country_differs_from_billing', 'ip_country_differs_from_shipping']);
    expect(held.fulfillment).toMatchObject({ status: 'on_hold', hold: { until: '2026-11-25T02:00:00.000Z' } });
    await s.ok('ec-4', 'RecordOrder', {}, admin, '2026-11-24T03:00:00Z');
    const unpaid = await s.send('ec-4', 'ShipOrder', { shipmentId: 'x' }, admin, '2026-11-25T03:00:00Z');
    expect(E.isLeft(unpaid) && unpaid.left.kind === 'domain' && unpaid.left.code).toBe('payment-not-confirmed');
    await s.ok('ec-4', 'RecordSale', { paymentId: 'ec-4-p1', amount: hkd(36000) }, system, '2026-11-24T04:00:00Z');
    const early = await s.send('ec-4', 'ShipOrder', { shipmentId: 'y' }, admin, '2026-11-24T20:00:00Z');
    expect(E.isLeft(early) && early.left.kind === 'domain' && early.left.code).toBe('fulfillment-on-hold');
    await s.ok('ec-4', 'ShipOrder', { shipmentId: 'z' }, admin, '2026-11-25T03:00:00Z');
  });

  it('ORD-7 (issue 10.1): once the 24 hours have passed the hold is over: the admin marks the order processed without shipping it, and the list no longer shows it on hold', async () => {
    const s = shop();
    await s.ok('ec-5', 'PlaceOrder', place('ec-5', { ipCountry: 'NG' }), member, '2026-11-24T02:00:00Z');
    await s.ok('ec-5', 'RecordSale', { paymentId: 'ec-5-p1', amount: hkd(36000) }, system, '2026-11-24T04:00:00Z');
    const early = await s.send('ec-5', 'MarkProcessed', {}, admin, '2026-11-24T20:00:00Z');
    expect(E.isLeft(early)).toBe(true);
    const processed = await s.ok('ec-5', 'MarkProcessed', { note: '已核實買家身份' }, admin, '2026-11-25T03:00:00Z');
    expect(processed.fulfillment.status).toBe('processed');
    expect(listOrders(project(ordersProjection, s.log), { fulfillmentStatus: ['on_hold'] })).toEqual([]);
  });

  it('ORD-2 (issue 10.4): the admin confirms a pending order in one action after checking the gateway; it can ship at once', async () => {
    const s = shop();
    await s.ok('ec-6', 'PlaceOrder', place('ec-6'), member, '2026-11-24T02:00:00Z');
    expect((await s.state('ec-6')).status).toBe('pending');
    const confirmed = await s.ok(
      'ec-6',
      'ConfirmOrder',
      { paymentReceived: true, note: '已在付款閘道確認收款' },
      admin,
      '2026-11-24T05:00:00Z',
    );
    expect(confirmed.status).toBe('confirmed');
    await s.ok('ec-6', 'ShipOrder', { shipmentId: 'sf-1', carrier: 'SF Express' }, admin, '2026-11-24T06:00:00Z');
  });

  it("ORD-4/FUL-2 (issue 10.2): shipping data is corrected after the fact; the history and the customer's view show the corrected tracking number", async () => {
    const s = shop();
    await s.ok('ec-7', 'PlaceOrder', place('ec-7'), member, '2026-11-24T02:00:00Z');
    await s.ok('ec-7', 'RecordSale', { paymentId: 'ec-7-p1', amount: hkd(36000) }, system, '2026-11-24T02:01:00Z');
    await s.ok(
      'ec-7',
      'ShipOrder',
      { shipmentId: 'sf-1', carrier: 'SF Express', trackingReference: 'SF100' },
      admin,
      '2026-11-24T06:00:00Z',
    );
    const fixed = await s.ok(
      'ec-7',
      'AmendShipment',
      { shipmentId: 'sf-1', trackingReference: 'SF101', note: '更正運單號碼', notify: { email: true, sms: true } },
      admin,
      '2026-11-24T08:00:00Z',
    );
    expect(fixed.fulfillment.shipments[0]?.trackingReference).toBe('SF101');
    const history = statusHistory(project(statusHistoryProjection, s.log), 'ec-7');
    expect(history[0]).toMatchObject({ event: 'ShipmentAmended', status: 'shipment corrected' });
    // The customer is told, with the corrected number (NOT-2).
    expect(JSON.stringify(s.notifications.at(-1))).toContain('SF101');
    const view = customerOrders(project(ordersProjection, s.log), member, emptyDirectory);
    expect(JSON.stringify(view)).toContain('SF101');
    expect(JSON.stringify(view)).not.toContain('SF100');
  });

  it('ORD-6/ORD-10: a duplicate order is deleted (discarded, reason kept); the printed receipt escapes customer text', async () => {
    const s = shop();
    await s.ok('ec-5', 'PlaceOrder', place('ec-5', { remark: '<b>急件</b>' }), member, '2026-11-24T02:00:00Z');
    await s.ok('ec-6', 'PlaceOrder', place('ec-6'), member, '2026-11-24T02:01:00Z');
    await s.ok('ec-6', 'DiscardOrder', { reason: 'duplicate', duplicateOf: 'ec-5' }, admin, '2026-11-24T03:00:00Z');
    const orders = project(ordersProjection, s.log);
    expect(listOrders(orders).map((o) => o.orderId)).toEqual(['ec-5']);
    expect(listOrders(orders, { includeDiscarded: true })).toHaveLength(2);
    const html = renderOrderSummaryHtml(await s.state('ec-5'));
    expect(html).toContain('&lt;b&gt;急件&lt;/b&gt;');
    expect(html).toContain('普洱茶');
  });
});

/**
 * Seed 003 (RetailCRM, Russian, 003_43af412c64820e24.txt): a payment link
 * is paid only in full ("оплатить меньше — невозможно"), "если клиент изменил
 * заказ — ничего страшного, будет еще один аванс", and a partial refund "доступен
 * только из ЛК банка" (made in the bank's dashboard, so the order learns of it
 * from the bank). Issue 9: the bank's reports are facts.
 */
describe('seed 003 — RetailCRM payments and refunds (asynchronous outcomes, overpayment)', () => {
  const bank: Actor = { kind: 'provider', id: 'sberbank' };
  const manager: Actor = { kind: 'admin', id: 'mgr-1', name: 'Менеджер' };
  const sbp = { code: 'sbp', name: 'СБП', kind: 'online', capture: 'automatic' };
  const tea = [{ lineId: 'tea', sku: 'TEA', name: 'Чай пуэр', qty: 2, price: 150000, kind: 'physical' }];
  const placed = async () => {
    const s = shop();
    await s.ok(
      'rc-1',
      'PlaceOrder',
      checkout('rc-1', 'RUB', { id: 'k-1', name: 'Анна' }, sbp, tea, { country: 'RU' }),
      { kind: 'customer', id: 'k-1' },
      '2026-11-24T09:00:00Z',
    );
    await s.ok(
      'rc-1',
      'RecordSale',
      { paymentId: 'rc-1-p1', amount: money(300000, 'RUB'), providerEventId: 'sb-1' },
      bank,
      '2026-11-24T09:05:00Z',
    );
    return s;
  };

  it('PAY-3/PAY-5: the customer changed the order after paying: one more advance for the difference; a cheaper order is overpaid and the excess goes back', async () => {
    const s = await placed();
    await s.ok('rc-1', 'ChangeOrderLine', { lineId: 'tea', qty: 3 }, manager, '2026-11-24T10:00:00Z');
    // The link asks for the difference only, and is paid in full.
    const more = await s.send(
      'rc-1',
      'RequestPayment',
      { paymentId: 'rc-1-p2', amount: money(300000, 'RUB'), method: sbp, channel: 'sbp' },
      manager,
      '2026-11-24T10:01:00Z',
    );
    expect(E.isLeft(more) && more.left.code).toBe('amount-exceeds-balance');
    await s.ok(
      'rc-1',
      'RequestPayment',
      { paymentId: 'rc-1-p2', amount: money(150000, 'RUB'), method: sbp, channel: 'telegram' },
      manager,
      '2026-11-24T10:02:00Z',
    );
    const less = await s.send(
      'rc-1',
      'RecordSale',
      { paymentId: 'rc-1-p2', amount: money(100000, 'RUB') },
      bank,
      '2026-11-24T10:03:00Z',
    );
    expect(E.isLeft(less) && less.left.code).toBe('amount-mismatch');
    await s.ok(
      'rc-1',
      'RecordSale',
      { paymentId: 'rc-1-p2', amount: money(150000, 'RUB'), providerEventId: 'sb-2' },
      bank,
      '2026-11-24T10:04:00Z',
    );
    expect(financialStatus(await s.state('rc-1'))).toBe('paid');
    // Then she takes one back off: the order is overpaid, and RefundExcess gives back exactly that.
    const overpaid = await s.ok('rc-1', 'ChangeOrderLine', { lineId: 'tea', qty: 2 }, manager, '2026-11-24T11:00:00Z');
    expect(financialStatus(overpaid)).toBe('overpaid');
    const back = await s.ok('rc-1', 'RefundExcess', { refundId: 'rc-x1' }, manager, '2026-11-24T11:01:00Z');
    expect(back.payments.map((p) => p.refunded)).toEqual([0, 150000]);
    expect(financialStatus(back)).toBe('partially_refunded');
  });

  it('PAY-5: a partial refund made in the bank’s dashboard arrives as the bank’s report: recorded, flagged unknown; a repeated webhook changes nothing', async () => {
    const s = await placed();
    const st = await s.ok(
      'rc-1',
      'ConfirmRefund',
      { refundId: 'lk-77', paymentId: 'rc-1-p1', amount: money(50000, 'RUB'), providerEventId: 'sb-r1' },
      bank,
      '2026-11-25T09:00:00Z',
    );
    expect(st.payments[0]?.refunded).toBe(50000);
    expect(s.log.find((e) => e.event.type === 'PaymentRefunded')?.event.data).toMatchObject({ request: 'unknown' });
    const again = await s.ok(
      'rc-1',
      'ConfirmRefund',
      { refundId: 'lk-78', paymentId: 'rc-1-p1', amount: money(50000, 'RUB'), providerEventId: 'sb-r1' },
      bank,
      '2026-11-25T09:00:05Z',
    );
    expect(again.payments[0]?.refunded).toBe(50000);
  });

  it('PAY-5/REC-1: the manager asks for a refund and the bank answers later; it reports more than the payment took: recorded, over-refunded, put right by a new payment', async () => {
    const s = await placed();
    await s.ok(
      'rc-1',
      'RequestRefund',
      { refundId: 'rf-1', paymentId: 'rc-1-p1', amount: money(300000, 'RUB'), expiresAt: '2026-11-27T09:00:00Z' },
      manager,
      '2026-11-25T09:00:00Z',
    );
    expect(financialStatus(await s.state('rc-1'))).toBe('paid');
    // A dashboard refund of 20,000 went through meanwhile, and the bank confirms the full request as well.
    await s.ok(
      'rc-1',
      'ConfirmRefund',
      { refundId: 'lk-1', paymentId: 'rc-1-p1', amount: money(20000, 'RUB'), providerEventId: 'sb-r2' },
      bank,
      '2026-11-25T10:00:00Z',
    );
    const over = await s.ok(
      'rc-1',
      'ConfirmRefund',
      { refundId: 'rf-1', amount: money(300000, 'RUB'), providerEventId: 'sb-r3' },
      bank,
      '2026-11-25T11:00:00Z',
    );
    expect(financialStatus(over)).toBe('over_refunded');
    expect(pixpaPaymentStatus(financialStatus(over))).toBe('refunded');
    await s.ok(
      'rc-1',
      'RequestPayment',
      { paymentId: 'rc-1-back', amount: money(20000, 'RUB'), method: sbp, channel: 'sbp' },
      manager,
      '2026-11-25T12:00:00Z',
    );
    const righted = await s.ok(
      'rc-1',
      'RecordSale',
      { paymentId: 'rc-1-back', amount: money(20000, 'RUB'), providerEventId: 'sb-4' },
      bank,
      '2026-11-25T12:05:00Z',
    );
    expect(financialStatus(righted)).toBe('refunded');
  });
});
