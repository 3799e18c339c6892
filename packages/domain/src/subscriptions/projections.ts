import type { Draft } from 'immer';
import { createEnvelopeDecoder, mutableCopy, type Envelope, type Money, type Projection } from '@ordersource/core';
import { SUBSCRIPTION_STREAM_PREFIX, SubscriptionEventCodec, type SubscriptionEvent } from './events.js';
import { monthlyNormalised } from './period.js';
import {
  evolveSubscription,
  initialSubscriptionState,
  type SubscriptionState,
  type SubscriptionStatus,
} from './state.js';

/**
 * Read models over every subscription stream: the admin list by status, and
 * the analytics Stripe's and Odoo's dashboards show: active count, MRR per
 * currency, churn by reason and by month, trial conversion.
 */

export type SubscriptionsModel = {
  subscriptions: Record<string, SubscriptionState>;
  /** Churned subscriptions (closed after an invoice) by reason code ("free-text" for an admin's own words). */
  churnByReason: Record<string, number>;
  /** Churned subscriptions by the month the close took effect (YYYY-MM). */
  churnByMonth: Record<string, number>;
  /** Subscriptions that started with a trial; those whose first invoice after it was paid; those closed before. */
  trials: { started: number; converted: number; lost: number };
  /** Trialing subscriptions whose conversion is not decided yet. */
  pendingTrials: Record<string, true>;
};

export const emptySubscriptionsModel: SubscriptionsModel = {
  subscriptions: {},
  churnByReason: {},
  churnByMonth: {},
  trials: { started: 0, converted: 0, lost: 0 },
  pendingTrials: {},
};

const subscriptionIdOf = (streamId: string): string =>
  streamId.startsWith(SUBSCRIPTION_STREAM_PREFIX) ? streamId.slice(SUBSCRIPTION_STREAM_PREFIX.length) : streamId;

export const evolveSubscriptionsModel = (
  draft: Draft<SubscriptionsModel>,
  envelope: Envelope<SubscriptionEvent>,
): void => {
  const id = subscriptionIdOf(envelope.streamId);
  const event = envelope.event;
  const state = (draft.subscriptions[id] ??= mutableCopy(initialSubscriptionState) as Draft<SubscriptionState>);
  evolveSubscription(state, event);
  switch (event.type) {
    case 'SubscriptionStarted':
      if (event.data.trialEndsAt !== undefined) {
        draft.trials.started += 1;
        draft.pendingTrials[id] = true;
      }
      return;
    case 'SubscriptionPaid': {
      const invoice = state.invoices.find((i) => i.invoiceId === event.data.invoiceId);
      if (draft.pendingTrials[id] === true && invoice !== undefined && invoice.paid >= invoice.amount) {
        draft.trials.converted += 1;
        delete draft.pendingTrials[id];
      }
      return;
    }
    case 'SubscriptionClosed':
      if (draft.pendingTrials[id] === true) {
        draft.trials.lost += 1;
        delete draft.pendingTrials[id];
      }
      if (event.data.outcome !== 'churned') return;
      {
        const reason = 'code' in event.data.reason ? event.data.reason.code : 'free-text';
        const month = new Date(Date.parse(event.data.at)).toISOString().slice(0, 7);
        draft.churnByReason[reason] = (draft.churnByReason[reason] ?? 0) + 1;
        draft.churnByMonth[month] = (draft.churnByMonth[month] ?? 0) + 1;
      }
      return;
    default:
      return;
  }
};

export const subscriptionsProjection: Projection<SubscriptionsModel, SubscriptionEvent> = {
  name: 'subscriptions.all',
  initialState: emptySubscriptionsModel,
  evolve: evolveSubscriptionsModel,
  decode: createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec),
  filter: { streamPrefix: SUBSCRIPTION_STREAM_PREFIX },
};

// ---- the admin list -------------------------------------------------------

export type SubscriptionListRow = Readonly<{
  subscriptionId: string;
  customerName: string;
  planName: string;
  status: SubscriptionStatus;
  recurring: Money;
  nextInvoiceAt?: string;
  closesAt?: string;
}>;

const rowOf = (subscriptionId: string, state: SubscriptionState): SubscriptionListRow => ({
  subscriptionId,
  customerName: state.customer?.name ?? '',
  planName: state.plan?.name ?? '',
  status: state.status,
  recurring: { amount: state.unitAmount * state.quantity, currency: state.currency },
  ...(state.nextRenewalAt === null || state.status === 'paused' ? {} : { nextInvoiceAt: state.nextRenewalAt }),
  ...(state.scheduledClose === undefined ? {} : { closesAt: state.scheduledClose.effectiveAt }),
});

/** The admin list grouped by status (Odoo's kanban by stage), each group by id. */
export const subscriptionsByStatus = (
  model: SubscriptionsModel,
): Readonly<Partial<Record<SubscriptionStatus, readonly SubscriptionListRow[]>>> => {
  const out: Partial<Record<SubscriptionStatus, SubscriptionListRow[]>> = {};
  for (const id of Object.keys(model.subscriptions).sort()) {
    const state = model.subscriptions[id];
    if (state === undefined || state.status === 'none') continue;
    (out[state.status] ??= []).push(rowOf(id, state));
  }
  return out;
};

// ---- analytics ---------------------------------------------------------

/** Stripe counts past-due subscriptions as active (and in MRR) until they are unpaid or closed. */
export const countsAsActive = (state: SubscriptionState): boolean =>
  state.status === 'in_progress' || state.status === 'past_due';

/** One subscription's MRR: unit x seats per period, normalised to a month (`period.ts`). */
export const monthlyRecurring = (state: SubscriptionState): number =>
  state.plan === null ? 0 : monthlyNormalised(state.unitAmount * state.quantity, state.plan.billingPeriod);

export type SubscriptionAnalytics = Readonly<{
  active: number;
  trialing: number;
  paused: number;
  pastDue: number;
  unpaid: number;
  /** Monthly recurring revenue by currency, in minor units. */
  mrr: Readonly<Record<string, number>>;
  churnByReason: Readonly<Record<string, number>>;
  churnByMonth: Readonly<Record<string, number>>;
  trialConversion: Readonly<{ started: number; converted: number; lost: number; rate: number | null }>;
}>;

export const subscriptionAnalytics = (model: SubscriptionsModel): SubscriptionAnalytics => {
  const mrr: Record<string, number> = {};
  const count = (status: SubscriptionStatus) =>
    Object.values(model.subscriptions).filter((s) => s.status === status).length;
  let active = 0;
  for (const state of Object.values(model.subscriptions)) {
    if (!countsAsActive(state)) continue;
    active += 1;
    mrr[state.currency] = (mrr[state.currency] ?? 0) + monthlyRecurring(state);
  }
  const { started, converted, lost } = model.trials;
  const decided = converted + lost;
  return {
    active,
    trialing: count('trialing'),
    paused: count('paused'),
    pastDue: count('past_due'),
    unpaid: count('unpaid'),
    mrr,
    churnByReason: { ...model.churnByReason },
    churnByMonth: { ...model.churnByMonth },
    trialConversion: { started, converted, lost, rate: decided === 0 ? null : converted / decided },
  };
};
