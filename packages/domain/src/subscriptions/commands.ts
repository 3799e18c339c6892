import * as t from 'io-ts';
import {
  commandCodec,
  decodeByType,
  IsoInstant,
  NonEmptyString,
  PositiveInt,
  PositiveMoneyCodec,
  type Command,
} from '@ordersource/core';
import { AddressCodec, CustomerCodec, PaymentMethodCodec } from '../order/values.js';
import { NotificationChannelCodec } from '../order/events.js';
import { PlanCodec } from './events.js';

/**
 * Commands of a subscription stream, decoded at the boundary with
 * `decodeSubscriptionCommand` (every failing field named with its rule).
 * The due-work commands (RenewSubscription ... RunDueWork) are what the
 * timers of `due.ts` send; each is idempotent, so a timer fired twice bills
 * nothing twice.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));
const NoteProps = { note: t.string };

const terms = {
  subscriptionId: NonEmptyString,
  customer: CustomerCodec,
  plan: PlanCodec,
  recurringAmount: PositiveMoneyCodec,
};
const optionalTerms = {
  quantity: PositiveInt,
  billingAddress: AddressCodec,
  paymentMethod: PaymentMethodCodec,
};

/** Odoo: a quotation for a subscription product; confirmed later by the shop or the customer. */
export const CreateQuotationData = t.intersection([
  t.strict({ ...terms, quotationId: NonEmptyString }),
  optional(optionalTerms),
]);

/** SUB-2: the quotation is confirmed: trialing (plan with trial days) or in progress. */
export const ConfirmQuotationData = optional(NoteProps);

/** SUB-2: confirming a quotation for a subscription product starts the subscription (quotation and confirmation in one). */
export const StartSubscriptionData = t.intersection([
  t.strict(terms),
  optional({ quotationId: NonEmptyString, ...optionalTerms }),
]);

/**
 * SUB-2: invoice the next period by hand, under an id of the caller's
 * choosing. The period and the amount must be the ones the plan gives for
 * the next period: an invoice is never free-form.
 */
export const InvoiceSubscriptionData = t.strict({
  invoiceId: NonEmptyString,
  amount: PositiveMoneyCodec,
  periodStart: IsoInstant,
  periodEnd: IsoInstant,
});

/** SUB-2: money received for an invoice (the renewal order's payment, or an admin's record). */
export const PaySubscriptionInvoiceData = t.intersection([
  t.strict({ invoiceId: NonEmptyString, amount: PositiveMoneyCodec }),
  optional({ paymentId: NonEmptyString }),
]);

/** The renewal payment failed (the provider's answer on the renewal order). */
export const FailSubscriptionPaymentData = t.intersection([
  t.strict({ invoiceId: NonEmptyString }),
  optional({ reason: t.string }),
]);

/** Money of an invoice was refunded (on its renewal order). */
export const RefundSubscriptionInvoiceData = t.strict({
  invoiceId: NonEmptyString,
  refundId: NonEmptyString,
  amount: PositiveMoneyCodec,
});

/**
 * SUB-3/SUB-4: `reasonCode` picks a configured close reason; `reasonText` is
 * an admin's free text (a customer must pick a code). Exactly one is given.
 * `when`: 'now' (default) or 'period_end' (Stripe's cancel_at_period_end).
 */
export const CloseSubscriptionData = optional({
  reasonCode: NonEmptyString,
  reasonText: NonEmptyString,
  when: t.keyof({ now: null, period_end: null }),
  ...NoteProps,
});

/** Take back a close scheduled for the period end, before it takes effect. */
export const UndoScheduledCloseData = optional(NoteProps);

/** Pause billing (no invoices while paused); optionally resume by itself at `resumeAt`. */
export const PauseSubscriptionData = optional({ resumeAt: IsoInstant, ...NoteProps });
export const ResumeSubscriptionData = optional(NoteProps);

/**
 * Upgrade, downgrade or change seats. `plan` and `recurringAmount` together,
 * `quantity` alone, or all three. `timing`: 'now' (prorated) or
 * 'next_renewal'. A change of billing period applies at the next renewal only.
 */
export const ChangePlanData = t.intersection([
  t.strict({ changeId: NonEmptyString, timing: t.keyof({ now: null, next_renewal: null }) }),
  optional({ plan: PlanCodec, recurringAmount: PositiveMoneyCodec, quantity: PositiveInt, ...NoteProps }),
]);

// ---- due work: what the timers send -------------------------------------

/** Invoice the period that starts at `periodStart` (ends a trial that ends then). */
export const RenewSubscriptionData = t.strict({ periodStart: IsoInstant });
/** Dunning: charge the invoice again (attempt 2, 3, ...). */
export const RetrySubscriptionPaymentData = t.strict({ invoiceId: NonEmptyString, attempt: PositiveInt });
/** Dunning: the grace of an invoice is over. */
export const EndDunningGraceData = t.strict({ invoiceId: NonEmptyString });
/** A paid period (or the part of it before a close) has been rendered. */
export const MarkPeriodServedData = t.strict({ invoiceId: NonEmptyString });
/** The close scheduled for `effectiveAt` takes effect. */
export const ApplyScheduledCloseData = t.strict({ effectiveAt: IsoInstant });
/** A pause with `resumeAt` ends. */
export const ResumeAtData = t.strict({ resumeAt: IsoInstant });
/** Everything due at or before `at`, in time order (no runtime needed). */
export const RunDueWorkData = t.strict({ at: IsoInstant });

