import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { addHours } from '../decision.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter, sendToOrder } from './reactor-base.js';

/**
 * ORD-7 (ec2Biz): hold a new order before shipping, 24 hours by default,
 * either every order or only those whose IP country differs from the
 * billing/shipping country. The end of the hold is computed from the
 * placement time in the event, never from a clock; the decider lets a
 * shipment through once the command time passes it.
 */
export const fraudHoldPolicy = (settings: ShopSettings): Reactor<OrderEvent, OrderCommand> => ({
  name: 'order.fraud-hold',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['OrderPlaced']),
  react: ({ event, streamId }) => {
    const hold = settings.fraudHold;
    if (!hold.enabled || event.type !== 'OrderPlaced') return [];
    const flagged = event.data.fraudSignals.length > 0;
    if (hold.scope === 'flagged' && !flagged) return [];
    return [
      sendToOrder(streamId, 'HoldFulfillment', {
        reason: flagged ? `fraud review: ${event.data.fraudSignals.join(', ')}` : 'new order review',
        until: addHours(event.data.placedAt, hold.hours),
      }),
    ];
  },
});
