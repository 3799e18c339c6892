import { money, type Actor, type EventStore, type Money } from '@ordersource/core';
import {
  decodeOrderCommand,
  defaultShopSettings,
  financialStatus,
  listOrders,
  orderStreamId,
  pixpaPaymentStatus,
  renderOrderSummaryText,
  statusHistory,
  type OrderState,
} from '@ordersource/domain';
import {
  receiptsStreamId,
  renderReceipt,
  sendPendingReceipts,
  createInMemoryFiscalRegister,
} from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { printMessages } from './messages.js';
import { createShop, type Notification } from './shop.js';

/**
 * The walk itself, separate from the store it runs on so that the test runs
 * it on an in-memory PGlite. Every command enters as raw data, the way a
 * storefront, a payment webhook or an admin form would send it, and is decoded
 * at the boundary first.
 */

const rub = (amount: number): Money => ({ amount: amount * 100, currency: 'RUB' });

const customer: Actor = { kind: 'customer', id: 'cust-olga', name: 'Olga Petrova' };
const admin: Actor = { kind: 'admin', id: 'ann', name: 'Ann (shop admin)' };
const provider: Actor = { kind: 'provider', id: 'sberbank-acquiring' };

export const runDemo = async (store: EventStore, log: (line: string) => void): Promise<void> => {
  const shop = createShop(store, defaultShopSettings);
  const before = await shop.readModels();
  const earlier = listOrders(before.orders);
  log(
    `The store holds ${earlier.length} order(s) from earlier runs${earlier.length > 0 ? `: ${earlier.map((o) => o.orderNumber).join(', ')}` : ''}.`,
  );

  const n = earlier.length + 1;
  const orderId = `demo-${n}`;
  const orderNumber = `SO-${1000 + n}`;
  let step = 0;
  const at = (day: number, hour: number) =>
    `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

  /** Decode raw input into a command (as an HTTP endpoint would), then handle it. */
  // Each notification with the order as it was right after the change that caused it (what the message shows).
  const notifications: { note: Notification; order: OrderState }[] = [];
  const fresh: Notification[] = [];
  const send = async (label: string, raw: { type: string; data: unknown }, actor: Actor, when: string) => {
    const decoded = decodeOrderCommand({ ...raw, metadata: { commandId: `${orderId}/${++step}`, actor, at: when } });
    if (E.isLeft(decoded)) {
      log(`✗ ${label}: ${decoded.left.message}`);
      return undefined;
    }
    const handled = await shop.handle(orderId, decoded.right, (note) => {
      fresh.push(note);
      log(`    notification: ${note.text}`);
    });
    if (E.isLeft(handled)) {
      log(`✗ ${label}: refused: ${handled.left.message}`);
      return undefined;
    }
    const now = await shop.orders.load(orderStreamId(orderId));
    if (E.isRight(now)) for (const note of fresh.splice(0)) notifications.push({ note, order: now.right.state });
    log(`✓ ${label} -> ${handled.right.events.map((e) => e.type).join(', ') || 'no change'}`);
    for (const policy of handled.right.policies) log(`    policy ${policy}`);
    for (const refused of handled.right.receiptsRefused) log(`    receipts policy refused ${refused}`);
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

  const loaded = await shop.orders.load(orderStreamId(orderId));
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  const order: OrderState = loaded.right.state;
  const status = financialStatus(order);
  log(
    `\n5. ${orderNumber}: order ${order.status}, fulfillment ${order.fulfillment.status}, payment ${status} (customer sees "${pixpaPaymentStatus(status)}")`,
  );

  log('\nStatus history, newest first (ORD-5):');
  const models = await shop.readModels();
  for (const entry of statusHistory(models.history, orderId)) {
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
    handler: shop.receipts,
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

  const after = listOrders(models.orders);
  log(
    `The store now holds ${after.length} order(s): ${after.map((o) => `${o.orderNumber} ${money.format(o.total)} ${o.financialStatus}`).join('; ')}.`,
  );
};
