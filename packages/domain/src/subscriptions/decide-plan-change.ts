import * as E from 'fp-ts/lib/Either.js';
import { domainError, type DomainError } from '@ordersource/core';
import type { SubscriptionCommandData } from './commands.js';
import { billing, fail, lineAmount, ok, staff, type Ctx, type Decision } from './decision.js';
import type { Plan, SubscriptionEvent } from './events.js';
import { isBefore, notAfter } from './period.js';
import { prorate } from './proration.js';
import type { SubscriptionState } from './state.js';

/**
 * Upgrades, downgrades and seat changes (Stripe's subscription update with
 * proration_behavior "always_invoice"; Odoo's upsell). Applied now, the rest
 * of the current period is prorated (`proration.ts`): the net charge is
 * invoiced at once, a net credit goes to the balance the next renewals draw
 * on. Applied at the next renewal, nothing is prorated. Prices are the shop's
 * to set: only the shop changes a plan.
 */

type ChangeData = SubscriptionCommandData<'ChangePlan'>;

export const prorationInvoiceId = (subscriptionId: string, changeId: string): string =>
  `${subscriptionId}-p-${changeId}`;

const samePeriod = (a: Plan, b: Plan): boolean =>
  a.billingPeriod.unit === b.billingPeriod.unit && a.billingPeriod.count === b.billingPeriod.count;

/** The new terms: plan, unit price (stated, or the plan's price in the subscription's currency) and seats. */
const newTerms = (
  state: SubscriptionState,
  plan: Plan,
  data: ChangeData,
): E.Either<DomainError, Readonly<{ plan: Plan; unitAmount: number; quantity: number }>> => {
  const listed = plan.prices?.find((p) => p.currency === state.currency);
  if (data.recurringAmount !== undefined && data.recurringAmount.currency !== state.currency)
    return E.left(
      domainError(
        'currency-mismatch',
        `the subscription is in ${state.currency}, the price in ${data.recurringAmount.currency}`,
      ),
    );
  const unitAmount = data.recurringAmount?.amount ?? (data.plan === undefined ? state.unitAmount : listed?.amount);
  if (unitAmount === undefined)
    return E.left(
      domainError('price-required', `plan ${plan.planId} has no price in ${state.currency}: give recurringAmount`),
    );
  if (listed !== undefined && listed.amount !== unitAmount)
    return E.left(
      domainError(
        'price-not-plan-price',
        `plan ${plan.planId} costs ${listed.amount} ${state.currency}, not ${unitAmount}`,
      ),
    );
  return E.right({ plan, unitAmount, quantity: data.quantity ?? state.quantity });
};

export const changePlan = (state: SubscriptionState, ctx: Ctx, data: ChangeData): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'only the shop changes a plan or its price');
  if (state.plan === null || !billing(state))
    return fail('not-billing', `a ${state.status} subscription cannot change plan`);
  if (state.changeIds.includes(data.changeId)) return ok();
  const terms = newTerms(state, data.plan ?? state.plan, data);
  if (E.isLeft(terms)) return terms;
  const { plan, unitAmount, quantity } = terms.right;
  const newTotal = lineAmount(unitAmount, quantity);
  if (E.isLeft(newTotal)) return newTotal;
  const oldTotal = lineAmount(state.unitAmount, state.quantity);
  if (E.isLeft(oldTotal)) return oldTotal;
  const note = data.note === undefined ? {} : { note: data.note };
  const changed = { changeId: data.changeId, plan, unitAmount, quantity, ...note };
  if (data.timing === 'next_renewal')
    return ok({ type: 'SubscriptionPlanChangeScheduled', data: { at: ctx.at, ...changed } });
  if (!samePeriod(state.plan, plan))
    return fail(
      'period-change-at-renewal',
      'a change of billing period applies at the next renewal (timing next_renewal)',
    );
  if (state.status !== 'trialing' && state.status !== 'in_progress')
    return fail('not-billing', `a ${state.status} subscription changes plan at the next renewal only`);
  if (state.nextRenewalAt !== null && notAfter(state.nextRenewalAt, ctx.at) && state.status !== 'trialing')
    return fail('renewal-due', `a renewal is due since ${state.nextRenewalAt}: run the due work first`);
  const period = state.currentPeriod;
  // In a trial, or before the first period was invoiced, nothing was billed: nothing to prorate.
  if (state.status === 'trialing' || period === null || isBefore(ctx.at, period.start))
    return ok({ type: 'SubscriptionPlanChanged', data: { at: ctx.at, ...changed, creditAdded: 0 } });
  const { credit, charge, net } = prorate(oldTotal.right, newTotal.right, period.start, ctx.at, period.end);
  const events: SubscriptionEvent[] = [
    {
      type: 'SubscriptionPlanChanged',
      data: {
        at: ctx.at,
        ...changed,
        creditAdded: net < 0 ? -net : 0,
        proration: { periodStart: period.start, periodEnd: period.end, credit, charge },
      },
    },
  ];
  if (net > 0)
    events.push({
      type: 'SubscriptionInvoiced',
      data: {
        at: ctx.at,
        invoiceId: prorationInvoiceId(state.subscriptionId, data.changeId),
        amount: { amount: net, currency: state.currency },
        periodStart: ctx.at,
        periodEnd: period.end,
        kind: 'proration',
        planId: plan.planId,
        unitAmount,
        quantity,
      },
    });
  return ok(...events);
};
