import type { Reactor } from '@ordersource/core';
import { decodeOrderEnvelope, orderFilter } from '../order/policies/reactor-base.js';
import type { OrderEvent } from '../order/events.js';
import type { CustomerCommand } from './commands.js';
import { customerStreamId } from './events.js';

/**
 * CUS-1 (seed 000): every placed order reaches its customer's stream. The
 * first one creates her as a guest: nobody signs up before buying. The
 * command id is derived from the order event, and the decider ignores an
 * order it has already recorded, so at-least-once delivery records it once.
 */
export const guestCustomerReactor: Reactor<OrderEvent, CustomerCommand> = {
  name: 'customers.guest-from-order',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['OrderPlaced']),
  react: ({ event }) => {
    if (event.type !== 'OrderPlaced') return [];
    const { customer, orderId } = event.data;
    return [
      {
        kind: 'command',
        streamId: customerStreamId(customer.id),
        type: 'RecordCustomerOrder',
        data: {
          customerId: customer.id,
          name: customer.name,
          orderId,
          ...(customer.email === undefined ? {} : { email: customer.email }),
        },
      },
    ];
  },
};
