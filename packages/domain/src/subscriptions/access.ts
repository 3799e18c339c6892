import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type DomainError } from '@ordersource/core';
import { mayAccess, type Directory } from '../customers/directory.js';
import type { SubscriptionCommandType } from './commands.js';
import type { SubscriptionState } from './state.js';

/**
 * CUS-3 for subscriptions, with ownership read from the customer directory
 * (company contacts as they are now) rather than the session's companyId:
 * the check an app runs before it sends a customer's command. The decider
 * checks the session claim again, and SUB-4's rules (closable plan, catalog
 * reason) on top.
 */

/** What a customer may send to her own (or her company's) subscription. */
export const CUSTOMER_SUBSCRIPTION_COMMANDS: readonly SubscriptionCommandType[] = [
  'ConfirmQuotation',
  'CloseSubscription',
  'UndoScheduledClose',
  'PauseSubscription',
  'ResumeSubscription',
];

export const mayActOnSubscription = (
  directory: Directory,
  actor: Actor,
  type: SubscriptionCommandType,
  state: SubscriptionState,
): E.Either<DomainError, void> => {
  if (actor.kind === 'admin' || actor.kind === 'system') return E.right(undefined);
  if (actor.kind !== 'customer')
    return E.left(domainError('forbidden', `a ${actor.kind} acts through the order's payments`));
  if (state.customer === null || !mayAccess(directory, actor, state.customer))
    return E.left(domainError('forbidden', 'this subscription belongs to another customer (CUS-3)'));
  if (!CUSTOMER_SUBSCRIPTION_COMMANDS.includes(type))
    return E.left(domainError('forbidden', `a customer may not send ${type}`));
  return E.right(undefined);
};
