import { money, type Actor, type Envelope, type Money } from '@ordersource/core';
import { customerMayAccess } from '../order/access.js';
import { mayAccess, type Directory } from '../customers/directory.js';
import type { ClosedBy, CloseReason, SubscriptionEvent } from './events.js';
import {
  closeReasonLabel,
  customerCloseReasons,
  defaultSubscriptionSettings,
  type SubscriptionSettings,
} from './settings.js';
import { openAmount, type SubscriptionState, type SubscriptionStatus } from './state.js';

/** SUB-3/SUB-4: what the admin and the customer portal show of a subscription, and its history. */

export const closeReasonText = (reason: CloseReason): string => ('code' in reason ? reason.label : reason.text);

/** Odoo's back end: the stage of the subscription order; a closed one shows as cancelled with its reason (SUB-3). */
export type AdminSubscriptionView = Readonly<{
  status: Exclude<SubscriptionStatus, 'none' | 'closed'> | 'cancelled';
  closeReason?: string;
  closedBy?: ClosedBy;
  outcome?: 'churned' | 'cancelled';
  closeNote?: string;
  /** cancel_at_period_end: when and why it will close. */
  closesAt?: string;
  closesWith?: string;
  nextInvoiceAt?: string;
  recurring?: Money;
  quantity?: number;
  openAmount?: number;
  creditBalance?: number;
}>;

export const adminSubscriptionView = (state: SubscriptionState): AdminSubscriptionView => {
  if (state.closed !== undefined)
    return {
      status: 'cancelled',
      closeReason: closeReasonText(state.closed.reason),
      closedBy: state.closed.closedBy,
      outcome: state.closed.outcome,
      ...(state.closed.note === undefined ? {} : { closeNote: state.closed.note }),
    };
  const status = state.status === 'none' || state.status === 'closed' ? 'in_progress' : state.status;
  const owed = state.invoices.reduce((sum, invoice) => sum + openAmount(invoice), 0);
  return {
    status,
    ...(state.scheduledClose === undefined
      ? {}
      : { closesAt: state.scheduledClose.effectiveAt, closesWith: closeReasonText(state.scheduledClose.reason) }),
    ...(state.nextRenewalAt === null || state.status === 'paused' || state.scheduledClose !== undefined
      ? {}
      : { nextInvoiceAt: state.nextRenewalAt }),
    ...(state.currency === ''
      ? {}
      : { recurring: { amount: state.unitAmount * state.quantity, currency: state.currency } }),
    ...(state.quantity === 1 ? {} : { quantity: state.quantity }),
    ...(owed === 0 ? {} : { openAmount: owed }),
    ...(state.creditBalance === 0 ? {} : { creditBalance: state.creditBalance }),
  };
};

/** A portal's status: Odoo's portal labels a closed subscription "closed". */
export type PortalStatus = Exclude<SubscriptionStatus, 'none'>;

export type PortalInvoice = Readonly<{
  invoiceId: string;
  amount: Money;
  periodStart?: string;
  periodEnd: string;
  status: 'paid' | 'open';
}>;

/**
 * The customer portal: status, the close button only on a closable plan (with
 * the reasons she may pick, in her language), pause/resume on a pausable
 * plan, the scheduled close and its undo, the next invoice and the invoices.
 * Nothing for a customer it does not belong to (CUS-3).
 */
export type PortalSubscriptionView = Readonly<{
  status: PortalStatus;
  canClose: boolean;
  canPause?: boolean;
  canResume?: boolean;
  canUndoClose?: boolean;
  closeReasons?: readonly Readonly<{ code: string; label: string }>[];
  closesAt?: string;
  trialEndsAt?: string;
  nextInvoiceAt?: string;
  recurring?: Money;
  invoices?: readonly PortalInvoice[];
}>;

export type PortalOptions = Readonly<{
  settings?: SubscriptionSettings;
  /** Access through the customer directory (company contacts now), instead of the session's companyId. */
  directory?: Directory;
  /** The language of the reasons' labels (default: the customer's). */
  language?: string;
  /** Show the invoices and amounts (default false: the first screen). */
  details?: boolean;
}>;

const active = (status: SubscriptionStatus): boolean =>
  status === 'trialing' || status === 'in_progress' || status === 'past_due' || status === 'unpaid';

/** The portal as `state`'s owner sees it; no access check (the admin preview and the portal share it). */
const portalOf = (state: SubscriptionState, options: PortalOptions): PortalSubscriptionView => {
  const settings = options.settings ?? defaultSubscriptionSettings;
  const language = options.language ?? state.customer?.language;
  const status: PortalStatus = state.status === 'none' ? 'in_progress' : state.status;
  const closable = state.plan?.closable === true;
  const canClose = closable && active(state.status) && state.scheduledClose === undefined;
  const pausable = state.plan?.pausable === true;
  return {
    status,
    canClose,
    ...(pausable ? { canPause: state.status === 'in_progress' && state.scheduledClose === undefined } : {}),
    ...(pausable ? { canResume: state.status === 'paused' } : {}),
    ...(state.scheduledClose === undefined
      ? {}
      : { closesAt: state.scheduledClose.effectiveAt, canUndoClose: closable }),
    ...(canClose
      ? {
          closeReasons: customerCloseReasons(settings).map((reason) => ({
            code: reason.code,
            label: closeReasonLabel(reason, language),
          })),
        }
      : {}),
    ...(options.details === true
      ? {
          ...(state.trialEndsAt === undefined || state.status !== 'trialing' ? {} : { trialEndsAt: state.trialEndsAt }),
          ...(state.nextRenewalAt === null || !active(state.status) || state.scheduledClose !== undefined
            ? {}
            : { nextInvoiceAt: state.nextRenewalAt }),
          recurring: { amount: state.unitAmount * state.quantity, currency: state.currency },
          invoices: state.invoices.map((invoice) => ({
            invoiceId: invoice.invoiceId,
            amount: { amount: invoice.amount, currency: state.currency },
            ...(invoice.periodStart === undefined ? {} : { periodStart: invoice.periodStart }),
            periodEnd: invoice.periodEnd,
            status: openAmount(invoice) > 0 ? 'open' : 'paid',
          })),
        }
      : {}),
  };
};

