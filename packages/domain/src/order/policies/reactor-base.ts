import { createEnvelopeDecoder, type CommandIntent, type EnvelopeDecoder } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { ORDER_STREAM_PREFIX, OrderEventDecoder, type OrderEvent, type OrderEventType } from '../events.js';

/** Shared pieces of the order policies (reactors from order events to order commands). */

export const decodeOrderEnvelope: EnvelopeDecoder<OrderEvent> = createEnvelopeDecoder(OrderEventDecoder);

export const orderFilter = (eventTypes: readonly OrderEventType[]) => ({
  streamPrefix: ORDER_STREAM_PREFIX,
  eventTypes: [...eventTypes],
});

/** A command for the same order stream. */
export const sendToOrder = <T extends OrderCommand['type']>(
  streamId: string,
  type: T,
  data: Extract<OrderCommand, { type: T }>['data'],
): CommandIntent<OrderCommand> => ({ kind: 'command', streamId, type, data });
