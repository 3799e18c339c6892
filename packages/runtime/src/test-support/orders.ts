import type { Actor, Money } from '@ordersource/core';

/** Raw order commands as a storefront, a payment provider or an admin form sends them (tests only). */

export const rub = (amount: number): Money => ({ amount: amount * 100, currency: 'RUB' });

export const customer: Actor = { kind: 'customer', id: 'cust-olga', name: 'Olga Petrova' };
export const admin: Actor = { kind: 'admin', id: 'ann', name: 'Ann (shop admin)' };
export const provider: Actor = { kind: 'provider', id: 'sberbank-acquiring' };

const address = { name: 'Olga Petrova', line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' };

export const checkoutData = (orderId: string, overrides: Record<string, unknown> = {}) => ({
  orderId,
  orderNumber: `SO-${orderId}`,
  paymentId: `${orderId}-pay`,
  lines: [
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
  ],
  subtotal: rub(7000),
  shippingFee: rub(300),
  discount: rub(300),
  total: rub(7000),
  shippingMethod: { code: 'courier', name: 'Courier' },
  paymentMethod: { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' },
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
  ...overrides,
});

let counter = 0;

/** A raw command: `{ type, data, metadata }` with a fresh command id. */
export const raw = (type: string, data: unknown, actor: Actor, at: string, commandId = `cmd-${++counter}`) => ({
  type,
  data,
  metadata: { commandId, actor, at },
});
