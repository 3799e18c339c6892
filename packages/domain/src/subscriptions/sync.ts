import * as E from 'fp-ts/lib/Either.js';
import {
  createEnvelopeDecoder,
  effectsOf,
  type CommandHandler,
  type DomainError,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { OrderEventDecoder, orderStreamId, type OrderEvent } from '../order/events.js';
import type { OrderState } from '../order/state.js';
import type { SubscriptionCommand } from './commands.js';
import { SubscriptionEventCodec, subscriptionStreamId, type SubscriptionEvent } from './events.js';
import {
  renewalOrderCommandsFor,
  renewalPaymentsReactor,
  type ChargeRequest,
  type RenewalOrderOptions,
} from './renewal-orders.js';
import type { SubscriptionState } from './state.js';
import { readDecoded } from '../read-decoded.js';

/**
 * The two directions of `renewal-orders.ts` as processes over a store, safe
 * to run any number of times (every command id derives from its cause):
 * - `syncRenewalOrders`: a subscription's invoices, retries and served
 *   periods -> its renewal orders; returns the charge requests for the
 *   payment adapter (it answers with RecordSale / FailPayment on the order);
 * - `syncRenewalPayments`: one renewal order's payment outcomes -> its
 *   subscription.
 */

const decodeSubscription = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);
const decodeOrder = createEnvelopeDecoder<OrderEvent>(OrderEventDecoder);

export type RenewalOrdersReport = Readonly<{
  charges: readonly ChargeRequest[];
  refused: readonly Readonly<{ command: OrderCommand; error: HandlerError }>[];
}>;

export const syncRenewalOrders = async (
  options: Readonly<{
    store: EventStore;
    orders: CommandHandler<OrderCommand, OrderEvent, OrderState>;
    subscriptionId: string;
    renewalOrders: RenewalOrderOptions;
  }>,
): Promise<E.Either<DomainError, RenewalOrdersReport>> => {
  const history = await readDecoded<SubscriptionEvent>(
    options.store,
    subscriptionStreamId(options.subscriptionId),
    decodeSubscription,
  );
  if (E.isLeft(history)) return history;
  const charges: ChargeRequest[] = [];
  const refused: { command: OrderCommand; error: HandlerError }[] = [];
  for (const output of renewalOrderCommandsFor(history.right, options.renewalOrders)) {
    if (output.kind === 'charge') {
      charges.push(output);
      continue;
    }
    const handled = await options.orders.handle(output.streamId, output.command);
    // Handled before (the same command id) returns its first outcome: nothing is appended twice.
    if (E.isLeft(handled)) refused.push({ command: output.command, error: handled.left });
  }
  return E.right({ charges, refused });
};

export const syncRenewalPayments = async (
  options: Readonly<{
    store: EventStore;
    subscriptions: CommandHandler<SubscriptionCommand, SubscriptionEvent, SubscriptionState>;
    orderId: string;
  }>,
): Promise<E.Either<DomainError, readonly Readonly<{ command: SubscriptionCommand; error: HandlerError }>[]>> => {
  const history = await readDecoded<OrderEvent>(options.store, orderStreamId(options.orderId), decodeOrder);
  if (E.isLeft(history)) return history;
  const refused: { command: SubscriptionCommand; error: HandlerError }[] = [];
  for (const envelope of history.right)
    for (const effect of effectsOf(renewalPaymentsReactor, envelope)) {
      if (effect.kind !== 'command') continue;
      const handled = await options.subscriptions.handle(effect.streamId, effect.command);
      if (E.isLeft(handled)) refused.push({ command: effect.command, error: handled.left });
    }
  return E.right(refused);
};
