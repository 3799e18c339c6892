import * as E from 'fp-ts/lib/Either.js';
import { customerMayAccess } from '../order/access.js';
import type { SubscriptionCommandData } from './commands.js';
import { fail, lineAmount, ok, staff, type Ctx, type Decision } from './decision.js';
import type { Plan } from './events.js';
import { instant, plusDays } from './period.js';
import type { SubscriptionState } from './state.js';

/**
 * SUB-1/SUB-2 (Odoo): a quotation for a subscription product, confirmed by
 * the shop or by the customer herself, becomes a subscription order: in
 * progress, or trialing for the plan's trial days (Stripe's trialing).
 */

type Terms = SubscriptionCommandData<'StartSubscription'>;

/** The plan's price list, when it has one, must hold the unit price in its currency. */
const priceCheck = (plan: Plan, amount: { amount: number; currency: string }): Decision | undefined => {
  if (plan.prices === undefined) return undefined;
  const currencies = plan.prices.map((p) => p.currency);
  if (new Set(currencies).size !== currencies.length)
    return fail('plan-prices-duplicate', `plan ${plan.planId} lists a currency twice: ${currencies.join(', ')}`);
  const listed = plan.prices.find((p) => p.currency === amount.currency);
  if (listed === undefined)
    return fail('plan-not-sold-in-currency', `plan ${plan.planId} has no price in ${amount.currency}`);
  if (listed.amount !== amount.amount)
    return fail(
      'price-not-plan-price',
      `plan ${plan.planId} costs ${listed.amount} ${listed.currency}, not ${amount.amount}`,
    );
  return undefined;
};

const mayStart = (ctx: Ctx, terms: Pick<Terms, 'customer'>): boolean =>
  staff(ctx.actor) || (ctx.actor.kind === 'customer' && customerMayAccess(ctx.actor, terms.customer));

const checkTerms = (terms: Pick<Terms, 'plan' | 'recurringAmount' | 'quantity'>): Decision | undefined => {
  const price = priceCheck(terms.plan, terms.recurringAmount);
  if (price !== undefined) return price;
  const total = lineAmount(terms.recurringAmount.amount, terms.quantity ?? 1);
  return E.isLeft(total) ? total : undefined;
};

const trialEnd = (plan: Plan, at: string): string | undefined =>
  plan.trialDays === undefined || plan.trialDays === 0 ? undefined : plusDays(instant(at), plan.trialDays);

const started = (ctx: Ctx, terms: Terms, note?: string): Decision => {
  const ends = trialEnd(terms.plan, ctx.at);
  return ok({
    type: 'SubscriptionStarted',
    data: {
      at: ctx.at,
      ...terms,
      ...(ends === undefined ? {} : { trialEndsAt: ends }),
      ...(note === undefined ? {} : { note }),
    },
  });
};

export const startSubscription = (state: SubscriptionState, ctx: Ctx, data: Terms): Decision => {
  if (state.status !== 'none') return fail('subscription-exists', 'the subscription was already started');
  if (!mayStart(ctx, data))
    return fail('forbidden', 'only the shop, or the customer confirming her own quotation, starts a subscription');
  return checkTerms(data) ?? started(ctx, data);
};

export const createQuotation = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'CreateQuotation'>,
): Decision => {
  if (state.status !== 'none') return fail('subscription-exists', 'the subscription was already started');
  if (!staff(ctx.actor)) return fail('forbidden', 'the shop makes quotations');
  return checkTerms(data) ?? ok({ type: 'QuotationCreated', data: { at: ctx.at, ...data } });
};

export const confirmQuotation = (
  state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'ConfirmQuotation'>,
): Decision => {
  if (state.status !== 'quotation' || state.customer === null || state.plan === null || state.quotationId === undefined)
    return fail('not-a-quotation', `the subscription is ${state.status}, not a quotation`);
  const terms: Terms = {
    subscriptionId: state.subscriptionId,
    customer: state.customer,
    plan: state.plan,
    recurringAmount: { amount: state.unitAmount, currency: state.currency },
    quotationId: state.quotationId,
    ...(state.quantity === 1 ? {} : { quantity: state.quantity }),
    ...(state.billingAddress === undefined ? {} : { billingAddress: state.billingAddress }),
    ...(state.paymentMethod === undefined ? {} : { paymentMethod: state.paymentMethod }),
  };
  return started(ctx, terms, data.note);
};
