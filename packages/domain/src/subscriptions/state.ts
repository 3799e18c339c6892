import type { Draft } from 'immer';
import { deepCopy } from '@ordersource/core';
import type { Address, Customer, PaymentMethod } from '../order/values.js';
import type { ClosedBy, CloseReason, InvoiceKind, Plan, SubscriptionEvent } from './events.js';
import { instant, periodEndFrom, periodStartFrom } from './period.js';

/**
 * The state of one subscription, folded from its events. Stripe Billing's
 * statuses, with Odoo's quotation in front (docs/subscriptions.md maps them):
 * quotation -> (confirmed) trialing | in_progress -> past_due -> unpaid,
 * paused, closed.
 */
export type SubscriptionStatus =
  'none' | 'quotation' | 'trialing' | 'in_progress' | 'past_due' | 'unpaid' | 'paused' | 'closed';

export type SubscriptionInvoice = Readonly<{
  invoiceId: string;
  amount: number;
  paid: number;
  periodEnd: string;
  periodStart?: string;
  kind?: InvoiceKind;
  refunded?: number;
  /** When its service is rendered: the period end, moved by a pause, cut by a close. */
  servesUntil?: string;
  /** When the payment that settled it was recorded. */
  paidAt?: string;
  served?: boolean;
}>;

export type ScheduledClose = Readonly<{
  effectiveAt: string;
  reason: CloseReason;
  closedBy: ClosedBy;
  note?: string;
}>;

export type PlanTerms = Readonly<{ changeId: string; plan: Plan; unitAmount: number; quantity: number }>;

export type DunningState = Readonly<{
  invoiceId: string;
  firstFailedAt: string;
  failures: number;
  /** Retries sent so far (attempt = retries + 1 was the last). */
  retries: number;
}>;

export type SubscriptionState = Readonly<{
  status: SubscriptionStatus;
  subscriptionId: string;
  customer: Customer | null;
  plan: Plan | null;
  currency: string;
  /** Unit price per period and seats. */
  unitAmount: number;
  quantity: number;
  quotationId?: string;
  billingAddress?: Address;
  paymentMethod?: PaymentMethod;
  invoices: readonly SubscriptionInvoice[];
  trialEndsAt?: string;
  /** Periods are counted from here; moved by a resume and by a change of billing period. */
  anchor: string | null;
  /** Renewal periods invoiced since `anchor`. */
  periodsFromAnchor: number;
  /** Renewal invoices so far (names the next one). */
  renewals: number;
  /** The last invoiced renewal period; its end moves when a pause is resumed. */
  currentPeriod: Readonly<{ start: string; end: string; invoiceId: string }> | null;
  /** The start of the next period to invoice. */
  nextRenewalAt: string | null;
  paused?: Readonly<{ at: string; resumeAt?: string; statusBefore: SubscriptionStatus }>;
  scheduledClose?: ScheduledClose;
  scheduledChange?: PlanTerms;
  /** Dunning per failed invoice, by invoice id. */
  dunning: Readonly<Record<string, DunningState>>;
  /** Ids of the plan changes already taken (a change is applied once). */
  changeIds: readonly string[];
  /** Minor units of proration credit the next renewals draw on. */
  creditBalance: number;
  closed?: Readonly<{
    at: string;
    reason: CloseReason;
    closedBy: ClosedBy;
    outcome: 'churned' | 'cancelled';
    note?: string;
  }>;
}>;

export const initialSubscriptionState: SubscriptionState = {
  status: 'none',
  subscriptionId: '',
  customer: null,
  plan: null,
  currency: '',
  unitAmount: 0,
  quantity: 1,
  invoices: [],
  anchor: null,
  periodsFromAnchor: 0,
  renewals: 0,
  currentPeriod: null,
  nextRenewalAt: null,
  dunning: {},
  changeIds: [],
  creditBalance: 0,
};

/** Money owed on an invoice (refunds do not reopen it). */
export const openAmount = (invoice: SubscriptionInvoice): number => invoice.amount - invoice.paid;
export const openInvoices = (state: SubscriptionState): readonly SubscriptionInvoice[] =>
  state.invoices.filter((invoice) => openAmount(invoice) > 0);

/** The period the next renewal bills: from `nextRenewalAt`, one billing period long from the anchor. */
export const nextPeriod = (state: SubscriptionState): Readonly<{ start: string; end: string }> | undefined => {
  if (state.plan === null || state.anchor === null || state.nextRenewalAt === null) return undefined;
  return {
    start: periodStartFrom(state.anchor, state.plan.billingPeriod, state.periodsFromAnchor),
    end: periodEndFrom(state.anchor, state.plan.billingPeriod, state.periodsFromAnchor),
  };
};

