import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { project, type Actor, type Envelope } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { orderStreamId, type OrderEvent } from '../events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from '../examples.js';
import { emptyDirectory, type Directory } from '../../customers/directory.js';
import { simulateOrder } from '../simulate.js';
import { customerOrder, customerOrders, customerStatusHistory } from './customer-orders.js';
import { renderOrderSummaryHtml, renderOrderSummaryText } from './order-summary.js';
import { listOrders, orderDetail, ordersProjection } from './orders.js';
import { statusHistory, statusHistoryProjection } from './status-history.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-24T11:00:00Z';

let position = 0;
/** Run commands on one order and wrap the events as the store would. */
const envelopes = (orderId: string, commands: readonly OrderCommand[]): Envelope<OrderEvent>[] => {
  const result = simulateOrder(commands);
  if (E.isLeft(result)) throw new Error(`${result.left.command.type}: ${result.left.error.message}`);
  // Each event keeps the actor and time of the command that caused it.
  const out: Envelope<OrderEvent>[] = [];
  let version = 0;
  for (const [index, cmd] of commands.entries()) {
    const before = simulateOrder(commands.slice(0, index));
    const after = simulateOrder(commands.slice(0, index + 1));
    if (E.isLeft(before) || E.isLeft(after)) throw new Error('unreachable: the whole run succeeded');
    for (const event of after.right.events.slice(before.right.events.length))
      out.push({
        event,
        eventId: `${orderId}-${version}`,
        streamId: orderStreamId(orderId),
        streamVersion: version++,
        globalPosition: String(++position),
        occurredAt: cmd.metadata.at,
        recordedAt: cmd.metadata.at,
        actor: cmd.metadata.actor,
        schemaVersion: 1,
      });
  }
  return out;
};

const checkout = (orderId: string, orderNumber: string, customer: { id: string; name: string; companyId?: string }) =>
  command('PlaceOrder', sampleCheckout({ orderId, orderNumber, customer }), T0, { kind: 'customer', id: customer.id });

const lan = { id: 'c-1', name: 'Lan Nguyen' };
const marie = { id: 'c-2', name: 'Marie Dupont', companyId: 'acme' };
const paul = { id: 'c-3', name: 'Paul Martin', companyId: 'acme' };

const all = [
  ...envelopes('o-1', [
    checkout('o-1', 'SO-1', lan),
    command(
      'AuthorizePayment',
      { paymentId: 'pay-1', amount: eur(2100), providerMessage: 'Approved by gateway' },
      T1,
      actors.provider,
    ),
    command('ConfirmOrder', {}, T1, actors.system),
    command(
      'ProcessOrder',
      {
        status: 'Packing',
        note: 'We are packing your tea',
        noteVisibleToCustomer: true,
        notify: { email: true, sms: true, language: 'vi' },
      },
      T2,
    ),
    command('ProcessOrder', { status: 'Checked stock', note: 'internal: 2 left' }, T2),
  ]),
  ...envelopes('o-2', [checkout('o-2', 'SO-2', marie)]),
  ...envelopes('o-3', [
    checkout('o-3', 'SO-3', paul),
    command('DiscardOrder', { reason: 'duplicate', duplicateOf: 'o-2' }, T1),
  ]),
];
const orders = project(ordersProjection, all);
const history = project(statusHistoryProjection, all);

describe('admin order list', () => {
  it('PAY-2: filters by payment status, with Pixpa’s three statuses alongside', () => {
    expect(listOrders(orders, { financialStatus: ['authorized'] }).map((o) => o.orderNumber)).toEqual(['SO-1']);
    expect(
      listOrders(orders, { paymentStatus: ['pending'] })
        .map((o) => o.orderNumber)
        .sort(),
    ).toEqual(['SO-1', 'SO-2']);
  });

  it('FUL-1: filters by fulfillment status; ORD-6: discarded orders are hidden unless asked for', () => {
    expect(listOrders(orders, { fulfillmentStatus: ['unfulfilled'] })).toHaveLength(2);
    expect(listOrders(orders, { includeDiscarded: true })).toHaveLength(3);
    expect(orderDetail(orders, 'o-3')?.order.discarded?.reason).toBe('duplicate');
  });

  it('ORD-7: filter flagged orders; pages of the newest-first list', () => {
    expect(listOrders(orders, { fraudFlagged: true })).toEqual([]);
    expect(listOrders(orders, { fraudFlagged: false })).toHaveLength(2);
    const all = listOrders(orders, { includeDiscarded: true }).map((o) => o.orderId);
    expect(listOrders(orders, { includeDiscarded: true, offset: 1, limit: 1 }).map((o) => o.orderId)).toEqual([all[1]]);
  });

  it('ORD-1: search by order number or customer name', () => {
    expect(listOrders(orders, { search: 'so-2' }).map((o) => o.orderId)).toEqual(['o-2']);
    expect(listOrders(orders, { search: 'nguyen' }).map((o) => o.orderId)).toEqual(['o-1']);
  });
});

describe('status history (ORD-5)', () => {
  it('ORD-5: every change with date, status, who, e-mail/SMS flags and remarks, newest first', () => {
    const entries = statusHistory(history, 'o-1');
    expect(entries.map((e) => e.status)).toEqual([
      'Checked stock',
      'Packing',
      'order confirmed',
      'order recorded',
      'downloads unlocked',
      'payment authorized: 21.00 EUR',
      'payment requested: 21.00 EUR',
      'order placed (pending)',
    ]);
    expect(entries[1]).toMatchObject({
      at: T2,
      actor: actors.admin,
      email: true,
      sms: true,
      language: 'vi',
      remarks: { admin: 'We are packing your tea' },
    });
    expect(entries[5]?.remarks).toEqual({ gateway: 'Approved by gateway' });
    expect(entries[7]?.remarks).toEqual({ customer: 'Please ring twice' });
    expect(entries[0]).toMatchObject({ email: false, sms: false });
  });
});

