import * as E from 'fp-ts/lib/Either.js';
import { listOrders } from '@ordersource/domain';
import type { Actor } from '@ordersource/core';
import { checkoutBody, subscriptionBody } from './fixtures.js';
import type { Shop } from './shop/shop.js';

/**
 * A first look for an empty store: two guest orders of Olga (Russian; SO-1003
 * paid and delivered, ready for a return), one of Maryam (Persian, a contact
 * of Parsian Trading), and a closable
 * subscription of Olga's. The invitation links of the confirmations are
 * printed, as the console "sends" them.
 */
export const seedShop = async (shop: Shop): Promise<string[]> => {
  if (listOrders(await shop.ordersModel(), { includeDiscarded: true }).length > 0) return [];
  const at = new Date().toISOString();
  const admin: Actor = { kind: 'admin', id: 'seed' };
  const lines: string[] = ['seeded an empty store:'];
  const place = async (orderId: string, body: Record<string, unknown>, customerId: string) => {
    const handled = await shop.orderCommand(
      orderId,
      { type: 'PlaceOrder', data: body },
      { commandId: `seed-${orderId}`, actor: { kind: 'customer', id: customerId }, at },
    );
    if (E.isLeft(handled)) throw new Error(handled.left.message);
    lines.push(`order ${orderId}: invitation ${shop.invitationFor(orderId) ?? '(none)'}`);
  };
  await shop.companyCommand(
    'parsian',
    { type: 'RegisterCompany', data: { companyId: 'parsian', name: 'Parsian Trading' } },
    { commandId: 'seed-company', actor: admin, at },
  );
  await shop.companyCommand(
    'parsian',
    { type: 'AddCompanyContact', data: { customerId: 'cust-maryam' } },
    { commandId: 'seed-contact', actor: admin, at },
  );
  const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
  const maryam = {
    id: 'cust-maryam',
    name: 'Maryam Karimi',
    email: 'maryam@example.ir',
    language: 'fa',
    companyId: 'parsian',
  };
  await place(
    'SO-1001',
    checkoutBody({ orderId: 'SO-1001', orderNumber: 'SO-1001', customer: olga, remark: 'Please call before delivery' }),
    olga.id,
  );
  await place(
    'SO-1002',
    checkoutBody({ orderId: 'SO-1002', orderNumber: 'SO-1002', customer: maryam, offline: true }),
    maryam.id,
  );
  // Issue 17: an order of Olga's already paid and delivered, so a return can be tried from her portal at once.
  await place(
    'SO-1003',
    checkoutBody({ orderId: 'SO-1003', orderNumber: 'SO-1003', customer: olga, offline: true }),
    olga.id,
  );
  for (const [type, data] of [
    ['ConfirmOfflinePayment', {}],
    ['ShipOrder', { shipmentId: 'SO-1003-s1', carrier: 'CDEK', trackingReference: 'CDEK-1003' }],
    ['MarkDelivered', {}],
  ] as const) {
    const handled = await shop.orderCommand(
      'SO-1003',
      { type, data },
      { commandId: `seed-SO-1003-${type}`, actor: admin, at },
    );
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
  lines.push('order SO-1003 is delivered: request a return from its page in the portal (issue 17)');
  const started = await shop.subscriptionCommand(
    'sub-olga-coffee',
    { type: 'StartSubscription', data: subscriptionBody('sub-olga-coffee', olga) },
    { commandId: 'seed-sub', actor: admin, at },
  );
  if (E.isLeft(started)) throw new Error(started.left.message);
  await shop.notifier.drain();
  return lines;
};
