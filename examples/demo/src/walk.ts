import {
  money,
  rehydrate,
  type Actor,
  type CheckpointStore,
  type EventStore,
  type Money,
  type ParkedStore,
  type TimerStore,
} from '@ordersource/core';
import {
  decodeOrderEnvelope,
  defaultShopSettings,
  financialStatus,
  orderDecider,
  orderStreamId,
  pixpaPaymentStatus,
  renderOrderSummaryText,
  type OrderEvent,
  type OrderState,
} from '@ordersource/domain';
import {
  receiptsStreamId,
  renderReceipt,
  sendPendingReceipts,
  createInMemoryFiscalRegister,
} from '@ordersource/domain/receipts';
import { createShop, createVirtualClock, type NotificationOut, type Shop } from '@ordersource/runtime';
import * as E from 'fp-ts/lib/Either.js';
import { printMessages } from './messages.js';

/**
 * The walk itself, separate from the store it runs on so that the test runs
 * it on a temporary PGlite. The shop is the runtime's (`createShop` of
 * @ordersource/runtime): there is no hand-written loop here. Every command
 * enters as raw data, the way a storefront, a payment webhook or an admin form
 * would send it, and the runtime decodes it with the order's command codec;
 * then `runUntilIdle()` runs every policy, the receipts policy and the lock
 * after the closing receipt as checkpointed reactors until nothing more happens.
 */

const rub = (amount: number): Money => ({ amount: amount * 100, currency: 'RUB' });

const customer: Actor = { kind: 'customer', id: 'cust-olga', name: 'Olga Petrova' };
const admin: Actor = { kind: 'admin', id: 'ann', name: 'Ann (shop admin)' };
const provider: Actor = { kind: 'provider', id: 'sberbank-acquiring' };

/** Durable ports for the runtime (the PostgreSQL ones in main.ts); in memory when absent. */
export type DemoPorts = Readonly<{ checkpoints?: CheckpointStore; timers?: TimerStore; parked?: ParkedStore }>;

/** The order as it was right after the event that caused a notification: what its message shows. */
const orderAt = async (shop: Shop, out: NotificationOut): Promise<OrderState> => {
  const events: OrderEvent[] = [];
  for await (const raw of shop.store.read(out.cause.streamId, { limit: out.cause.streamVersion + 1 })) {
    const decoded = decodeOrderEnvelope(raw);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    events.push(decoded.right.event);
  }
  return rehydrate(orderDecider, events);
};

