import { createEnvelopeDecoder, type Envelope, type EventStore } from '@ordersource/core';
import {
  RENEWAL_ORDER_CAUSES,
  renewalOrderReactionsTo,
  SUBSCRIPTION_STREAM_PREFIX,
  SubscriptionEventCodec,
  type ChargeRequest,
  type RenewalOrderOptions,
  type SubscriptionEvent,
} from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import type { ReactContext, ShopEffect, ShopReactor } from './reactors.js';

/**
 * Subscription billing on the order model, run by the shop (issue 13,
 * SUB-2, PAY-1, REC-3, REC-5): each renewal invoice of a subscription
 * becomes its renewal order; each invoice and dunning retry, a charge on
 * the saved method through the shop's payment port; the served period
 * fulfils the order (which owes the closing receipt). The payment outcomes
 * on that order go back to the subscription through the domain's
 * `renewalPaymentsReactor` (see `shopReactors`).
 *
 * The translation is the domain's (`renewalOrderReactionsTo`, pure); these
 * reactors read the subscription's history up to the event, because it
 * needs the state before it (the customer, the saved method, the invoice a
 * retry is for). Each reactor keeps what it read per stream, so an event
 * reads only what came since.
 */

const decodeSubscription = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);

export const RENEWAL_ORDERS_REACTOR = 'subscriptions.renewal-orders';
export const RENEWAL_CHARGES_REACTOR = 'subscriptions.renewal-charges';

/** The subscription's history up to the event being reacted to, cached per stream (events never change). */
const subscriptionHistories = (name: string, cacheSize: number) => {
  const histories = new Map<string, Envelope<SubscriptionEvent>[]>();
  const read = async (store: EventStore, streamId: string, version: number) => {
    const known = histories.get(streamId) ?? [];
    if (known.length <= version)
      for await (const raw of store.read(streamId, { from: known.length, limit: version + 1 - known.length })) {
        const decoded = decodeSubscription(raw);
        if (E.isLeft(decoded)) throw new Error(`reactor ${name}: ${decoded.left.message}`);
        known.push(decoded.right);
      }
    // Most recently used last, so the stream dropped is the one untouched longest.
    histories.delete(streamId);
    histories.set(streamId, known);
    if (histories.size > cacheSize) histories.delete(histories.keys().next().value as string);
    return known.slice(0, version + 1);
  };
  return async ({ store, raw }: ReactContext): Promise<Envelope<SubscriptionEvent>[]> => {
    let history = await read(store, raw.streamId, raw.streamVersion);
    if (history[raw.streamVersion]?.eventId !== raw.eventId) {
      // Not the stream we cached (a store reset under us): read it afresh.
      histories.delete(raw.streamId);
      history = await read(store, raw.streamId, raw.streamVersion);
    }
    if (history[raw.streamVersion]?.eventId !== raw.eventId)
      throw new Error(`reactor ${name}: ${raw.streamId}@${raw.streamVersion} is not in the store`);
    return history;
  };
};

const filter = { streamPrefix: SUBSCRIPTION_STREAM_PREFIX, eventTypes: [...RENEWAL_ORDER_CAUSES] };

/**
 * A subscription's invoices and served periods -> its renewal orders'
 * commands (PlaceOrder; RecordOrder and MarkDelivered once served), with
 * ids derived from the causing event: delivered again, nothing is appended twice.
 */
export const renewalOrdersReactor = (options: RenewalOrderOptions, cacheSize = 1_000): ShopReactor => {
  const historyOf = subscriptionHistories(RENEWAL_ORDERS_REACTOR, cacheSize);
  return {
    name: RENEWAL_ORDERS_REACTOR,
    decodesItself: true,
    filter,
    react: async (_envelope, context) =>
      renewalOrderReactionsTo(await historyOf(context), options).flatMap((output): ShopEffect[] =>
        output.kind === 'command' ? [{ kind: 'command', streamId: output.streamId, command: output.command }] : [],
      ),
  };
};

/**
 * The payment port: makes one charge on the saved method and later answers
 * on the renewal order (RecordSale / FailPayment on `request.orderStreamId`,
 * as a provider's webhook does). Called at least once per request: the
 * provider dedupes by `request.id` (Stripe's Idempotency-Key). Throwing
 * makes the runtime try again (then park the event, visible in `health()`).
 */
export type ChargePort = (request: ChargeRequest) => void | Promise<void>;

/**
 * Each renewal invoice (first attempt) and each dunning retry -> one call of
 * the payment port. The charge needs its order: on a running shop the order
 * reactor may not have placed it yet, so the charge waits (a retry) until it has.
 */
export const renewalChargesReactor = (
  charge: ChargePort,
  options: RenewalOrderOptions,
  cacheSize = 1_000,
): ShopReactor => {
  const historyOf = subscriptionHistories(RENEWAL_CHARGES_REACTOR, cacheSize);
  return {
    name: RENEWAL_CHARGES_REACTOR,
    decodesItself: true,
    filter,
    react: async (_envelope, context) => {
      for (const output of renewalOrderReactionsTo(await historyOf(context), options)) {
        if (output.kind !== 'charge') continue;
        let placed = false;
        for await (const _ of context.store.read(output.orderStreamId, { limit: 1 })) placed = true;
        if (!placed)
          throw new Error(
            `${RENEWAL_CHARGES_REACTOR}: ${output.orderStreamId} is not placed yet; charge ${output.id} waits`,
          );
        await charge(output);
      }
      return [];
    },
  };
};

/**
 * `createShop({ reactors: withPaymentPort(charge) })`: the shop's reactors
 * plus the charges of renewal invoices through `charge`. Without it a shop
 * places renewal orders but charges nobody (an invoice stays open until paid
 * some other way, and dunning closes it as Stripe does).
 */
export const withPaymentPort =
  (charge: ChargePort, options: RenewalOrderOptions = { vatRate: 'vat22' }) =>
  (defaults: readonly ShopReactor[]): readonly ShopReactor[] => [...defaults, renewalChargesReactor(charge, options)];
