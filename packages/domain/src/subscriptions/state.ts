import type { Draft } from 'immer';
import type { Customer } from '../order/values.js';
import type { CloseReason, Plan, SubscriptionEvent } from './events.js';

export type SubscriptionInvoice = Readonly<{ invoiceId: string; amount: number; paid: number; periodEnd: string }>;

export type SubscriptionState = Readonly<{
  status: 'none' | 'in_progress' | 'closed';
  customer: Customer | null;
  plan: Plan | null;
  currency: string;
  invoices: readonly SubscriptionInvoice[];
  closed?: Readonly<{
    at: string;
    reason: CloseReason;
    closedBy: 'admin' | 'customer';
    outcome: 'churned' | 'cancelled';
  }>;
}>;

export const initialSubscriptionState: SubscriptionState = {
  status: 'none',
  customer: null,
  plan: null,
  currency: '',
  invoices: [],
};

export const evolveSubscription = (draft: Draft<SubscriptionState>, event: SubscriptionEvent): void => {
  switch (event.type) {
    case 'SubscriptionStarted':
      draft.status = 'in_progress';
      draft.customer = { ...event.data.customer };
      draft.plan = { ...event.data.plan };
      draft.currency = event.data.recurringAmount.currency;
      return;
    case 'SubscriptionInvoiced':
      draft.invoices.push({
        invoiceId: event.data.invoiceId,
        amount: event.data.amount.amount,
        paid: 0,
        periodEnd: event.data.periodEnd,
      });
      return;
    case 'SubscriptionPaid': {
      const invoice = draft.invoices.find((i) => i.invoiceId === event.data.invoiceId);
      if (invoice !== undefined) invoice.paid += event.data.amount.amount;
      return;
    }
    case 'SubscriptionClosed':
      draft.status = 'closed';
      draft.closed = {
        at: event.data.at,
        reason: { ...event.data.reason },
        closedBy: event.data.closedBy,
        outcome: event.data.outcome,
      };
      return;
  }
};
