import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '@ordersource/core';
import type { SubscriptionCommandData } from './commands.js';
import { after, billing, fail, lineAmount, ok, staff, type Ctx, type Decision } from './decision.js';
import type { SubscriptionEvent } from './events.js';
import { isBefore, notAfter, plusHours, sameInstant } from './period.js';
import { dunningOf } from './settings.js';
import { nextPeriod, openAmount, type SubscriptionInvoice, type SubscriptionState } from './state.js';

/**
 * SUB-2 and Stripe Billing's renewal cycle: one invoice per period, exactly
 * once, for the plan amount; payments and failures from the renewal order;
 * dunning (retries on a schedule, then unpaid or closed after the grace);
 * the rendered period (what the closing receipt waits for).
 */

/** The id of the n-th renewal invoice (1-based): stable, so a re-run names the same invoice. */
export const renewalInvoiceId = (subscriptionId: string, n: number): string => `${subscriptionId}-r${n}`;

const invoiceOf = (state: SubscriptionState, invoiceId: string): SubscriptionInvoice | undefined =>
  state.invoices.find((invoice) => invoice.invoiceId === invoiceId);

/**
 * The events of the renewal that starts at `nextRenewalAt`: the trial's end,
 * the change scheduled for this renewal, then the invoice of the period for
 * the plan amount less the credit balance. `invoiceId` defaults to the n-th
 * renewal id. Time is the period start: a late run records what was due.
 */
export const renewalEvents = (
  state: SubscriptionState,
  invoiceId?: string,
): E.Either<DomainError, SubscriptionEvent[]> => {
  const start = state.nextRenewalAt;
  if (start === null || state.plan === null) return E.right([]);
  const events: SubscriptionEvent[] = [];
  if (state.status === 'trialing') events.push({ type: 'TrialEnded', data: { at: start } });
  const change = state.scheduledChange;
  if (change !== undefined)
    events.push({
      type: 'SubscriptionPlanChanged',
      data: {
        at: start,
        changeId: change.changeId,
        plan: change.plan,
        unitAmount: change.unitAmount,
        quantity: change.quantity,
        creditAdded: 0,
      },
    });
  const now = after(state, events);
  const period = nextPeriod(now);
  if (period === undefined) return E.right([]);
  const total = lineAmount(now.unitAmount, now.quantity);
  if (E.isLeft(total)) return total;
  const creditApplied = Math.min(now.creditBalance, total.right);
  events.push({
    type: 'SubscriptionInvoiced',
    data: {
      at: start,
      invoiceId: invoiceId ?? renewalInvoiceId(state.subscriptionId, state.renewals + 1),
      amount: { amount: total.right - creditApplied, currency: now.currency },
      periodStart: period.start,
      periodEnd: period.end,
      kind: 'renewal',
      planId: now.plan?.planId ?? '',
      unitAmount: now.unitAmount,
      quantity: now.quantity,
      creditApplied,
    },
  });
  return E.right(events);
};

/** A close that takes effect at or before `at` wins over a renewal at the same instant. */
const closesBy = (state: SubscriptionState, at: string): boolean =>
  state.scheduledClose !== undefined && notAfter(state.scheduledClose.effectiveAt, at);

/** RenewSubscription (a timer): the period at `periodStart`, once; a stale or repeated timer changes nothing. */
export const renew = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'RenewSubscription'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'renewals are run by the shop');
  const next = state.nextRenewalAt;
  if (!billing(state) || next === null || !sameInstant(next, data.periodStart) || closesBy(state, next)) return ok();
  if (isBefore(ctx.at, next)) return fail('not-due-yet', `the period starting ${next} is not due at ${ctx.at}`);
  return renewalEvents(state);
};

