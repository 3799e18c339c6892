import type { OrderState } from '../order/state.js';
import { handedOver } from '../order/handover.js';
import type { ChangeBasis } from './values.js';

/**
 * The basis of a change: what the change decider needs to know of the order
 * (`version` is the order stream's version this state was folded to). Taken
 * on the server from the order stream; refunded-as-returned units come from
 * the order's own count (`returnedQty`), delivered units from its delivered
 * shipments.
 */
export const basisOf = (order: OrderState, version: number): ChangeBasis => {
  if (order.details === null) throw new Error('basisOf: the order was not placed');
  const shipped: Record<string, number> = {};
  const delivered: Record<string, number> = {};
  for (const shipment of order.fulfillment.shipments)
    for (const line of shipment.lines) {
      shipped[line.lineId] = (shipped[line.lineId] ?? 0) + line.qty;
      if (shipment.deliveredAt !== undefined) delivered[line.lineId] = (delivered[line.lineId] ?? 0) + line.qty;
    }
  // Digital goods and services count as delivered once the order is fulfilled (FUL-3, REC-4).
  if (order.fulfillment.status === 'fulfilled')
    for (const line of order.lines) if (line.kind !== 'physical') delivered[line.lineId] = line.qty;
  return {
    orderId: order.details.orderId,
    orderNumber: order.details.orderNumber,
    orderVersion: version,
    customer: { ...order.details.customer },
    currency: order.currency,
    lines: order.lines.map((line) => ({ ...line })),
    shippingFee: { ...order.totals.shippingFee },
    discount: { ...order.totals.discount },
    shipped,
    delivered,
    returned: { ...(order.returnedQty ?? {}) },
    locked: order.locked !== undefined || handedOver(order) !== undefined,
    paymentMethod: { ...order.details.paymentMethod },
  };
};