/** SUB-4, CUS-3: the portal view for `viewer`, or nothing when the subscription is not hers or her company's. */
export const portalSubscriptionView = (
  state: SubscriptionState,
  viewer: Actor,
  options: PortalOptions = {},
): PortalSubscriptionView | undefined => {
  if (state.customer === null) return undefined;
  const allowed =
    options.directory === undefined
      ? customerMayAccess(viewer, state.customer)
      : viewer.kind === 'customer' && mayAccess(options.directory, viewer, state.customer);
  return allowed ? portalOf(state, options) : undefined;
};

/** Odoo's "Preview" button: the admin sees the portal exactly as the customer does. */
export const previewPortalView = (
  state: SubscriptionState,
  options: PortalOptions = {},
): PortalSubscriptionView | undefined => (state.customer === null ? undefined : portalOf(state, options));

export type SubscriptionHistoryEntry = Readonly<{
  at: string;
  actor: Actor;
  message: string;
  reason?: string;
  note?: string;
}>;

const amount = (m: Money): string => money.format(m);

const messageOf = (event: SubscriptionEvent): string => {
  switch (event.type) {
    case 'QuotationCreated':
      return `quotation ${event.data.quotationId}: ${event.data.plan.name}`;
    case 'SubscriptionStarted':
      return event.data.trialEndsAt === undefined
        ? `in progress: ${event.data.plan.name}`
        : `trialing: ${event.data.plan.name} until ${event.data.trialEndsAt}`;
    case 'TrialEnded':
      return 'trial ended';
    case 'SubscriptionInvoiced':
      return event.data.kind === 'proration'
        ? `proration invoice ${event.data.invoiceId}: ${amount(event.data.amount)}`
        : `invoice ${event.data.invoiceId}: ${amount(event.data.amount)}${
            event.data.kind === undefined ? '' : ` for ${event.data.periodStart} to ${event.data.periodEnd}`
          }`;
    case 'SubscriptionPaid':
      return `payment on ${event.data.invoiceId}: ${amount(event.data.amount)}`;
    case 'SubscriptionPaymentFailed':
      return `payment of ${event.data.invoiceId} failed (${event.data.failures}): past due`;
    case 'SubscriptionPaymentRetried':
      return `payment of ${event.data.invoiceId} retried (attempt ${event.data.attempt})`;
    case 'SubscriptionMarkedUnpaid':
      return `unpaid: ${event.data.invoiceId} still open after the grace`;
    case 'SubscriptionPeriodServed':
      return `period of ${event.data.invoiceId} served`;
    case 'SubscriptionRefunded':
      return `refund ${event.data.refundId} on ${event.data.invoiceId}: ${amount(event.data.amount)}`;
    case 'SubscriptionPaused':
      return event.data.resumeAt === undefined ? 'paused' : `paused until ${event.data.resumeAt}`;
    case 'SubscriptionResumed':
      return `resumed; the period now ends ${event.data.periodEnd}`;
    case 'SubscriptionCloseScheduled':
      return `closes at ${event.data.effectiveAt} (by the ${event.data.closedBy}): ${closeReasonText(event.data.reason)}`;
    case 'ScheduledCloseUndone':
      return 'scheduled close undone';
    case 'SubscriptionClosed':
      return `closed by the ${event.data.closedBy}: ${closeReasonText(event.data.reason)}`;
    case 'SubscriptionPlanChanged':
      return `plan changed to ${event.data.plan.name} x ${event.data.quantity}${
        event.data.proration === undefined
          ? ''
          : ` (credit ${event.data.proration.credit}, charge ${event.data.proration.charge})`
      }`;
    case 'SubscriptionPlanChangeScheduled':
      return `plan changes to ${event.data.plan.name} x ${event.data.quantity} at the next renewal`;
    case 'SubscriptionNotificationRecorded':
      return event.data.outcome === 'sent'
        ? `${event.data.channel} sent: ${event.data.template}${event.data.recipient === undefined ? '' : ` to ${event.data.recipient}`}`
        : `${event.data.channel} NOT sent: ${event.data.template}${event.data.recipient === undefined ? '' : ` to ${event.data.recipient}`}: ${event.data.reason ?? 'no reason given'}`;
  }
};

const reasonOf = (event: SubscriptionEvent): string | undefined =>
  event.type === 'SubscriptionClosed' || event.type === 'SubscriptionCloseScheduled'
    ? closeReasonText(event.data.reason)
    : undefined;

const noteOf = (event: SubscriptionEvent): string | undefined =>
  'note' in event.data && typeof event.data.note === 'string' ? event.data.note : undefined;

/** SUB-3: the subscription's chatter, newest first: who, when, what, and the reason and note where given. */
export const subscriptionHistory = (envelopes: readonly Envelope<SubscriptionEvent>[]): SubscriptionHistoryEntry[] =>
  envelopes
    .map(({ event, actor }) => {
      const reason = reasonOf(event);
      const note = noteOf(event);
      return {
        at: event.data.at,
        actor,
        message: messageOf(event),
        ...(reason === undefined ? {} : { reason }),
        ...(note === undefined ? {} : { note }),
      };
    })
    .reverse();