/**
 * NOT-3: the notifier reports a message it sent, or one that finally failed.
 * A fact, accepted for every existing subscription (a closed one too), from
 * the shop's own processes only. Use an id derived from the intent as the
 * commandId, so a report delivered twice appends nothing.
 */
export const RecordSubscriptionNotificationData = t.intersection([
  t.strict({
    notificationId: NonEmptyString,
    channel: NotificationChannelCodec,
    template: NonEmptyString,
    outcome: t.keyof({ sent: null, failed: null }),
  }),
  optional({ recipient: NonEmptyString, reason: NonEmptyString }),
]);

export const SubscriptionCommandCodec = t.union(
  [
    commandCodec('CreateQuotation', CreateQuotationData),
    commandCodec('ConfirmQuotation', ConfirmQuotationData),
    commandCodec('StartSubscription', StartSubscriptionData),
    commandCodec('InvoiceSubscription', InvoiceSubscriptionData),
    commandCodec('PaySubscriptionInvoice', PaySubscriptionInvoiceData),
    commandCodec('FailSubscriptionPayment', FailSubscriptionPaymentData),
    commandCodec('RefundSubscriptionInvoice', RefundSubscriptionInvoiceData),
    commandCodec('CloseSubscription', CloseSubscriptionData),
    commandCodec('UndoScheduledClose', UndoScheduledCloseData),
    commandCodec('PauseSubscription', PauseSubscriptionData),
    commandCodec('ResumeSubscription', ResumeSubscriptionData),
    commandCodec('ChangePlan', ChangePlanData),
    commandCodec('RenewSubscription', RenewSubscriptionData),
    commandCodec('RetrySubscriptionPayment', RetrySubscriptionPaymentData),
    commandCodec('EndDunningGrace', EndDunningGraceData),
    commandCodec('MarkPeriodServed', MarkPeriodServedData),
    commandCodec('ApplyScheduledClose', ApplyScheduledCloseData),
    commandCodec('ResumeAt', ResumeAtData),
    commandCodec('RunDueWork', RunDueWorkData),
    commandCodec('RecordSubscriptionNotification', RecordSubscriptionNotificationData),
  ],
  'SubscriptionCommand',
);

type Of<T extends string, C extends t.Mixed> = Command<T, t.TypeOf<C>>;

export type SubscriptionCommand =
  | Of<'CreateQuotation', typeof CreateQuotationData>
  | Of<'ConfirmQuotation', typeof ConfirmQuotationData>
  | Of<'StartSubscription', typeof StartSubscriptionData>
  | Of<'InvoiceSubscription', typeof InvoiceSubscriptionData>
  | Of<'PaySubscriptionInvoice', typeof PaySubscriptionInvoiceData>
  | Of<'FailSubscriptionPayment', typeof FailSubscriptionPaymentData>
  | Of<'RefundSubscriptionInvoice', typeof RefundSubscriptionInvoiceData>
  | Of<'CloseSubscription', typeof CloseSubscriptionData>
  | Of<'UndoScheduledClose', typeof UndoScheduledCloseData>
  | Of<'PauseSubscription', typeof PauseSubscriptionData>
  | Of<'ResumeSubscription', typeof ResumeSubscriptionData>
  | Of<'ChangePlan', typeof ChangePlanData>
  | Of<'RenewSubscription', typeof RenewSubscriptionData>
  | Of<'RetrySubscriptionPayment', typeof RetrySubscriptionPaymentData>
  | Of<'EndDunningGrace', typeof EndDunningGraceData>
  | Of<'MarkPeriodServed', typeof MarkPeriodServedData>
  | Of<'ApplyScheduledClose', typeof ApplyScheduledCloseData>
  | Of<'ResumeAt', typeof ResumeAtData>
  | Of<'RunDueWork', typeof RunDueWorkData>
  | Of<'RecordSubscriptionNotification', typeof RecordSubscriptionNotificationData>;

export type SubscriptionCommandType = SubscriptionCommand['type'];
export type SubscriptionCommandOf<T extends SubscriptionCommandType> = Extract<SubscriptionCommand, { type: T }>;
export type SubscriptionCommandData<T extends SubscriptionCommandType> = SubscriptionCommandOf<T>['data'];

/** Unknown keys are named as unknown fields (issue 8.3); never throws, whatever the input. */
export const decodeSubscriptionCommand = decodeByType(
  'subscription command',
  SubscriptionCommandCodec.types as unknown as readonly t.Type<SubscriptionCommand, unknown, unknown>[],
  'SubscriptionCommandType',
);