export const runDemo = async (store: EventStore, log: (line: string) => void, ports: DemoPorts = {}): Promise<void> => {
  const shop = createShop({
    store,
    settings: defaultShopSettings,
    // Business time comes in each command; the runtime's clock only says when timers are due.
    clock: createVirtualClock('2026-11-01T09:00:00Z'),
    ...ports,
  });
  // Bring the reactors and read models up to date with earlier runs first. Their checkpoints are in the
  // database, so the policies of earlier orders are not run again.
  const caught = await shop.runUntilIdle();
  const redone = caught.commands.length + caught.notifications.length;
  log(
    redone === 0
      ? "The runtime's checkpoints are up to date: nothing to redo."
      : `The runtime caught up with earlier runs: ${caught.commands.length} command(s) sent again ` +
          `(${caught.commands.filter((c) => c.duplicate).length} absorbed as duplicates), ` +
          `${caught.notifications.length} notification(s) decided again.`,
  );
  const earlier = await shop.queries.orders();
  log(
    `The store holds ${earlier.length} order(s) from earlier runs${earlier.length > 0 ? `: ${earlier.map((o) => o.orderNumber).join(', ')}` : ''}.`,
  );

  const n = earlier.length + 1;
  const orderId = `demo-${n}`;
  const orderNumber = `SO-${1000 + n}`;
  let step = 0;
  const at = (day: number, hour: number) =>
    `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

  // Each notification with the order as it was right after the change that caused it (what the message shows).
  const notifications: { out: NotificationOut; order: OrderState }[] = [];
  /** Send raw input to the order stream (as an HTTP endpoint would), then let the runtime run until idle. */
  const send = async (label: string, raw: { type: string; data: unknown }, actor: Actor, when: string) => {
    const handled = await shop.execute(orderStreamId(orderId), {
      ...raw,
      metadata: { commandId: `${orderId}/${++step}`, actor, at: when },
    });
    if (E.isLeft(handled)) {
      log(`✗ ${label}: ${handled.left.kind === 'domain' ? 'refused: ' : ''}${handled.left.message}`);
      return undefined;
    }
    log(`✓ ${label} -> ${handled.right.events.map((e) => e.type).join(', ') || 'no change'}`);
    const report = await shop.runUntilIdle();
    for (const command of report.commands) {
      if (command.duplicate || command.events.length === 0) continue;
      if (command.streamId === orderStreamId(orderId)) log(`    policy ${command.reactor}: ${command.type}`);
      else if (command.streamId === receiptsStreamId(orderId))
        log(`    receipts ${command.type} -> ${command.events.join(', ')}`);
    }
    for (const refused of report.refusals)
      log(
        `    ${refused.reactor.startsWith('receipts') ? 'receipts policy' : refused.reactor} refused ${refused.type}: ${refused.error.message}`,
      );
    for (const out of report.notifications) {
      log(`    notification: ${JSON.stringify(out.notification)}`);
      notifications.push({ out, order: await orderAt(shop, out) });
    }
    return handled.right;
  };

  const lines = [
    {
      lineId: 'l1',
      sku: 'SNK-42',
      name: 'Running shoes',
      qty: 1,
      unitPrice: rub(5000),
      vatRate: 'vat20',
      kind: 'physical',
    },
    {
      lineId: 'l2',
      sku: 'SCK-3',
      name: 'Sport socks',
      qty: 4,
      unitPrice: rub(500),
      vatRate: 'vat20',
      kind: 'physical',
      unit: 'pair',
    },
  ];
  const card = { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' };
  const address = { name: 'Olga Petrova', line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' };
  const checkout = {
    orderId,
    orderNumber,
    paymentId: `${orderId}-pay`,
    lines,
    subtotal: rub(7000),
    shippingFee: rub(300),
    discount: rub(300),
    total: rub(7000),
    shippingMethod: { code: 'courier', name: 'Courier' },
    paymentMethod: card,
    customer: {
      id: 'cust-olga',
      name: 'Olga Petrova',
      group: 'retail',
      email: 'olga@example.ru',
      phone: '+79990000000',
      language: 'ru',
    },
    billingAddress: address,
    shippingAddress: address,
    ip: '198.51.100.4',
    ipCountry: 'RU',
    remark: 'Please call before delivery',
  };

  log(`\n1. Checkout of ${orderNumber} (bad input first: the total does not add up)`);
  await send(
    'checkout with a wrong total',
    { type: 'PlaceOrder', data: { ...checkout, total: rub(6900) } },
    customer,
    at(1, 10),
  );
  await send('checkout', { type: 'PlaceOrder', data: checkout }, customer, at(1, 10));

  log('\n2. The acquiring bank authorizes and captures the payment (ORD-2, ORD-3, PAY-1)');
  await send(
    'payment authorized',
    {
      type: 'AuthorizePayment',
      data: { paymentId: `${orderId}-pay`, amount: rub(7000), providerReference: 'sb-77', providerMessage: 'Approved' },
    },
    provider,
    at(1, 10),
  );
  await send(
    'payment captured',
    { type: 'CapturePayment', data: { paymentId: `${orderId}-pay`, providerMessage: 'Captured' } },
    provider,
    at(1, 11),
  );

  log('\n3. The admin processes the order (ORD-4) and ships it (FUL-1, FUL-2)');
  await send(
    'process order',
    {
      type: 'ProcessOrder',
      data: {
        status: 'Packed, ready for the courier',
        fulfillmentStatus: 'processed',
        note: 'Your order is packed.',
        noteVisibleToCustomer: true,
        notify: { email: true, sms: true },
        mailLanguage: 'ru',
        keepMailCopy: true,
        loyaltyPoints: 70,
        loyaltyPointsApproved: true,
      },
    },
    admin,
    at(2, 9),
  );
  await send(
    'ship',
    {
      type: 'ShipOrder',
      data: { shipmentId: `${orderId}-ship`, carrier: 'CDEK', trackingReference: 'CDEK-1029384756' },
    },
    admin,
    at(3, 9),
  );
  await send('delivered', { type: 'MarkDelivered', data: {} }, admin, at(4, 15));

  log('\n4. Two pairs of socks come back: a partial refund (PAY-5, REC-7)');
  await send(
    'refund more than was paid',
    { type: 'RefundPayment', data: { paymentId: `${orderId}-pay`, refundId: `${orderId}-r0`, amount: rub(9000) } },
    admin,
    at(6, 10),
  );
  await send(
    'refund two pairs of socks',
    {
      type: 'RefundPayment',
      data: {
        paymentId: `${orderId}-pay`,
        refundId: `${orderId}-r1`,
        // The returned goods go onto the income-return receipt (REC-7); the amount is what was paid for them.
        lines: [{ lineId: 'l2', qty: 2 }],
        reason: 'returned 2 pairs of socks',
      },
    },
    admin,
    at(6, 10),
  );
  await send(
    'add a line after the closing receipt',
    {
      type: 'AddOrderLine',
      data: {
        line: {
          lineId: 'l3',
          sku: 'CAP',
          name: 'Cap',
          qty: 1,
          unitPrice: rub(800),
          vatRate: 'vat20',
          kind: 'physical',
        },
      },
    },
    admin,
    at(6, 11),
  );

  const view = await shop.queries.order(orderId);
  if (view === undefined) throw new Error(`order ${orderId} is not in the store`);
  const order: OrderState = view.state;
  const status = financialStatus(order);
  log(
    `\n5. ${orderNumber}: order ${order.status}, fulfillment ${order.fulfillment.status}, payment ${status} (customer sees "${pixpaPaymentStatus(status)}")`,
  );

  log('\nStatus history, newest first (ORD-5):');
  for (const entry of [...view.history].reverse()) {
    const channels = [entry.email ? 'e-mail' : '', entry.sms ? 'SMS' : ''].filter(Boolean).join('+') || '-';
    const remark = entry.remarks.admin ?? entry.remarks.gateway ?? entry.remarks.customer ?? '';
    log(
      `  ${entry.at}  ${entry.status.padEnd(32)} by ${entry.actor.kind}:${entry.actor.id}  notify ${channels}${remark ? `  "${remark}"` : ''}`,
    );
  }

  log('\nPrintable order summary (ORD-10):');
  log(renderOrderSummaryText(order));

  log('\nFiscal receipts sent to the online cash register (REC-1..REC-7):');
  const register = createInMemoryFiscalRegister();
  const sent = await sendPendingReceipts({
    register,
    handler: shop.handlers.receipts,
    streamId: receiptsStreamId(orderId),
    now: () => at(6, 12),
  });
  if (E.isLeft(sent)) throw new Error(sent.left.message);
  for (const { request, response } of register.fiscalised())
    log(
      renderReceipt(request.receipt, {
        status: 'accepted',
        fiscalSign: response.fiscalSign,
        acceptedMarks: response.acceptedMarks,
      }) + '\n',
    );

  log(`\nThe messages of ${orderNumber}'s life (NOT-1, NOT-2), rendered by @ordersource/notify:`);
  await printMessages(notifications, log);

  // The register's answers were appended to the receipts stream: let the reactors see them too.
  await shop.runUntilIdle();
  const health = await shop.health();
  const behind = health.consumers.filter((c) => (c.lag ?? 0) > 0).length;
  log(
    `\nRuntime: ${health.consumers.length} consumers (reactors, timer planner, read models), ${behind} behind, ` +
      `${health.parked.length} parked, ${health.timers.planned} timer(s) planned, ${health.outbox.depth} notification(s) in the outbox.`,
  );

  const after = await shop.queries.orders();
  log(
    `The store now holds ${after.length} order(s): ${after.map((o) => `${o.orderNumber} ${money.format(o.total)} ${o.financialStatus}`).join('; ')}.`,
  );
};
