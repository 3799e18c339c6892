import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * PAY-7 (Odoo "automatic invoice"): under "ordered quantities" the invoice is
 * issued when the order is confirmed; under "delivered quantities" whenever
 * goods are delivered. The invoice id derives from the causing event, so a
 * re-run issues nothing twice; payment is reconciled by the decider.
 */
export const autoInvoicePolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.auto-invoice',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['OrderConfirmed', 'ShipmentDelivered', 'OrderFulfilled']),
  react: ({ event, streamId, eventId }) => {
    if (!settings.invoicing.automatic) return [];
    const policy = settings.invoicing.policy;
    const due =
      policy === 'ordered'
        ? event.type === 'OrderConfirmed'
        : event.type === 'ShipmentDelivered' || event.type === 'OrderFulfilled';
    return due ? [sendToOrder(streamId, 'IssueInvoice', { invoiceId: `inv-${eventId}`, basis: policy })] : [];
  },
});
