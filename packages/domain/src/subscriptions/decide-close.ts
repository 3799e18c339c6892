import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type DomainError } from '@ordersource/core';
import type { SubscriptionCommandData } from './commands.js';
import { billing, fail, ok, staff, type Ctx, type Decision } from './decision.js';
import type { ClosedBy, CloseReason } from './events.js';
import { isBefore, notAfter, sameInstant } from './period.js';
import type { SubscriptionSettings } from './settings.js';
import type { SubscriptionState } from './state.js';

/**
 * SUB-3/SUB-4 (seed 004): an admin closes at any time, also after it was
 * invoiced and paid, with a configured reason or free text; a customer only
 * a closable plan, only with a configured reason she may pick. Stripe's
 * cancel_at_period_end: the close may wait for the end of the current
 * period and be undone until then. A subscription never invoiced is
 * cancelled rather than churned (Odoo).
 */

type CloseData = SubscriptionCommandData<'CloseSubscription'>;

export const closeReason = (
  settings: SubscriptionSettings,
  actor: Actor,
  data: CloseData,
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
  if (listed === undefined)
    return E.left(domainError('close-reason-unknown', `no configured close reason ${data.reasonCode ?? ''} (SUB-5)`));
  if (actor.kind === 'customer' && listed.customerSelectable === false)
    return E.left(
      domainError('close-reason-not-listed', `the reason ${listed.code} is not offered to customers (SUB-4)`),
    );
  return E.right({ code: listed.code, label: listed.label });
};

const closedBy = (actor: Actor): ClosedBy =>
  actor.kind === 'customer' ? 'customer' : actor.kind === 'system' ? 'system' : 'admin';

/** SUB-4: who may close at all: the shop, or the owner of a closable plan. */
const mayClose = (state: SubscriptionState, actor: Actor): Decision | undefined => {
  if (actor.kind === 'customer' && state.plan?.closable !== true)
    return fail('not-closable', 'this plan is not closable from the customer portal (SUB-1, SUB-4)');
  if (actor.kind !== 'customer' && !staff(actor))
    return fail('forbidden', `a ${actor.kind} may not close a subscription`);
  return undefined;
};

const outcomeOf = (state: SubscriptionState) => (state.invoices.length > 0 ? 'churned' : 'cancelled');

/** When "at the end of the current period" is: the trial's end, the current period's end, or now. */
const periodEndOf = (state: SubscriptionState, at: string): string => {
  if (state.status === 'trialing' && state.trialEndsAt !== undefined) return state.trialEndsAt;
  const end = state.currentPeriod?.end;
  return end !== undefined && isBefore(at, end) ? end : at;
};

export const close = (state: SubscriptionState, ctx: Ctx, data: CloseData): Decision => {
  if (state.status === 'closed') return fail('subscription-closed', 'the subscription is already closed');
  const refused = mayClose(state, ctx.actor);
  if (refused !== undefined) return refused;
  const reason = closeReason(ctx.settings, ctx.actor, data);
  if (E.isLeft(reason)) return reason;
  const note = data.note === undefined ? {} : { note: data.note };
  if (data.when === 'period_end') {
    if (state.scheduledClose !== undefined)
      return fail('close-already-scheduled', `the subscription already closes at ${state.scheduledClose.effectiveAt}`);
    if (!billing(state))
      return fail('not-billing', `a ${state.status} subscription has no current period to end; close it now`);
    const effectiveAt = periodEndOf(state, ctx.at);
    if (!sameInstant(effectiveAt, ctx.at))
      return ok({
        type: 'SubscriptionCloseScheduled',
        data: { at: ctx.at, effectiveAt, reason: reason.right, closedBy: closedBy(ctx.actor), ...note },
      });
  }
  return ok({
    type: 'SubscriptionClosed',
    data: { at: ctx.at, reason: reason.right, closedBy: closedBy(ctx.actor), outcome: outcomeOf(state), ...note },
  });
};

/** Take back the scheduled close before it takes effect (the shop, or the owner of a closable plan). */
export const undoScheduledClose = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'UndoScheduledClose'>,
): Decision => {
  const refused = mayClose(state, ctx.actor);
  if (refused !== undefined) return refused;
  if (state.scheduledClose === undefined) return fail('no-scheduled-close', 'no close is scheduled');
  if (notAfter(state.scheduledClose.effectiveAt, ctx.at))
    return fail('close-took-effect', `the close took effect at ${state.scheduledClose.effectiveAt}`);
  return ok({
    type: 'ScheduledCloseUndone',
    data: { at: ctx.at, ...(data.note === undefined ? {} : { note: data.note }) },
  });
};

/** The scheduled close takes effect at its instant (a timer); stale timers change nothing. */
export const applyScheduledClose = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'ApplyScheduledClose'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'scheduled closes are run by the shop');
  const scheduled = state.scheduledClose;
  if (state.status === 'closed' || scheduled === undefined || !sameInstant(scheduled.effectiveAt, data.effectiveAt))
    return ok();
  if (isBefore(ctx.at, scheduled.effectiveAt))
    return fail('not-due-yet', `the close takes effect at ${scheduled.effectiveAt}`);
  return ok({
    type: 'SubscriptionClosed',
    data: {
      at: scheduled.effectiveAt,
      reason: scheduled.reason,
      closedBy: scheduled.closedBy,
      outcome: outcomeOf(state),
      ...(scheduled.note === undefined ? {} : { note: scheduled.note }),
    },
  });
};
