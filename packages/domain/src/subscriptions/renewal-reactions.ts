import type { Envelope } from '@ordersource/core';
import type { SubscriptionEvent } from './events.js';
import { renewalOrderCommandsFor, type RenewalOrderOptions, type RenewalOrderOutput } from './renewal-orders.js';

/**
 * One subscription event -> what it asks of the order model, for a reactor
 * that runs event by event (the runtime's renewal-orders reactor) instead of
 * translating the whole history each time (`syncRenewalOrders`).
 *
 * The translation needs the state before the event (the customer, the saved
 * method, the invoice a retry is for), so it takes the history up to and
 * including the event. `renewalOrderCommandsFor` emits each event's outputs
 * in history order, so what the last event caused is what the full history
 * yields beyond the history without it: the same commands and charge
 * requests, with the same derived ids, as the whole-history translation.
 */

/** The event types that can ask something of a renewal order (the others only feed the fold). */
export const RENEWAL_ORDER_CAUSES = [
  'SubscriptionInvoiced',
  'SubscriptionPaymentRetried',
  'SubscriptionPeriodServed',
] as const satisfies readonly SubscriptionEvent['type'][];

export const renewalOrderReactionsTo = (
  history: readonly Envelope<SubscriptionEvent>[],
  options: RenewalOrderOptions,
): readonly RenewalOrderOutput[] => {
  const last = history[history.length - 1];
  if (last === undefined || !(RENEWAL_ORDER_CAUSES as readonly string[]).includes(last.event.type)) return [];
  const before = renewalOrderCommandsFor(history.slice(0, -1), options).length;
  return renewalOrderCommandsFor(history, options).slice(before);
};
