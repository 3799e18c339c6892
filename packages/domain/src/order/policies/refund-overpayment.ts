import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * Issue 9.1 (PAY-1, PAY-5): with `autoRefundOverpayment` on, every capture is
 * followed by `RefundExcess`, which gives back what the order was overpaid (a
 * second payment of a paid order, a late payment of a cancelled one) and does
 * nothing when nothing is due back. The refund id derives from the capture,
 * so a re-run refunds nothing twice.
 */
export const refundOverpaymentPolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.refund-overpayment',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['PaymentCaptured']),
  react: ({ event, streamId, eventId }) =>
    settings.autoRefundOverpayment === true && event.type === 'PaymentCaptured'
      ? [
          sendToOrder(streamId, 'RefundExcess', {
            refundId: `excess-${eventId}`,
            reason: 'overpayment refunded automatically',
          }),
        ]
      : [],
});
