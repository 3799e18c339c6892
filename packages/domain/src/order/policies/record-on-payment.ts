import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * ORD-2: a pending order (online payment not completed, ec2Biz "待完成的訂單")
 * becomes recorded as soon as its online payment succeeds. The decider
 * ignores the command for an order that is already recorded.
 */
export const recordOnPaymentPolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.record-on-payment',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['PaymentAuthorized', 'PaymentCaptured']),
  react: ({ event, streamId }) => {
    if (!settings.recordOnPayment) return [];
    const succeeded =
      event.type === 'PaymentAuthorized' || (event.type === 'PaymentCaptured' && event.data.mode === 'sale');
    return succeeded ? [sendToOrder(streamId, 'RecordOrder', { note: 'online payment succeeded' })] : [];
  },
});
