import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '@ordersource/notify-smtp';
import {
  startLoopbackSmtp,
  type LoopbackSmtp,
} from '../../../../packages/notify-smtp/src/test-support/loopback-smtp.js';
import { checkoutBody } from '../fixtures.js';
import { adminToken, bearer, json, placeOrder, signUp, startTestShop, type TestShop } from '../test-support/shop.js';

/**
 * Issue 17 (NOT-1, NOT-2, NOT-3) through the example's real SMTP path: the
 * shop sends to a real SMTP server on loopback (a socket, smtp-server), as it
 * does when `transport` is an smtp:// URL. A customer asks for a return of
 * delivered socks; the shop hears of it; the admin confirms and receives the
 * goods; the customer gets, in Russian, "request registered", "accepted",
 * "goods arrived" and "money returned", each recorded on the order.
 */
const olga = { id: 'cust-olga-mail', name: 'Olga Petrova', email: 'olga.mail@example.ru', language: 'ru' };
let smtp: LoopbackSmtp;
let shop: TestShop;
let admin: string;

const orderCommand = async (orderId: string, type: string, body: unknown) => {
  const response = await fetch(`${shop.url}/api/orders/${orderId}/commands/${type}`, json(body, bearer(admin)));
  expect(response.status, `${type}: ${await response.clone().text()}`).toBe(200);
};

const changeCommand = async (changeId: string, type: string, body: unknown, token: string) => {
  const response = await fetch(`${shop.url}/api/order-changes/${changeId}/commands/${type}`, json(body, bearer(token)));
  expect(response.status, `${type}: ${await response.clone().text()}`).toBe(200);
};

const mailsTo = (address: string) =>
  smtp.received.filter((r) => r.mail.to !== undefined && JSON.stringify(r.mail.to).includes(address));

beforeAll(async () => {
  // The example's SMTP URL carries no TLS settings: the loopback server offers STARTTLS with a self-signed certificate.
  smtp = await startLoopbackSmtp();
  shop = await startTestShop({ transport: `smtp://127.0.0.1:${smtp.port}?tls-reject-unauthorized=false` });
  admin = await adminToken(shop.url);
});
afterAll(async () => {
  await shop.stop();
  await smtp.stop();
});

describe('issue 17: a return ends with the customer’s e-mails and the shop’s alert, over SMTP', () => {
  it('requested, accepted, received, refunded in her language; the alert to the shop; each recorded on the order', async () => {
    const orderId = 'mail-o1';
    await placeOrder(shop.url, checkoutBody({ orderId, orderNumber: 'SO-MAIL-1', customer: olga, offline: true }));
    await orderCommand(orderId, 'ConfirmOfflinePayment', {});
    await orderCommand(orderId, 'ShipOrder', { shipmentId: 's-mail', carrier: 'CDEK', trackingReference: 'T-MAIL' });
    await orderCommand(orderId, 'MarkDelivered', {});
    await shop.shop.notifier.drain();
    await signUp(shop, orderId, 'olga-password-1');
    const login = await fetch(
      `${shop.url}/api/session/customer`,
      json({ email: olga.email, password: 'olga-password-1' }),
    );
    const olgaToken = ((await login.json()) as { token: string }).token;
    const before = mailsTo(olga.email).length;

    const begun = await fetch(
      `${shop.url}/api/orders/${orderId}/changes`,
      json({ kind: 'return', changeId: 'mail-ret-1' }, bearer(olgaToken)),
    );
    expect(begun.status, await begun.clone().text()).toBe(201);
    await changeCommand(
      'mail-ret-1',
      'StageReturnItem',
      { item: { lineId: 'l2', qty: 2, reason: 'wrong-size' } },
      olgaToken,
    );
    await changeCommand('mail-ret-1', 'RequestOrderChange', {}, olgaToken);
    await changeCommand('mail-ret-1', 'ConfirmOrderChange', { refundTo: 'store-credit' }, admin);
    await changeCommand(
      'mail-ret-1',
      'ReceiveReturn',
      { items: [{ lineId: 'l2', qty: 2, condition: 'sellable', restock: true }] },
      admin,
    );
    await shop.shop.notifier.drain();
    expect((await shop.shop.change('mail-ret-1'))?.state.status).toBe('applied');

    const customerMails = mailsTo(olga.email).slice(before);
    // The queue sends two at a time: a step's mails may arrive in either order when one command makes two steps.
    expect(customerMails.map((m) => m.mail.subject).sort()).toEqual(
      [
        'Заказ SO-MAIL-1: мы получили вашу заявку (возврат)',
        'Заказ SO-MAIL-1: ваша заявка (возврат) принята',
        'Заказ SO-MAIL-1: мы получили ваш возврат',
        'Заказ SO-MAIL-1: деньги возвращены',
      ].sort(),
    );
    const requested = customerMails.find((m) => m.mail.subject?.includes('заявку') === true)?.mail;
    expect(requested?.text).toContain('Здравствуйте, Olga Petrova!');
    expect(requested?.text).toMatch(/Причина: .+\./);
    expect(requested?.headers.get('content-language')).toBe('ru');

    const alerts = mailsTo('orders@shop.example').filter((m) => m.mail.subject?.includes('SO-MAIL-1'));
    expect(alerts.map((m) => m.mail.subject)).toContain('Order SO-MAIL-1: a return request waits for your answer');
    const alert = alerts.find((m) => m.mail.subject?.includes('return request'))?.mail.text ?? '';
    expect(alert).toContain('Customer: Olga Petrova');
    expect(alert).toContain(`/admin/orders/${orderId}`);

    // NOT-3: each e-mail that went out is on the order's history, once, by the intent's id.
    const recorded: { notificationId: string; about?: string; audience: string }[] = [];
    for await (const e of shop.shop.store.read(`order-${orderId}`))
      if (e.event.type === 'NotificationSent') recorded.push(e.event.data as (typeof recorded)[number]);
    const changeRecords = recorded.filter((r) => r.about?.startsWith('return ') === true);
    expect(changeRecords.map((r) => `${r.audience}:${r.about}`).sort()).toEqual(
      [
        'admin:return requested',
        'customer:return requested',
        'customer:return confirmed',
        'customer:return received',
        'customer:return applied',
      ].sort(),
    );
    expect(new Set(changeRecords.map((r) => r.notificationId)).size).toBe(5);
    // The Message-ID is the intent's id: a re-run sends the same message, which a receiver drops.
    const localPart = (messageId: string) => messageId.slice(1, messageId.lastIndexOf('@'));
    expect(customerMails.map((m) => localPart(m.mail.messageId ?? '')).sort()).toEqual(
      changeRecords
        .filter((r) => r.audience === 'customer')
        .map((r) => localPart(messageIdFor(r.notificationId, 'x')))
        .sort(),
    );
    // The admin page's list of the change's notifications is kept.
    const listed = shop.shop
      .changeNotificationsFor(orderId)
      .map((n) => `${n.notification.audience}:${n.notification.step}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'admin:requested',
        'customer:requested',
        'customer:confirmed',
        'customer:received',
        'customer:applied',
      ]),
    );
  });
});