/** SUB-2 by hand: the next period under the caller's invoice id; period and amount must be the plan's. */
export const invoiceByHand = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'InvoiceSubscription'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'only the shop invoices a subscription');
  if (state.status === 'closed') return fail('subscription-closed', 'a closed subscription is not invoiced');
  if (state.status === 'paused') return fail('subscription-paused', 'a paused subscription is not invoiced');
  if (!billing(state) || state.nextRenewalAt === null) return fail('not-started', 'the subscription has not started');
  if (data.amount.currency !== state.currency)
    return fail(
      'currency-mismatch',
      `the subscription is in ${state.currency}, the invoice in ${data.amount.currency}`,
    );
  if (invoiceOf(state, data.invoiceId) !== undefined)
    return fail('invoice-exists', `invoice ${data.invoiceId} already exists`);
  if (Date.parse(data.periodEnd) <= Date.parse(data.periodStart))
    return fail('invalid-period', 'the period must end after it starts');
  if (closesBy(state, state.nextRenewalAt))
    return fail('close-scheduled', `the subscription closes at ${state.scheduledClose?.effectiveAt ?? ''}`);
  if (isBefore(ctx.at, state.nextRenewalAt))
    return fail('not-due-yet', `the next period starts ${state.nextRenewalAt}`);
  const planned = renewalEvents(state, data.invoiceId);
  if (E.isLeft(planned)) return planned;
  const invoice = planned.right.find((e) => e.type === 'SubscriptionInvoiced');
  if (invoice === undefined || invoice.type !== 'SubscriptionInvoiced') return ok();
  const expected = invoice.data;
  if (!sameInstant(expected.periodStart, data.periodStart) || !sameInstant(expected.periodEnd, data.periodEnd))
    return fail(
      'period-mismatch',
      `the next period is ${expected.periodStart} to ${expected.periodEnd}, not ${data.periodStart} to ${data.periodEnd}`,
      { expected: { periodStart: expected.periodStart, periodEnd: expected.periodEnd } },
    );
  if (expected.amount.amount !== data.amount.amount)
    return fail(
      'amount-mismatch',
      `the plan bills ${expected.amount.amount} for this period, not ${data.amount.amount}`,
      {
        expected: expected.amount.amount,
      },
    );
  // Keep the caller's spelling of the instants on the invoice.
  return ok(
    ...planned.right.map((e) =>
      e.type === 'SubscriptionInvoiced'
        ? { ...e, data: { ...e.data, periodStart: data.periodStart, periodEnd: data.periodEnd } }
        : e,
    ),
  );
};

const payer = (ctx: Ctx): boolean => staff(ctx.actor) || ctx.actor.kind === 'provider';

/** SUB-2: money for an invoice, never more than is open; settles past due once nothing is owed. */
export const pay = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'PaySubscriptionInvoice'>,
): Decision => {
  if (!payer(ctx)) return fail('forbidden', 'payments come from the shop or a provider');
  const invoice = invoiceOf(state, data.invoiceId);
  if (invoice === undefined) return fail('unknown-invoice', `no invoice ${data.invoiceId}`);
  if (data.amount.currency !== state.currency)
    return fail(
      'currency-mismatch',
      `the subscription is in ${state.currency}, the payment in ${data.amount.currency}`,
    );
  if (data.amount.amount > openAmount(invoice))
    return fail('payment-exceeds-invoice', `invoice ${invoice.invoiceId} has ${openAmount(invoice)} open`);
  return ok({
    type: 'SubscriptionPaid',
    data: {
      at: ctx.at,
      invoiceId: invoice.invoiceId,
      amount: data.amount,
      ...(data.paymentId === undefined ? {} : { paymentId: data.paymentId }),
    },
  });
};

/** A renewal payment failed: past due, and dunning starts (or counts one more failure). */
export const failPayment = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'FailSubscriptionPayment'>,
): Decision => {
  if (!payer(ctx)) return fail('forbidden', 'payment outcomes come from the shop or a provider');
  const invoice = invoiceOf(state, data.invoiceId);
  if (invoice === undefined) return fail('unknown-invoice', `no invoice ${data.invoiceId}`);
  // A late failure of an invoice since paid, or of a closed subscription, starts no dunning.
  if (openAmount(invoice) === 0 || state.status === 'closed') return ok();
  const failures = (state.dunning[invoice.invoiceId]?.failures ?? 0) + 1;
  return ok({
    type: 'SubscriptionPaymentFailed',
    data: {
      at: ctx.at,
      invoiceId: invoice.invoiceId,
      failures,
      ...(data.reason === undefined ? {} : { reason: data.reason }),
    },
  });
};

/** When retry `attempt` (2, 3, ...) of a dunned invoice is due, if the schedule has it. */
export const retryAt = (ctx: Pick<Ctx, 'settings'>, firstFailedAt: string, attempt: number): string | undefined => {
  const hours = dunningOf(ctx.settings).retryAfterHours[attempt - 2];
  return hours === undefined ? undefined : plusHours(firstFailedAt, hours);
};

