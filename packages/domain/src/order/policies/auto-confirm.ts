import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * ORD-3 (Odoo): when the provider authorizes the payment (or money arrives
 * by a sale or an admin-confirmed offline payment), the order is confirmed,
 * which releases fulfillment. Confirming twice is a no-op in the decider.
 */
export const autoConfirmPolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.auto-confirm',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['PaymentAuthorized', 'PaymentCaptured']),
  react: ({ event, streamId }) => {
    if (!settings.autoConfirmOnPayment) return [];
    const secured =
      event.type === 'PaymentAuthorized' || (event.type === 'PaymentCaptured' && event.data.mode !== 'capture');
    return secured ? [sendToOrder(streamId, 'ConfirmOrder', {})] : [];
  },
});
