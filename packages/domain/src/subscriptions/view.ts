import { money, type Actor, type Envelope } from '@ordersource/core';
import { customerMayAccess } from '../order/access.js';
import type { CloseReason, SubscriptionEvent } from './events.js';
import type { SubscriptionState } from './state.js';

/** SUB-3/SUB-4: what the admin and the customer portal show of a subscription. */

export const closeReasonText = (reason: CloseReason): string => ('code' in reason ? reason.label : reason.text);

/** Odoo's back end: the subscription sales order is in progress, or cancelled showing its close reason. */
export type AdminSubscriptionView = Readonly<{
  status: 'in_progress' | 'cancelled';
  closeReason?: string;
  closedBy?: 'admin' | 'customer';
  outcome?: 'churned' | 'cancelled';
}>;

export const adminSubscriptionView = (state: SubscriptionState): AdminSubscriptionView =>
  state.closed === undefined
    ? { status: 'in_progress' }
    : {
        status: 'cancelled',
        closeReason: closeReasonText(state.closed.reason),
        closedBy: state.closed.closedBy,
        outcome: state.closed.outcome,
      };

/**
 * The customer portal: "in progress", or labelled "closed"; the close button
 * only on a closable plan. Nothing for a customer it does not belong to (CUS-3).
 */
export type PortalSubscriptionView = Readonly<{ status: 'in_progress' | 'closed'; canClose: boolean }>;

export const portalSubscriptionView = (state: SubscriptionState, viewer: Actor): PortalSubscriptionView | undefined =>
  state.customer === null || !customerMayAccess(viewer, state.customer)
    ? undefined
    : {
        status: state.status === 'closed' ? 'closed' : 'in_progress',
        canClose: state.status === 'in_progress' && state.plan?.closable === true,
      };

export type SubscriptionHistoryEntry = Readonly<{ at: string; actor: Actor; message: string }>;

const messageOf = (event: SubscriptionEvent): string => {
  switch (event.type) {
    case 'SubscriptionStarted':
      return `in progress: ${event.data.plan.name}`;
    case 'SubscriptionInvoiced':
      return `invoice ${event.data.invoiceId}: ${money.format(event.data.amount)}`;
    case 'SubscriptionPaid':
      return `payment on ${event.data.invoiceId}: ${money.format(event.data.amount)}`;
    case 'SubscriptionClosed':
      return `closed by the ${event.data.closedBy}: ${closeReasonText(event.data.reason)}`;
  }
};

/** SUB-3: the subscription's chatter, newest first; the close reason is logged there too. */
export const subscriptionHistory = (envelopes: readonly Envelope<SubscriptionEvent>[]): SubscriptionHistoryEntry[] =>
  envelopes.map(({ event, actor }) => ({ at: event.data.at, actor, message: messageOf(event) })).reverse();