type Mutable = Draft<SubscriptionState>;

const setTerms = (
  draft: Mutable,
  data: Readonly<{
    subscriptionId: string;
    customer: Customer;
    plan: Plan;
    recurringAmount: { amount: number; currency: string };
    quantity?: number;
    quotationId?: string;
    billingAddress?: Address;
    paymentMethod?: PaymentMethod;
  }>,
): void => {
  draft.subscriptionId = data.subscriptionId;
  draft.customer = deepCopy(data.customer);
  draft.plan = deepCopy(data.plan);
  draft.currency = data.recurringAmount.currency;
  draft.unitAmount = data.recurringAmount.amount;
  draft.quantity = data.quantity ?? 1;
  if (data.quotationId !== undefined) draft.quotationId = data.quotationId;
  if (data.billingAddress !== undefined) draft.billingAddress = deepCopy(data.billingAddress);
  if (data.paymentMethod !== undefined) draft.paymentMethod = deepCopy(data.paymentMethod);
};

const invoiceOf = (draft: Mutable, invoiceId: string) => draft.invoices.find((i) => i.invoiceId === invoiceId);

const settle = (draft: Mutable, invoiceId: string): void => {
  delete draft.dunning[invoiceId];
  // Past due or unpaid ends when nothing is owed any more.
  if ((draft.status === 'past_due' || draft.status === 'unpaid') && draft.invoices.every((i) => i.paid >= i.amount))
    draft.status = 'in_progress';
};

