import { createEnvelopeDecoder, type Command, type Reactor } from '@ordersource/core';
import { orderStreamId } from '../order/events.js';
import { ReceiptsEventCodec, type ReceiptsEvent } from './events.js';
import { isClosingKind } from './kinds.js';

/**
 * After the closing receipt the order is locked (REC-5, ORD-9): this reactor
 * sends the order stream a `LockOrder` command naming the closing receipt.
 * Its command id derives from the ReceiptIssued event, so a re-run is absorbed.
 */

export type LockOrderCommand = Command<'LockOrder', Readonly<{ reason: string; receiptId?: string }>>;

export const LOCK_REASON = 'closing fiscal receipt issued (REC-5, ORD-9)';

export const lockOnClosingReceipt: Reactor<ReceiptsEvent, LockOrderCommand> = {
  name: 'receipts-lock-order',
  decode: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  filter: { streamPrefix: 'receipts-', eventTypes: ['ReceiptIssued'] },
  react: (envelope) => {
    const event = envelope.event;
    // A partial settlement (REC-4: a mixed order's digital lines) leaves the rest of the order open.
    if (event.type !== 'ReceiptIssued' || !isClosingKind(event.data.receipt.kind) || event.data.partial === true)
      return [];
    const { orderId, receiptId } = event.data.receipt;
    return [
      {
        kind: 'command',
        streamId: orderStreamId(orderId),
        type: 'LockOrder',
        data: { reason: LOCK_REASON, receiptId },
      },
    ];
  },
};
