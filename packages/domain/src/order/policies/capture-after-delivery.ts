import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * PAY-1/FUL-4 (Odoo "capture after delivery"): once the order is fulfilled,
 * capture what payment methods configured to capture after delivery still
 * hold. The decider picks the payments; nothing to capture is a no-op.
 */
export const captureAfterDeliveryPolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.capture-after-delivery',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['OrderFulfilled']),
  react: ({ event, streamId }) =>
    settings.captureAfterDelivery && event.type === 'OrderFulfilled'
      ? [sendToOrder(streamId, 'CaptureOnDelivery', {})]
      : [],
});