export const graceEndsAt = (ctx: Pick<Ctx, 'settings'>, firstFailedAt: string): string =>
  plusHours(firstFailedAt, dunningOf(ctx.settings).graceHours);

/** Dunning: charge again, once the attempt before failed and its hour came (before the grace ends). */
export const retry = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'RetrySubscriptionPayment'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'retries are run by the shop');
  const dunning = state.dunning[data.invoiceId];
  if (dunning === undefined || state.status === 'closed') return ok();
  // Attempt n is sent once; it waits for attempt n - 1 to fail.
  if (data.attempt !== dunning.retries + 2 || dunning.failures < data.attempt - 1) return ok();
  const at = retryAt(ctx, dunning.firstFailedAt, data.attempt);
  if (at === undefined || !isBefore(at, graceEndsAt(ctx, dunning.firstFailedAt))) return ok();
  if (isBefore(ctx.at, at)) return fail('not-due-yet', `attempt ${data.attempt} is due at ${at}`);
  return ok({ type: 'SubscriptionPaymentRetried', data: { at, invoiceId: data.invoiceId, attempt: data.attempt } });
};

/** The grace is over with the invoice open: unpaid, or closed with "payment failed" (churned). */
export const endGrace = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'EndDunningGrace'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'dunning is run by the shop');
  const dunning = state.dunning[data.invoiceId];
  if (dunning === undefined || state.status === 'closed') return ok();
  const at = graceEndsAt(ctx, dunning.firstFailedAt);
  if (isBefore(ctx.at, at)) return fail('not-due-yet', `the grace of ${data.invoiceId} ends at ${at}`);
  const rules = dunningOf(ctx.settings);
  const listed = ctx.settings.closeReasons.find((reason) => reason.code === rules.closeReasonCode);
  if (rules.onGraceEnd === 'unpaid' || listed === undefined)
    return ok({ type: 'SubscriptionMarkedUnpaid', data: { at, invoiceId: data.invoiceId } });
  return ok({
    type: 'SubscriptionClosed',
    data: {
      at,
      reason: { code: listed.code, label: listed.label },
      closedBy: 'system',
      outcome: 'churned',
      note: `invoice ${data.invoiceId} unpaid after ${rules.graceHours} hours`,
    },
  });
};

/** When a paid invoice's service is rendered: the end of what it serves, or the payment if later. */
export const servedAt = (state: SubscriptionState, invoice: SubscriptionInvoice): string | undefined => {
  if (invoice.served === true || invoice.servesUntil === undefined || invoice.paidAt === undefined) return undefined;
  if (invoice.amount === 0) return undefined;
  // While paused the end of what was still to serve is not known yet.
  if (state.status === 'paused' && state.paused !== undefined && !isBefore(invoice.servesUntil, state.paused.at))
    return undefined;
  return isBefore(invoice.servesUntil, invoice.paidAt) ? invoice.paidAt : invoice.servesUntil;
};

export const markServed = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'MarkPeriodServed'>,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'the shop marks a period served');
  const invoice = invoiceOf(state, data.invoiceId);
  if (invoice === undefined) return fail('unknown-invoice', `no invoice ${data.invoiceId}`);
  const at = servedAt(state, invoice);
  if (at === undefined) return ok();
  if (isBefore(ctx.at, at)) return fail('not-due-yet', `invoice ${invoice.invoiceId} is served at ${at}`);
  return ok({ type: 'SubscriptionPeriodServed', data: { at, invoiceId: invoice.invoiceId } });
};

/** Money of an invoice went back (a refund on its order); never more than was paid. */
export const refund = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'RefundSubscriptionInvoice'>,
): Decision => {
  if (!payer(ctx)) return fail('forbidden', 'refunds come from the shop or a provider');
  const invoice = invoiceOf(state, data.invoiceId);
  if (invoice === undefined) return fail('unknown-invoice', `no invoice ${data.invoiceId}`);
  if (data.amount.currency !== state.currency)
    return fail('currency-mismatch', `the subscription is in ${state.currency}, the refund in ${data.amount.currency}`);
  const refundable = invoice.paid - (invoice.refunded ?? 0);
  if (data.amount.amount > refundable)
    return fail('refund-exceeds-paid', `invoice ${invoice.invoiceId} has ${refundable} paid and not refunded`);
  return ok({
    type: 'SubscriptionRefunded',
    data: { at: ctx.at, invoiceId: invoice.invoiceId, refundId: data.refundId, amount: data.amount },
  });
};
