import * as t from 'io-ts';
import {
  eventCodec,
  IsoInstant,
  MoneyCodec,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  type Event,
} from '@ordersource/core';
import { NotificationChannelCodec } from '../order/events.js';
import { AddressCodec, CustomerCodec, PaymentMethodCodec } from '../order/values.js';

/**
 * The events of one `subscription-<id>` stream (seed 004, Odoo
 * Subscriptions; where the seed is silent, Stripe Billing). Stored streams
 * depend on these shapes: add optional fields, never change existing ones.
 * Every event carries `at`, the business time it took effect.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

/** SUB-1: a plan's billing period: every `count` days, weeks, months or years. */
export const BillingPeriodCodec = t.strict(
  { unit: t.keyof({ day: null, week: null, month: null, year: null }, 'BillingUnit'), count: PositiveInt },
  'BillingPeriod',
);
export type BillingPeriod = t.TypeOf<typeof BillingPeriodCodec>;

/**
 * SUB-1: a recurring plan. `closable`: customers may close it from the
 * portal (Odoo's self-service option); `pausable`: customers may pause it;
 * `trialDays`: free days before the first invoice (Stripe's
 * trial_period_days); `prices`: the unit price in each currency the plan is
 * sold in (one per currency).
 */
export const PlanCodec = t.intersection(
  [
    t.strict({ planId: NonEmptyString, name: NonEmptyString, billingPeriod: BillingPeriodCodec, closable: t.boolean }),
    optional({ pausable: t.boolean, trialDays: NonNegativeInt, prices: t.array(MoneyCodec) }),
  ],
  'Plan',
);
export type Plan = t.TypeOf<typeof PlanCodec>;

/** SUB-3/SUB-4: a reason from the configured list, or (admins only) free text. */
export const CloseReasonCodec = t.union(
  [t.strict({ code: NonEmptyString, label: NonEmptyString }), t.strict({ text: NonEmptyString })],
  'CloseReason',
);
export type CloseReason = t.TypeOf<typeof CloseReasonCodec>;

/** Who closed: the shop, the customer from the portal, or the billing engine (dunning gave up). */
export const ClosedByCodec = t.keyof({ admin: null, customer: null, system: null }, 'ClosedBy');
export type ClosedBy = t.TypeOf<typeof ClosedByCodec>;

/** The optional remark of a change, kept in the history (who and when come from the envelope). */
const NoteProps = { note: t.string };

/** What the subscription bills: plan, unit price, seats, and how renewals are paid (the order bridge). */
const termsProps = {
  subscriptionId: NonEmptyString,
  customer: CustomerCodec,
  plan: PlanCodec,
  /** Unit price per period (times `quantity`). */
  recurringAmount: MoneyCodec,
};
const optionalTermsProps = {
  quotationId: NonEmptyString,
  /** Seats (default 1). */
  quantity: PositiveInt,
  /** Where renewal orders are billed and how they are paid (saved card: online, automatic capture). */
  billingAddress: AddressCodec,
  paymentMethod: PaymentMethodCodec,
};

/** Odoo's quotation for a subscription product: nothing is billed until it is confirmed. */
export const QuotationCreatedData = t.intersection(
  [t.strict({ at: IsoInstant, ...termsProps, quotationId: NonEmptyString }), optional(optionalTermsProps)],
  'QuotationCreatedData',
);

/**
 * SUB-2: a confirmed quotation became a subscription order: in progress, or
 * trialing until `trialEndsAt`. The first period starts at `trialEndsAt`, or
 * at `at` without a trial.
 */
export const SubscriptionStartedData = t.intersection(
  [
    t.strict({ at: IsoInstant, ...termsProps }),
    optional({ ...optionalTermsProps, trialEndsAt: IsoInstant, ...NoteProps }),
  ],
  'SubscriptionStartedData',
);

/** The trial is over; the first period is invoiced at the same instant. */
export const TrialEndedData = t.strict({ at: IsoInstant }, 'TrialEndedData');

/** What an invoice is for: a billing period (renewal), a mid-period plan change (proration). */
export const InvoiceKindCodec = t.keyof({ renewal: null, proration: null }, 'InvoiceKind');
export type InvoiceKind = t.TypeOf<typeof InvoiceKindCodec>;

/**
 * SUB-2: an invoice of one billing period [periodStart, periodEnd). A renewal
 * bills `unitAmount x quantity - creditApplied` = `amount`; a proration the
 * net of the change (`proration.ts`). Older events carry only the required
 * fields (they were renewals).
 */