describe('notifications in the history (NOT-3)', () => {
  it('NOT-3: a notification sent shows with its channels, time and what it reported; a customer send ticks the e-mail/SMS columns', () => {
    const log = envelopes('o-9', [
      checkout('o-9', 'SO-9', marie),
      command(
        'RecordNotificationSent',
        { notificationId: 'n-1', audience: 'customer', channels: ['email', 'sms'], about: 'order confirmation' },
        T1,
        actors.system,
      ),
      command(
        'RecordNotificationSent',
        { notificationId: 'n-2', audience: 'admin', channels: ['fax'] },
        T1,
        actors.system,
      ),
    ]);
    const [toShop, toCustomer] = statusHistory(project(statusHistoryProjection, log), 'o-9');
    expect(toCustomer).toMatchObject({
      at: T1,
      event: 'NotificationSent',
      status: 'customer notified by email, sms: order confirmation',
      email: true,
      sms: true,
    });
    expect(toShop).toMatchObject({ status: 'shop notified by fax', email: false, sms: false });
    // CUS-2: the customer sees her own notification, not the shop's alert.
    const mine = customerStatusHistory(
      project(ordersProjection, log),
      project(statusHistoryProjection, log),
      { kind: 'customer', id: marie.id },
      'o-9',
    );
    expect(mine.map((e) => e.status)).toEqual([
      'customer notified by email, sms: order confirmation',
      'payment requested: 21.00 EUR',
      'order placed (pending)',
    ]);
  });
});

describe('my account (CUS-2, CUS-3)', () => {
  const asCustomer = (id: string, companyId?: string): Actor =>
    companyId === undefined ? { kind: 'customer', id } : { kind: 'customer', id, companyId };
  /** What the shop recorded: Marie and Paul are contacts of acme (customers/directory.ts). */
  const directory: Directory = { ...emptyDirectory, contacts: { acme: ['c-2', 'c-3'] } };

  it('CUS-2: a customer sees her orders; a company contact sees the company’s (but not discarded ones)', () => {
    expect(customerOrders(orders, asCustomer('c-1')).map((o) => o.orderId)).toEqual(['o-1']);
    expect(customerOrders(orders, asCustomer('c-3', 'acme'), directory).map((o) => o.orderId)).toEqual(['o-2']);
  });

  it('CUS-3: company access comes from the directory, not the session: a removed contact, or a claimed companyId, sees nothing', () => {
    const removed: Directory = { ...emptyDirectory, contacts: { acme: ['c-2'] } };
    expect(customerOrders(orders, asCustomer('c-3', 'acme'), removed)).toEqual([]);
    expect(customerOrder(orders, asCustomer('c-3', 'acme'), 'o-2', removed)).toBeUndefined();
    expect(customerOrders(orders, asCustomer('c-9', 'acme'), directory)).toEqual([]);
    expect(customerOrders(orders, asCustomer('c-3', 'acme'))).toEqual([]);
  });

  it('CUS-3: a customer query never returns another customer’s or company’s order', () => {
    expect(customerOrder(orders, asCustomer('c-1'), 'o-2')).toBeUndefined();
    expect(customerOrder(orders, asCustomer('c-9', 'other-co'), 'o-2', directory)).toBeUndefined();
    expect(customerOrders(orders, asCustomer('c-9', 'other-co'), directory)).toEqual([]);
    expect(customerOrders(orders, actors.admin, directory)).toEqual([]);
    expect(customerStatusHistory(orders, history, asCustomer('c-2', 'acme'), 'o-1', directory)).toEqual([]);
  });

  it('CUS-2: the customer’s history hides admin notes not meant for her and the view hides fraud data', () => {
    const mine = customerStatusHistory(orders, history, asCustomer('c-1'), 'o-1');
    expect(mine[0]).toMatchObject({ status: 'Checked stock', remarks: {} });
    expect(mine[1]?.remarks).toEqual({ admin: 'We are packing your tea' });
    expect(customerOrder(orders, asCustomer('c-1'), 'o-1')).not.toHaveProperty('fraudFlagged');
  });
});

describe('printable summary (ORD-10)', () => {
  it('ORD-10: text summary lists number, lines, totals and methods', () => {
    const state = orderDetail(orders, 'o-1')?.order;
    if (state === undefined) throw new Error('o-1 missing');
    const text = renderOrderSummaryText(state);
    expect(text).toContain('Order: SO-1');
    expect(text).toContain('2 x Green tea 100 g (TEA-1) @ 4.50 EUR = 9.00 EUR');
    expect(text).toContain('Total: 21.00 EUR');
    expect(text).toContain('Payment method: Card (Stripe)');
  });

  it('ORD-10: HTML summary escapes customer input', () => {
    const evil = envelopes('o-9', [
      command(
        'PlaceOrder',
        sampleCheckout({
          orderId: 'o-9',
          customer: { id: 'c-1', name: '<script>alert(1)</script>' },
          remark: 'Tom & "Jerry"',
          paymentMethod: paymentMethods.bankTransfer,
        }),
        T0,
        actors.customer,
      ),
    ]);
    const state = orderDetail(project(ordersProjection, evil), 'o-9')?.order;
    if (state === undefined) throw new Error('o-9 missing');
    const html = renderOrderSummaryHtml(state);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Tom &amp; &quot;Jerry&quot;');
  });
});
