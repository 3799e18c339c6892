import {
  createEnvelopeDecoder,
  effectsOf,
  type CommandHandler,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { OrderCommand } from '../order/commands.js';
import { OrderEventCodec, orderStreamId, type OrderEvent } from '../order/events.js';
import type { OrderState } from '../order/state.js';
import type { ReceiptsCommand } from './commands.js';
import { receiptsStreamId, type ReceiptsEvent } from './events.js';
import { receiptsCommandsFor, type TranslateOptions } from './from-order-events.js';
import { lockOnClosingReceipt } from './lock.js';
import type { ReceiptsState } from './state.js';
import { readDecoded } from '../read-decoded.js';

/**
 * The receipts policy as a process over the store: read one order's stream,
 * translate it (`from-order-events.ts`), hand the commands to the receipts
 * handler, then send the order its `LockOrder` once the closing receipt is
 * out (REC-5, ORD-9). Safe to run any number of times, after every order
 * event: command ids derive from the causing events, so repeats append nothing.
 */

export type SyncOptions = Readonly<{
  store: EventStore;
  receipts: CommandHandler<ReceiptsCommand, ReceiptsEvent, ReceiptsState>;
  orders: CommandHandler<OrderCommand, OrderEvent, OrderState>;
  orderId: string;
  translate?: TranslateOptions;
}>;

/** Receipts commands the receipts decider refused, with why (e.g. `marking-codes-required`, `return-exceeds-sold`). */
export type SyncReport = Readonly<{
  refused: readonly Readonly<{ command: ReceiptsCommand; error: HandlerError }>[];
  locked: boolean;
}>;

const decodeOrder = createEnvelopeDecoder<OrderEvent>(OrderEventCodec);

export const syncOrderReceipts = async (options: SyncOptions): Promise<E.Either<HandlerError, SyncReport>> => {
  const history = await readDecoded<OrderEvent>(options.store, orderStreamId(options.orderId), decodeOrder);
  if (E.isLeft(history)) return history;
  const commands = receiptsCommandsFor(history.right, options.translate);
  if (E.isLeft(commands)) return commands;
  const refused: { command: ReceiptsCommand; error: HandlerError }[] = [];
  for (const { streamId, command } of commands.right) {
    const handled = await options.receipts.handle(streamId, command);
    if (E.isLeft(handled)) refused.push({ command, error: handled.left });
  }
  const issued = await readDecoded<ReceiptsEvent>(
    options.store,
    receiptsStreamId(options.orderId),
    lockOnClosingReceipt.decode,
  );
  if (E.isLeft(issued)) return issued;
  let locked = false;
  for (const envelope of issued.right)
    for (const effect of effectsOf(lockOnClosingReceipt, envelope)) {
      if (effect.kind !== 'command') continue;
      const handled = await options.orders.handle(effect.streamId, effect.command);
      // Locked already (by an earlier run, or by hand) is the state we want.
      if (E.isLeft(handled) && !(handled.left.kind === 'domain' && handled.left.code === 'order-locked'))
        return handled;
      locked = true;
    }
  return E.right({ refused, locked });
};
