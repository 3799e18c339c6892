import type { SubscriptionCommandData } from './commands.js';
import { fail, ok, staff, type Ctx, type Decision } from './decision.js';
import { instant, isBefore, notAfter, sameInstant } from './period.js';
import { openInvoices, type SubscriptionState } from './state.js';

/**
 * Pause and resume (Stripe's pause, Odoo's "paused" stage): no invoices while
 * paused; the part of the current period not yet served when the pause began
 * is served after the resume, so the period (and every later one) shifts by
 * the time paused. Customers pause only a pausable plan; the shop any.
 */

const mayPause = (state: SubscriptionState, ctx: Ctx): Decision | undefined => {
  if (ctx.actor.kind === 'customer' && state.plan?.pausable !== true)
    return fail('not-pausable', 'this plan cannot be paused from the customer portal');
  if (ctx.actor.kind !== 'customer' && !staff(ctx.actor))
    return fail('forbidden', `a ${ctx.actor.kind} may not pause a subscription`);
  return undefined;
};

export const pause = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'PauseSubscription'>,
): Decision => {
  const refused = mayPause(state, ctx);
  if (refused !== undefined) return refused;
  if (state.status !== 'in_progress')
    return fail('not-pausable-now', `a ${state.status} subscription cannot be paused`);
  if (openInvoices(state).length > 0) return fail('invoice-open', 'pay the open invoices before pausing');
  if (state.scheduledClose !== undefined) return fail('close-scheduled', 'undo the scheduled close before pausing');
  if (state.nextRenewalAt === null || notAfter(state.nextRenewalAt, ctx.at))
    return fail('renewal-due', `a renewal is due since ${state.nextRenewalAt ?? '?'}: run the due work first`);
  if (data.resumeAt !== undefined && notAfter(data.resumeAt, ctx.at))
    return fail('invalid-resume', 'resumeAt must be after the pause');
  return ok({
    type: 'SubscriptionPaused',
    data: {
      at: ctx.at,
      ...(data.resumeAt === undefined ? {} : { resumeAt: data.resumeAt }),
      ...(data.note === undefined ? {} : { note: data.note }),
    },
  });
};

/** The current period's new end: the resume plus what was left of it when paused. */
const shiftedEnd = (state: SubscriptionState, at: string): string => {
  const left = Date.parse(state.nextRenewalAt ?? at) - Date.parse(state.paused?.at ?? at);
  return new Date(Date.parse(instant(at)) + Math.max(left, 0)).toISOString();
};

export const resume = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'ResumeSubscription'>,
): Decision => {
  const refused = mayPause(state, ctx);
  if (refused !== undefined) return refused;
  if (state.status !== 'paused' || state.paused === undefined)
    return fail('not-paused', 'the subscription is not paused');
  if (isBefore(ctx.at, state.paused.at)) return fail('invalid-resume', 'a resume cannot come before the pause');
  return ok({
    type: 'SubscriptionResumed',
    data: { at: ctx.at, periodEnd: shiftedEnd(state, ctx.at), ...(data.note === undefined ? {} : { note: data.note }) },
  });
};

/** The pause's own `resumeAt` came (a timer). */
export const resumeAt = (state: SubscriptionState, ctx: Ctx, data: SubscriptionCommandData<'ResumeAt'>): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'scheduled resumes are run by the shop');
  const planned = state.paused?.resumeAt;
  if (state.status !== 'paused' || planned === undefined || !sameInstant(planned, data.resumeAt)) return ok();
  if (isBefore(ctx.at, planned)) return fail('not-due-yet', `the subscription resumes at ${planned}`);
  return ok({ type: 'SubscriptionResumed', data: { at: planned, periodEnd: shiftedEnd(state, planned) } });
};