export const SubscriptionInvoicedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      invoiceId: NonEmptyString,
      amount: MoneyCodec,
      periodStart: IsoInstant,
      periodEnd: IsoInstant,
    }),
    optional({
      kind: InvoiceKindCodec,
      planId: NonEmptyString,
      unitAmount: NonNegativeInt,
      quantity: PositiveInt,
      creditApplied: NonNegativeInt,
    }),
  ],
  'SubscriptionInvoicedData',
);

/** SUB-2: a payment registered against an invoice (from the renewal order's payment, or by hand). */
export const SubscriptionPaidData = t.intersection(
  [
    t.strict({ at: IsoInstant, invoiceId: NonEmptyString, amount: MoneyCodec }),
    optional({ paymentId: NonEmptyString }),
  ],
  'SubscriptionPaidData',
);

/** A renewal payment failed (Stripe: past_due); `failures` counts the failures of this invoice. */
export const SubscriptionPaymentFailedData = t.intersection(
  [t.strict({ at: IsoInstant, invoiceId: NonEmptyString, failures: PositiveInt }), optional({ reason: t.string })],
  'SubscriptionPaymentFailedData',
);

/** Dunning: attempt `attempt` (2, 3, ...) to charge the invoice again, on the configured schedule. */
export const SubscriptionPaymentRetriedData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString, attempt: PositiveInt },
  'SubscriptionPaymentRetriedData',
);

/** The grace ran out with the invoice still open: unpaid (renewals go on, no more retries). */
export const SubscriptionMarkedUnpaidData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString },
  'SubscriptionMarkedUnpaidData',
);

/** The period of a paid invoice has been rendered (the service was delivered: the closing receipt is owed). */
export const SubscriptionPeriodServedData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString },
  'SubscriptionPeriodServedData',
);

/** Money of an invoice went back to the customer (a refund on its renewal order). */
export const SubscriptionRefundedData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString, refundId: NonEmptyString, amount: MoneyCodec },
  'SubscriptionRefundedData',
);

/** Paused: no invoices until resumed; the rest of the current period is kept for later. */
export const SubscriptionPausedData = t.intersection(
  [t.strict({ at: IsoInstant }), optional({ resumeAt: IsoInstant, ...NoteProps })],
  'SubscriptionPausedData',
);

/** Resumed: the current period now ends at `periodEnd` (shifted by the time paused). */
export const SubscriptionResumedData = t.intersection(
  [t.strict({ at: IsoInstant, periodEnd: IsoInstant }), optional(NoteProps)],
  'SubscriptionResumedData',
);

/** SUB-3/SUB-4 at period end (Stripe's cancel_at_period_end): closes at `effectiveAt` unless undone. */
export const SubscriptionCloseScheduledData = t.intersection(
  [
    t.strict({ at: IsoInstant, effectiveAt: IsoInstant, reason: CloseReasonCodec, closedBy: ClosedByCodec }),
    optional(NoteProps),
  ],
  'SubscriptionCloseScheduledData',
);

export const ScheduledCloseUndoneData = t.intersection(
  [t.strict({ at: IsoInstant }), optional(NoteProps)],
  'ScheduledCloseUndoneData',
);

/**
 * SUB-3/SUB-4: closed with its reason, by an admin, the customer, or the
 * billing engine. `outcome`: 'churned' once it was ever invoiced (Odoo's own
 * term), else 'cancelled'. Either way the sales order shows as cancelled/closed.
 */
export const SubscriptionClosedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      reason: CloseReasonCodec,
      closedBy: ClosedByCodec,
      outcome: t.keyof({ churned: null, cancelled: null }),
    }),
    optional(NoteProps),
  ],
  'SubscriptionClosedData',
);

/** The prorated credit for the old terms and charge for the new ones over the rest of the period. */
export const ProrationCodec = t.strict(
  {
    periodStart: IsoInstant,
    periodEnd: IsoInstant,
    credit: NonNegativeInt,
    charge: NonNegativeInt,
  },
  'Proration',
);
export type Proration = t.TypeOf<typeof ProrationCodec>;

/**
 * An upgrade, downgrade or change of seats took effect. With `proration`
 * (applied mid-period): `charge - credit` is invoiced at once when positive,
 * else `creditAdded` goes to the balance the next renewals draw on.
 */
export const SubscriptionPlanChangedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      changeId: NonEmptyString,
      plan: PlanCodec,
      unitAmount: NonNegativeInt,
      quantity: PositiveInt,
      creditAdded: NonNegativeInt,
    }),
    optional({ proration: ProrationCodec, ...NoteProps }),
  ],
  'SubscriptionPlanChangedData',
);

