import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  type Envelope,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { OrderCommand } from '../../order/commands.js';
import { orderDecider } from '../../order/decider.js';
import { OrderEventCodec, orderStreamId, type OrderEvent } from '../../order/events.js';
import { receiptsDecider } from '../decider.js';
import { ReceiptsEventCodec, receiptsStreamId, type ReceiptsEvent } from '../events.js';
import type { Receipt } from '../receipt.js';
import { syncOrderReceipts } from '../sync.js';

/**
 * One order over one in-memory event store, its receipts kept in step: every
 * order command is followed by the sync (the receipts policy as a process),
 * so a test can look at what was printed after each step.
 */
export const orderWorld = (orderId: string) => {
  const store = createInMemoryEventStore();
  const orders = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: createEnvelopeDecoder<OrderEvent>(OrderEventCodec),
  });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  const decodeReceipts = createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec);
  /** An order command, then the sync; the codes either refused (none when all went through). */
  const act = async (cmd: OrderCommand): Promise<string[]> => {
    const handled = await orders.handle(orderStreamId(orderId), cmd);
    if (E.isLeft(handled)) return ['code' in handled.left ? handled.left.code : handled.left.kind];
    const report = await syncOrderReceipts({ store, receipts, orders, orderId });
    if (E.isLeft(report)) throw new Error(report.left.message);
    return report.right.refused.map(({ error }) => ('code' in error ? error.code : error.kind));
  };
  const printed = async (): Promise<Receipt[]> => {
    const out: Receipt[] = [];
    for await (const raw of store.read(receiptsStreamId(orderId))) {
      const decoded = decodeReceipts(raw);
      if (E.isLeft(decoded)) throw new Error('undecodable receipts event');
      const envelope: Envelope<ReceiptsEvent> = decoded.right;
      if (envelope.event.type === 'ReceiptIssued') out.push(envelope.event.data.receipt);
    }
    return out;
  };
  return { act, printed };
};

/** A receipt in brief: operation (tag 1054), kind, tag 1214, total. */
export const brief = (receipt: Receipt) => [
  receipt.operation,
  receipt.kind,
  receipt.paymentMethod,
  receipt.total.amount,
];