export const evolveSubscription = (draft: Mutable, event: SubscriptionEvent): void => {
  switch (event.type) {
    case 'QuotationCreated':
      draft.status = 'quotation';
      setTerms(draft, event.data);
      return;
    case 'SubscriptionStarted': {
      setTerms(draft, event.data);
      const first = instant(event.data.trialEndsAt ?? event.data.at);
      draft.status = event.data.trialEndsAt === undefined ? 'in_progress' : 'trialing';
      if (event.data.trialEndsAt !== undefined) draft.trialEndsAt = instant(event.data.trialEndsAt);
      draft.anchor = first;
      draft.periodsFromAnchor = 0;
      draft.nextRenewalAt = first;
      return;
    }
    case 'TrialEnded':
      if (draft.status === 'trialing') draft.status = 'in_progress';
      return;
    case 'SubscriptionInvoiced': {
      const kind = event.data.kind ?? 'renewal';
      draft.invoices.push({
        invoiceId: event.data.invoiceId,
        amount: event.data.amount.amount,
        paid: 0,
        periodEnd: event.data.periodEnd,
        periodStart: event.data.periodStart,
        kind,
        servesUntil: instant(event.data.periodEnd),
      });
      if (kind === 'renewal') {
        draft.renewals += 1;
        // An invoice that does not end where the anchor says (one stored before
        // periods were tied to the plan) becomes the new anchor, so the next
        // period starts where it ended: no gap, no overlap.
        const expected =
          draft.anchor === null || draft.plan === null
            ? undefined
            : periodEndFrom(draft.anchor, draft.plan.billingPeriod, draft.periodsFromAnchor);
        if (expected !== undefined && Date.parse(expected) === Date.parse(event.data.periodEnd))
          draft.periodsFromAnchor += 1;
        else {
          draft.anchor = instant(event.data.periodEnd);
          draft.periodsFromAnchor = 0;
        }
        draft.currentPeriod = {
          start: instant(event.data.periodStart),
          end: instant(event.data.periodEnd),
          invoiceId: event.data.invoiceId,
        };
        draft.nextRenewalAt = instant(event.data.periodEnd);
        draft.creditBalance -= event.data.creditApplied ?? 0;
      }
      return;
    }
    case 'SubscriptionPaid': {
      const invoice = invoiceOf(draft, event.data.invoiceId);
      if (invoice === undefined) return;
      invoice.paid += event.data.amount.amount;
      if (invoice.paid >= invoice.amount) {
        invoice.paidAt = instant(event.data.at);
        settle(draft, invoice.invoiceId);
      }
      return;
    }
    case 'SubscriptionPaymentFailed':
      if (draft.status !== 'closed' && draft.status !== 'unpaid' && draft.status !== 'paused')
        draft.status = 'past_due';
      {
        const known = draft.dunning[event.data.invoiceId];
        if (known === undefined)
          draft.dunning[event.data.invoiceId] = {
            invoiceId: event.data.invoiceId,
            firstFailedAt: instant(event.data.at),
            failures: event.data.failures,
            retries: 0,
          };
        else known.failures = event.data.failures;
      }
      return;
    case 'SubscriptionPaymentRetried': {
      const known = draft.dunning[event.data.invoiceId];
      if (known !== undefined) known.retries = event.data.attempt - 1;
      return;
    }
    case 'SubscriptionMarkedUnpaid':
      if (draft.status !== 'closed') draft.status = 'unpaid';
      delete draft.dunning[event.data.invoiceId];
      return;
    case 'SubscriptionPeriodServed': {
      const invoice = invoiceOf(draft, event.data.invoiceId);
      if (invoice !== undefined) invoice.served = true;
      return;
    }
    case 'SubscriptionRefunded': {
      const invoice = invoiceOf(draft, event.data.invoiceId);
      if (invoice !== undefined) invoice.refunded = (invoice.refunded ?? 0) + event.data.amount.amount;
      return;
    }
    case 'SubscriptionPaused':
      draft.paused = {
        at: instant(event.data.at),
        statusBefore: draft.status,
        ...(event.data.resumeAt === undefined ? {} : { resumeAt: instant(event.data.resumeAt) }),
      };
      draft.status = 'paused';
      return;
    case 'SubscriptionResumed': {
      // The rest of the period kept at the pause is served from the resume on.
      const end = instant(event.data.periodEnd);
      draft.status = draft.paused?.statusBefore ?? 'in_progress';
      delete draft.paused;
      if (draft.currentPeriod !== null) {
        // The period's invoice, and any proration of it, are served until the new end.
        const before = Date.parse(draft.currentPeriod.end);
        for (const invoice of draft.invoices)
          if (invoice.servesUntil !== undefined && Date.parse(invoice.servesUntil) === before)
            invoice.servesUntil = end;
        draft.currentPeriod.end = end;
      }
      draft.anchor = end;
      draft.periodsFromAnchor = 0;
      draft.nextRenewalAt = end;
      return;
    }
    case 'SubscriptionCloseScheduled':
      draft.scheduledClose = {
        effectiveAt: instant(event.data.effectiveAt),
        reason: deepCopy(event.data.reason),
        closedBy: event.data.closedBy,
        ...(event.data.note === undefined ? {} : { note: event.data.note }),
      };
      return;
    case 'ScheduledCloseUndone':
      delete draft.scheduledClose;
      return;
    case 'SubscriptionClosed': {
      draft.status = 'closed';
      draft.closed = {
        at: event.data.at,
        reason: deepCopy(event.data.reason),
        closedBy: event.data.closedBy,
        outcome: event.data.outcome,
        ...(event.data.note === undefined ? {} : { note: event.data.note }),
      };
      const at = instant(event.data.at);
      // Service stops at the close: a period cut short is rendered now.
      for (const invoice of draft.invoices)
        if (invoice.servesUntil !== undefined && Date.parse(invoice.servesUntil) > Date.parse(at))
          invoice.servesUntil = at;
      delete draft.scheduledClose;
      delete draft.scheduledChange;
      draft.dunning = {};
      delete draft.paused;
      draft.nextRenewalAt = null;
      return;
    }
    case 'SubscriptionPlanChanged': {
      const period = draft.plan?.billingPeriod;
      draft.plan = deepCopy(event.data.plan);
      draft.unitAmount = event.data.unitAmount;
      draft.quantity = event.data.quantity;
      draft.creditBalance += event.data.creditAdded;
      draft.changeIds.push(event.data.changeId);
      if (draft.scheduledChange?.changeId === event.data.changeId) delete draft.scheduledChange;
      // A new billing period counts from where the next period starts.
      const changed =
        period !== undefined &&
        (period.unit !== event.data.plan.billingPeriod.unit || period.count !== event.data.plan.billingPeriod.count);
      if (changed && draft.nextRenewalAt !== null) {
        draft.anchor = draft.nextRenewalAt;
        draft.periodsFromAnchor = 0;
      }
      return;
    }
    case 'SubscriptionPlanChangeScheduled':
      draft.changeIds.push(event.data.changeId);
      draft.scheduledChange = {
        changeId: event.data.changeId,
        plan: deepCopy(event.data.plan),
        unitAmount: event.data.unitAmount,
        quantity: event.data.quantity,
      };
      return;
    case 'SubscriptionNotificationRecorded':
      // History only: what the customer was told changes nothing of the subscription.
      return;
  }
};