/** A change to apply at the next renewal (no proration). */
export const SubscriptionPlanChangeScheduledData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      changeId: NonEmptyString,
      plan: PlanCodec,
      unitAmount: NonNegativeInt,
      quantity: PositiveInt,
    }),
    optional(NoteProps),
  ],
  'SubscriptionPlanChangeScheduledData',
);

/**
 * NOT-3 for subscriptions: a message to the customer went out, or finally
 * failed after its retries (the notifier's report, a fact). The history shows
 * what the customer was really told; `notificationId` is the intent's id.
 */
export const SubscriptionNotificationRecordedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      notificationId: NonEmptyString,
      channel: NotificationChannelCodec,
      template: NonEmptyString,
      outcome: t.keyof({ sent: null, failed: null }),
    }),
    optional({ recipient: NonEmptyString, reason: NonEmptyString }),
  ],
  'SubscriptionNotificationRecordedData',
);

export const SubscriptionEventCodec = t.union(
  [
    eventCodec('QuotationCreated', QuotationCreatedData),
    eventCodec('SubscriptionStarted', SubscriptionStartedData),
    eventCodec('TrialEnded', TrialEndedData),
    eventCodec('SubscriptionInvoiced', SubscriptionInvoicedData),
    eventCodec('SubscriptionPaid', SubscriptionPaidData),
    eventCodec('SubscriptionPaymentFailed', SubscriptionPaymentFailedData),
    eventCodec('SubscriptionPaymentRetried', SubscriptionPaymentRetriedData),
    eventCodec('SubscriptionMarkedUnpaid', SubscriptionMarkedUnpaidData),
    eventCodec('SubscriptionPeriodServed', SubscriptionPeriodServedData),
    eventCodec('SubscriptionRefunded', SubscriptionRefundedData),
    eventCodec('SubscriptionPaused', SubscriptionPausedData),
    eventCodec('SubscriptionResumed', SubscriptionResumedData),
    eventCodec('SubscriptionCloseScheduled', SubscriptionCloseScheduledData),
    eventCodec('ScheduledCloseUndone', ScheduledCloseUndoneData),
    eventCodec('SubscriptionClosed', SubscriptionClosedData),
    eventCodec('SubscriptionPlanChanged', SubscriptionPlanChangedData),
    eventCodec('SubscriptionPlanChangeScheduled', SubscriptionPlanChangeScheduledData),
    eventCodec('SubscriptionNotificationRecorded', SubscriptionNotificationRecordedData),
  ],
  'SubscriptionEvent',
);

type Of<T extends string, C extends t.Mixed> = Event<T, t.TypeOf<C>>;

export type SubscriptionEvent =
  | Of<'QuotationCreated', typeof QuotationCreatedData>
  | Of<'SubscriptionStarted', typeof SubscriptionStartedData>
  | Of<'TrialEnded', typeof TrialEndedData>
  | Of<'SubscriptionInvoiced', typeof SubscriptionInvoicedData>
  | Of<'SubscriptionPaid', typeof SubscriptionPaidData>
  | Of<'SubscriptionPaymentFailed', typeof SubscriptionPaymentFailedData>
  | Of<'SubscriptionPaymentRetried', typeof SubscriptionPaymentRetriedData>
  | Of<'SubscriptionMarkedUnpaid', typeof SubscriptionMarkedUnpaidData>
  | Of<'SubscriptionPeriodServed', typeof SubscriptionPeriodServedData>
  | Of<'SubscriptionRefunded', typeof SubscriptionRefundedData>
  | Of<'SubscriptionPaused', typeof SubscriptionPausedData>
  | Of<'SubscriptionResumed', typeof SubscriptionResumedData>
  | Of<'SubscriptionCloseScheduled', typeof SubscriptionCloseScheduledData>
  | Of<'ScheduledCloseUndone', typeof ScheduledCloseUndoneData>
  | Of<'SubscriptionClosed', typeof SubscriptionClosedData>
  | Of<'SubscriptionPlanChanged', typeof SubscriptionPlanChangedData>
  | Of<'SubscriptionPlanChangeScheduled', typeof SubscriptionPlanChangeScheduledData>
  | Of<'SubscriptionNotificationRecorded', typeof SubscriptionNotificationRecordedData>;

export type SubscriptionEventType = SubscriptionEvent['type'];
export type SubscriptionEventOf<T extends SubscriptionEventType> = Extract<SubscriptionEvent, { type: T }>;

export const SUBSCRIPTION_STREAM_PREFIX = 'subscription-';
export const subscriptionStreamId = (subscriptionId: string): string =>
  `${SUBSCRIPTION_STREAM_PREFIX}${subscriptionId}`;
