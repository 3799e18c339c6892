import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type Decider, type DomainError } from '@ordersource/core';
import { customerMayAccess } from '../order/access.js';
import type { SubscriptionCommand } from './commands.js';
import type { CloseReason, SubscriptionEvent } from './events.js';
import type { SubscriptionSettings } from './settings.js';
import { evolveSubscription, initialSubscriptionState, type SubscriptionState } from './state.js';

/**
 * SUB-1..SUB-5 (seed 004, Odoo Subscriptions): a subscription starts in
 * progress from a confirmed quotation, is invoiced and paid period by period,
 * and is closed with a reason. An admin may close it at any time, also after
 * it was invoiced and paid, with a configured reason or free text; a customer
 * only when the plan is closable, and only with a configured reason. The
 * configured reasons come from the shop's settings, bound when the decider is
 * made, so decide stays a pure function.
 */

type Decision = E.Either<DomainError, readonly SubscriptionEvent[]>;
const fail = (code: string, message: string): Decision => E.left(domainError(code, message));
const ok = (...events: SubscriptionEvent[]): Decision => E.right(events);

const staff = (actor: Actor): boolean => actor.kind === 'admin' || actor.kind === 'system';

const closeReason = (
  settings: SubscriptionSettings,
  actor: Actor,
  data: Extract<SubscriptionCommand, { type: 'CloseSubscription' }>['data'],
): E.Either<DomainError, CloseReason> => {
  if ((data.reasonCode === undefined) === (data.reasonText === undefined))
    return E.left(domainError('close-reason-required', 'give exactly one of reasonCode or reasonText'));
  if (data.reasonText !== undefined)
    return actor.kind === 'customer'
      ? E.left(
          domainError('close-reason-not-listed', 'a customer closes with one of the configured reasons only (SUB-4)'),
        )
      : E.right({ text: data.reasonText });
  const listed = settings.closeReasons.find((reason) => reason.code === data.reasonCode);
  return listed === undefined
    ? E.left(domainError('close-reason-unknown', `no configured close reason ${data.reasonCode ?? ''} (SUB-5)`))
    : E.right({ code: listed.code, label: listed.label });
};

const close = (
  settings: SubscriptionSettings,
  state: SubscriptionState,
  actor: Actor,
  at: string,
  data: Extract<SubscriptionCommand, { type: 'CloseSubscription' }>['data'],
): Decision => {
  if (state.status === 'closed') return fail('subscription-closed', 'the subscription is already closed');
  if (actor.kind === 'customer' && state.plan?.closable !== true)
    return fail('not-closable', 'this plan is not closable from the customer portal (SUB-1, SUB-4)');
  if (actor.kind !== 'customer' && !staff(actor))
    return fail('forbidden', `a ${actor.kind} may not close a subscription`);
  const reason = closeReason(settings, actor, data);
  if (E.isLeft(reason)) return reason;
  return ok({
    type: 'SubscriptionClosed',
    data: {
      at,
      reason: reason.right,
      closedBy: actor.kind === 'customer' ? 'customer' : 'admin',
      outcome: state.invoices.length > 0 ? 'churned' : 'cancelled',
    },
  });
};

export const decideSubscription =
  (settings: SubscriptionSettings) =>
  (command: SubscriptionCommand, state: SubscriptionState): Decision => {
    const { actor, at } = command.metadata;
    if (command.type === 'StartSubscription') {
      if (state.status !== 'none') return fail('subscription-exists', 'the subscription was already started');
      if (!staff(actor) && !(actor.kind === 'customer' && customerMayAccess(actor, command.data.customer)))
        return fail('forbidden', 'only the shop, or the customer confirming her own quotation, starts a subscription');
      const { quotationId, ...data } = command.data;
      return ok({
        type: 'SubscriptionStarted',
        data: { at, ...data, ...(quotationId === undefined ? {} : { quotationId }) },
      });
    }
    if (state.status === 'none' || state.customer === null)
      return fail('subscription-not-found', 'no such subscription');
    if (actor.kind === 'customer' && !customerMayAccess(actor, state.customer))
      return fail('forbidden', 'this subscription belongs to another customer (CUS-3)');
    switch (command.type) {
      case 'CloseSubscription':
        return close(settings, state, actor, at, command.data);
      case 'InvoiceSubscription': {
        if (!staff(actor)) return fail('forbidden', 'only the shop invoices a subscription');
        if (state.status === 'closed') return fail('subscription-closed', 'a closed subscription is not invoiced');
        const { amount, invoiceId, periodStart, periodEnd } = command.data;
        if (amount.currency !== state.currency)
          return fail(
            'currency-mismatch',
            `the subscription is in ${state.currency}, the invoice in ${amount.currency}`,
          );
        if (state.invoices.some((i) => i.invoiceId === invoiceId))
          return fail('invoice-exists', `invoice ${invoiceId} already exists`);
        if (Date.parse(periodEnd) <= Date.parse(periodStart))
          return fail('invalid-period', 'the period must end after it starts');
        return ok({ type: 'SubscriptionInvoiced', data: { at, invoiceId, amount, periodStart, periodEnd } });
      }
      case 'PaySubscriptionInvoice': {
        if (!staff(actor) && actor.kind !== 'provider')
          return fail('forbidden', 'payments come from the shop or a provider');
        const invoice = state.invoices.find((i) => i.invoiceId === command.data.invoiceId);
        if (invoice === undefined) return fail('unknown-invoice', `no invoice ${command.data.invoiceId}`);
        const { amount } = command.data;
        if (amount.currency !== state.currency)
          return fail(
            'currency-mismatch',
            `the subscription is in ${state.currency}, the payment in ${amount.currency}`,
          );
        if (amount.amount > invoice.amount - invoice.paid)
          return fail(
            'payment-exceeds-invoice',
            `invoice ${invoice.invoiceId} has ${invoice.amount - invoice.paid} open`,
          );
        return ok({ type: 'SubscriptionPaid', data: { at, invoiceId: invoice.invoiceId, amount } });
      }
    }
  };

/** The subscription decider for one shop's settings. A closed subscription is not invoiced again; an open invoice may still be paid. */
export const subscriptionDecider = (
  settings: SubscriptionSettings,
): Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> => ({
  initialState: initialSubscriptionState,
  decide: decideSubscription(settings),
  evolve: evolveSubscription,
});
