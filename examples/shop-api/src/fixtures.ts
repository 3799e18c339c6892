import type { Money } from '@ordersource/core';

/**
 * Sample input for the example shop: a checkout body as a storefront would
 * post it, and a subscription. Used by the seed, the tests and the load run.
 */

const rub = (major: number): Money => ({ amount: major * 100, currency: 'RUB' });

export type CheckoutOptions = Readonly<{
  orderId: string;
  orderNumber: string;
  customer: Readonly<{ id: string; name: string; email: string; language: string; companyId?: string; phone?: string }>;
  remark?: string;
  /** Offline (bank transfer, confirmed by the admin) instead of online acquiring. */
  offline?: boolean;
}>;

export const checkoutBody = (o: CheckoutOptions): Record<string, unknown> => {
  const address = { name: o.customer.name, line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' };
  return {
    orderId: o.orderId,
    orderNumber: o.orderNumber,
    paymentId: `${o.orderId}-pay`,
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
    paymentMethod:
      o.offline === true
        ? { code: 'bank', name: 'Bank transfer', kind: 'offline', capture: 'automatic' }
        : { code: 'card', name: 'Card (online acquiring)', kind: 'online', capture: 'automatic' },
    customer: {
      id: o.customer.id,
      name: o.customer.name,
      group: 'retail',
      email: o.customer.email,
      phone: o.customer.phone ?? '+79990000000',
      language: o.customer.language,
      ...(o.customer.companyId === undefined ? {} : { companyId: o.customer.companyId }),
    },
    billingAddress: address,
    shippingAddress: address,
    ip: '198.51.100.4',
    ipCountry: 'RU',
    ...(o.remark === undefined ? {} : { remark: o.remark }),
  };
};

export const subscriptionBody = (
  subscriptionId: string,
  customer: Readonly<{ id: string; name: string; email: string; language: string; companyId?: string }>,
  closable = true,
): Record<string, unknown> => ({
  subscriptionId,
  customer,
  plan: {
    planId: 'coffee-monthly',
    name: 'Coffee beans, monthly',
    billingPeriod: { unit: 'month', count: 1 },
    closable,
  },
  recurringAmount: rub(900),
});
