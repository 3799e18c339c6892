import * as E from 'fp-ts/lib/Either.js';
import type { Draft } from 'immer';
import { deepCopy, domainError, type Actor, type DomainError } from '@ordersource/core';
import type { SubscriptionEvent } from './events.js';
import type { SubscriptionSettings } from './settings.js';
import { evolveSubscription, type SubscriptionState } from './state.js';

/** Shared pieces of the subscription rules (decide-*.ts). */

export type Decision = E.Either<DomainError, readonly SubscriptionEvent[]>;

/** What every rule gets besides the state: the shop's settings, who acts, and when. */
export type Ctx = Readonly<{ settings: SubscriptionSettings; actor: Actor; at: string }>;

export const fail = (code: string, message: string, details?: Readonly<Record<string, unknown>>): Decision =>
  E.left(domainError(code, message, details));
export const ok = (...events: SubscriptionEvent[]): Decision => E.right(events);

/** The shop itself: an admin, or a system process (timers, reactors). */
export const staff = (actor: Actor): boolean => actor.kind === 'admin' || actor.kind === 'system';

/**
 * The state after some events: rules that emit several events plan each on
 * the state the last left. A private copy evolved in place: immer's produce
 * would freeze the parts it shares with `state`, which RunDueWork evolves in
 * place.
 */
export const after = (state: SubscriptionState, events: readonly SubscriptionEvent[]): SubscriptionState => {
  if (events.length === 0) return state;
  const copy = deepCopy(state);
  for (const event of events) evolveSubscription(copy as Draft<SubscriptionState>, event);
  return copy;
};

/** unit x quantity, refused when it leaves the safe integer range (money stays exact). */
export const lineAmount = (unitAmount: number, quantity: number): E.Either<DomainError, number> => {
  const amount = unitAmount * quantity;
  return Number.isSafeInteger(amount)
    ? E.right(amount)
    : E.left(
        domainError('amount-too-large', `${unitAmount} x ${quantity} is beyond the safe integer range`, {
          unitAmount,
          quantity,
        }),
      );
};

/** Statuses that bill periods (a paused, closed or not yet started subscription bills nothing). */
export const billing = (state: SubscriptionState): boolean =>
  state.status === 'trialing' ||
  state.status === 'in_progress' ||
  state.status === 'past_due' ||
  state.status === 'unpaid';
