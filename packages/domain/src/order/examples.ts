import type { Actor, Money } from '@ordersource/core';
import type { OrderCommand, PlaceOrder } from './commands.js';
import type { OrderLine, PaymentMethod } from './values.js';

/**
 * Ready-made sample data for docs, demos and tests: a checkout and command
 * builders that fill in the metadata. Not used by the domain itself.
 */

export const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

export const paymentMethods = {
  card: { code: 'card', name: 'Card (Stripe)', kind: 'online', capture: 'automatic' },
  cardManual: { code: 'card-hold', name: 'Card, captured by hand', kind: 'online', capture: 'manual' },
  cardAfterDelivery: {
    code: 'card-after',
    name: 'Card, captured after delivery',
    kind: 'online',
    capture: 'after_delivery',
  },
  bankTransfer: { code: 'wire', name: 'Bank transfer', kind: 'offline', capture: 'manual' },
  cashOnDelivery: { code: 'cod', name: 'Cash on delivery', kind: 'cash_on_delivery', capture: 'manual' },
  /** Issue 9.6: B2B net terms, ships before it is paid. */
  invoiceOnAccount: {
    code: 'net30',
    name: 'Invoice, 30 days net',
    kind: 'offline',
    capture: 'manual',
    creditTerms: true,
  },
} as const satisfies Record<string, PaymentMethod>;

export const sampleLines: OrderLine[] = [
  {
    lineId: 'l1',
    sku: 'TEA-1',
    name: 'Green tea 100 g',
    qty: 2,
    unitPrice: eur(450),
    vatRate: 'vat20',
    kind: 'physical',
  },
  { lineId: 'l2', sku: 'EBOOK-7', name: 'Tea e-book', qty: 1, unitPrice: eur(900), vatRate: 'vat10', kind: 'digital' },
];

/** A checkout whose stated totals add up (ORD-1). */
export const sampleCheckout = (overrides: Partial<PlaceOrder['data']> = {}): PlaceOrder['data'] => {
  const lines = overrides.lines ?? sampleLines;
  const shippingFee = overrides.shippingFee ?? eur(500);
  const discount = overrides.discount ?? eur(200);
  const currency = shippingFee.currency;
  const subtotal = { amount: lines.reduce((a, l) => a + l.unitPrice.amount * l.qty, 0), currency };
  return {
    orderId: 'o-1',
    orderNumber: 'SO-1001',
    paymentId: 'pay-1',
    lines,
    subtotal,
    shippingFee,
    discount,
    total: { amount: subtotal.amount + shippingFee.amount - discount.amount, currency },
    shippingMethod: { code: 'post', name: 'Post' },
    paymentMethod: paymentMethods.card,
    customer: { id: 'c-1', name: 'Lan Nguyen', group: 'retail', email: 'lan@example.com', language: 'vi' },
    billingAddress: { name: 'Lan Nguyen', line1: '1 Hang Bac', city: 'Hanoi', country: 'VN' },
    shippingAddress: { name: 'Lan Nguyen', line1: '1 Hang Bac', city: 'Hanoi', country: 'VN' },
    ip: '203.0.113.7',
    ipCountry: 'VN',
    remark: 'Please ring twice',
    ...overrides,
  };
};

export const actors = {
  admin: { kind: 'admin', id: 'ann', name: 'Ann (admin)' },
  customer: { kind: 'customer', id: 'c-1' },
  otherCustomer: { kind: 'customer', id: 'c-2' },
  provider: { kind: 'provider', id: 'stripe' },
  system: { kind: 'system', id: 'system' },
} as const satisfies Record<string, Actor>;

let counter = 0;

/** Build a command with metadata; commandIds are unique within a process. */
export const command = <T extends OrderCommand['type']>(
  type: T,
  data: Extract<OrderCommand, { type: T }>['data'],
  at: string,
  actor: Actor = actors.admin,
): Extract<OrderCommand, { type: T }> =>
  ({ type, data, metadata: { commandId: `cmd-${++counter}`, actor, at } }) as Extract<OrderCommand, { type: T }>;
