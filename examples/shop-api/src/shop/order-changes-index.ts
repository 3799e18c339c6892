import type { Projection } from '@ordersource/core';
import { ORDER_CHANGE_CATEGORY, type OrderChangeEvent } from '@ordersource/domain/changes';
import { decodeOrderChangeEnvelope } from '@ordersource/runtime';

/**
 * Issue 17: order id -> the ids of its changes, oldest first (the admin's
 * and the portal's order pages list them). Built from `OrderChangeBegun`,
 * whose basis names the order the server read.
 */
export type OrderChangesIndex = Record<string, string[]>;

export const orderChangesIndexProjection: Projection<OrderChangesIndex, OrderChangeEvent> = {
  name: 'example-shop.order-changes-index',
  initialState: {},
  decode: decodeOrderChangeEnvelope,
  filter: { streamPrefix: `${ORDER_CHANGE_CATEGORY}-`, eventTypes: ['OrderChangeBegun'] },
  evolve: (draft, envelope) => {
    if (envelope.event.type !== 'OrderChangeBegun') return;
    const { changeId, basis } = envelope.event.data;
    const list = (draft[basis.orderId] ??= []);
    if (!list.includes(changeId)) list.push(changeId);
  },
};
