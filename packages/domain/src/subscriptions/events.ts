import * as t from 'io-ts';
import { eventCodec, IsoInstant, MoneyCodec, NonEmptyString, PositiveInt, type Event } from '@ordersource/core';
import { CustomerCodec } from '../order/values.js';

/**
 * The events of one `subscription-<id>` stream (seed 004, Odoo
 * Subscriptions). Stored streams depend on these shapes: add optional
 * fields, never change existing ones.
 */

/** SUB-1: a recurring plan: its billing period and whether customers may close it themselves ("closable"). */
export const BillingPeriodCodec = t.strict(
  { unit: t.keyof({ day: null, week: null, month: null, year: null }, 'BillingUnit'), count: PositiveInt },
  'BillingPeriod',
);
export type BillingPeriod = t.TypeOf<typeof BillingPeriodCodec>;

export const PlanCodec = t.strict(
  { planId: NonEmptyString, name: NonEmptyString, billingPeriod: BillingPeriodCodec, closable: t.boolean },
  'Plan',
);
export type Plan = t.TypeOf<typeof PlanCodec>;

/** SUB-3/SUB-4: a reason from the configured list, or (admins only) free text. */
export const CloseReasonCodec = t.union(
  [t.strict({ code: NonEmptyString, label: NonEmptyString }), t.strict({ text: NonEmptyString })],
  'CloseReason',
);
export type CloseReason = t.TypeOf<typeof CloseReasonCodec>;

/** SUB-2: a confirmed quotation became a subscription order, now in progress. */
export const SubscriptionStartedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      subscriptionId: NonEmptyString,
      customer: CustomerCodec,
      plan: PlanCodec,
      recurringAmount: MoneyCodec,
    }),
    t.exact(t.partial({ quotationId: NonEmptyString })),
  ],
  'SubscriptionStartedData',
);

/** SUB-2: an invoice of one billing period. */
export const SubscriptionInvoicedData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString, amount: MoneyCodec, periodStart: IsoInstant, periodEnd: IsoInstant },
  'SubscriptionInvoicedData',
);

/** SUB-2: a payment registered against an invoice. */
export const SubscriptionPaidData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString, amount: MoneyCodec },
  'SubscriptionPaidData',
);

/**
 * SUB-3/SUB-4: closed with its reason, by an admin or the customer.
 * `outcome`: 'churned' once it was ever invoiced (Odoo's own term), else
 * 'cancelled'. Either way the sales order shows as cancelled/closed.
 */
export const SubscriptionClosedData = t.strict(
  {
    at: IsoInstant,
    reason: CloseReasonCodec,
    closedBy: t.keyof({ admin: null, customer: null }),
    outcome: t.keyof({ churned: null, cancelled: null }),
  },
  'SubscriptionClosedData',
);

export const SubscriptionEventCodec = t.union(
  [
    eventCodec('SubscriptionStarted', SubscriptionStartedData),
    eventCodec('SubscriptionInvoiced', SubscriptionInvoicedData),
    eventCodec('SubscriptionPaid', SubscriptionPaidData),
    eventCodec('SubscriptionClosed', SubscriptionClosedData),
  ],
  'SubscriptionEvent',
);

export type SubscriptionEvent =
  | Event<'SubscriptionStarted', t.TypeOf<typeof SubscriptionStartedData>>
  | Event<'SubscriptionInvoiced', t.TypeOf<typeof SubscriptionInvoicedData>>
  | Event<'SubscriptionPaid', t.TypeOf<typeof SubscriptionPaidData>>
  | Event<'SubscriptionClosed', t.TypeOf<typeof SubscriptionClosedData>>;

export const SUBSCRIPTION_STREAM_PREFIX = 'subscription-';
export const subscriptionStreamId = (subscriptionId: string): string =>
  `${SUBSCRIPTION_STREAM_PREFIX}${subscriptionId}`;
