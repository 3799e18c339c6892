import * as t from 'io-ts';
import {
  CurrencyCodec,
  eventCodec,
  IsoInstant,
  MoneyCodec,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  type Event,
} from '@ordersource/core';
import {
  AddressCodec,
  ChangeNoteProps,
  CountryCodec,
  CustomerCodec,
  LanguageCodec,
  OrderLineCodec,
  PaymentChannelCodec,
  PaymentMethodCodec,
  ShippingMethodCodec,
} from './values.js';
import { MarkingCodesCodec } from './marking.js';
import { CloseOnCodec } from './close-on.js';

/**
 * Every event of one `order-<orderId>` stream: the order, its payments and its
 * fulfillment live in one stream so that the invariants that span them (the
 * ORD-8 shipping gate, refund limits, the ORD-9 lock) are checked by one
 * decider. Every event carries the time it happened (`at`, from the command)
 * and, where a change may be annotated, the optional change note (ORD-5).
 *
 * These shapes are a contract for the receipts module and for stored
 * streams: add optional fields, never change existing ones.
 */

/** Event data with the optional change note (note, noteVisibleToCustomer, notify). */
const noted = <P extends t.Props>(props: P, name: string) =>
  t.intersection([t.strict(props), t.exact(t.partial(ChangeNoteProps))], name);

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

/** Computed totals: total = subtotal + shippingFee - discount (always). */
export const OrderTotalsCodec = t.strict(
  { subtotal: MoneyCodec, shippingFee: MoneyCodec, discount: MoneyCodec, total: MoneyCodec },
  'OrderTotals',
);
export type OrderTotals = t.TypeOf<typeof OrderTotalsCodec>;

/** ORD-7: why an order looks suspicious. */
export const FraudSignalCodec = t.keyof(
  { ip_country_differs_from_billing: null, ip_country_differs_from_shipping: null },
  'FraudSignal',
);
export type FraudSignal = t.TypeOf<typeof FraudSignalCodec>;

// ---- order ---------------------------------------------------------------

/** ORD-1. `status` is 'pending' while an online payment is awaited (ORD-2), else 'recorded'. */
export const OrderPlacedData = t.intersection(
  [
    t.strict({
      orderId: NonEmptyString,
      orderNumber: NonEmptyString,
      placedAt: IsoInstant,
      status: t.keyof({ pending: null, recorded: null }),
      currency: CurrencyCodec,
      lines: t.array(OrderLineCodec),
      totals: OrderTotalsCodec,
      shippingMethod: ShippingMethodCodec,
      paymentMethod: PaymentMethodCodec,
      customer: CustomerCodec,
      billingAddress: AddressCodec,
      shippingAddress: AddressCodec,
      fraudSignals: t.array(FraudSignalCodec),
    }),
    optional({ ip: NonEmptyString, ipCountry: CountryCodec, remark: t.string, closingReceipt: CloseOnCodec }),
  ],
  'OrderPlacedData',
);

/** ORD-2: a pending order became a recorded one (by a successful payment or an admin). */
export const OrderRecordedData = noted(
  { at: IsoInstant, trigger: t.keyof({ payment: null, admin: null }) },
  'OrderRecordedData',
);

/** ORD-3: the order is confirmed; this releases fulfillment. */
export const OrderConfirmedData = noted(
  { at: IsoInstant, trigger: t.keyof({ payment: null, admin: null }) },
  'OrderConfirmedData',
);

/** ORD-4: the admin "process order" action, as the admin filled it in (ec2Biz). */
export const OrderProcessedData = t.intersection(
  [
    noted({ at: IsoInstant, status: NonEmptyString, keepMailCopy: t.boolean }, 'OrderProcessedBase'),
    optional({
      mailLanguage: LanguageCodec,
      loyaltyPoints: NonNegativeInt,
      loyaltyPointsApproved: t.boolean,
      shipDate: IsoInstant,
      deliveryDate: IsoInstant,
      carrier: NonEmptyString,
      trackingReference: NonEmptyString,
    }),
  ],
  'OrderProcessedData',
);

/** ORD-9 edits: each carries the re-priced totals. */
export const OrderLineAddedData = noted(
  { at: IsoInstant, line: OrderLineCodec, totals: OrderTotalsCodec },
  'OrderLineAddedData',
);
export const OrderLineRemovedData = noted(
  { at: IsoInstant, lineId: NonEmptyString, totals: OrderTotalsCodec },
  'OrderLineRemovedData',
);
export const OrderLineChangedData = noted(
  { at: IsoInstant, lineId: NonEmptyString, qty: PositiveInt, unitPrice: MoneyCodec, totals: OrderTotalsCodec },
  'OrderLineChangedData',
);
export const ShippingFeeChangedData = noted(
  { at: IsoInstant, shippingFee: MoneyCodec, discount: MoneyCodec, totals: OrderTotalsCodec },
  'ShippingFeeChangedData',
);

/** CUS-2: the customer (or an admin) edits the billing address. */
export const BillingAddressChangedData = noted({ at: IsoInstant, address: AddressCodec }, 'BillingAddressChangedData');

/** ORD-9: the closing fiscal receipt was issued; the composition can no longer change. */
export const OrderLockedData = t.intersection(
  [t.strict({ at: IsoInstant, reason: NonEmptyString }), optional({ receiptId: NonEmptyString })],
  'OrderLockedData',
);

/**
 * REC-8 (issue 9.7): this order's closing receipt goes out on another trigger
 * than it did (an admin opens a return window, or closes one now).
 */
export const ClosingReceiptScheduledData = noted(
  { at: IsoInstant, closingReceipt: CloseOnCodec },
  'ClosingReceiptScheduledData',
);

/** Cancelled with a reason; irreversible. Open authorizations are voided by separate PaymentVoided events. */
export const OrderCancelledData = noted({ at: IsoInstant, reason: NonEmptyString }, 'OrderCancelledData');

/** ORD-6: deleted in the shop's sense; the stream stays, with the reason. */
export const DiscardReasonCodec = t.keyof({ erroneous: null, stale: null, duplicate: null }, 'DiscardReason');
export type DiscardReason = t.TypeOf<typeof DiscardReasonCodec>;
export const OrderDiscardedData = t.intersection(
  [
    noted({ at: IsoInstant, reason: DiscardReasonCodec }, 'OrderDiscardedBase'),
    optional({ duplicateOf: NonEmptyString }),
  ],
  'OrderDiscardedData',
);

// ---- payments ------------------------------------------------------------

/** PAY-3: a payment link / invoice for the full amount or a part; it can be paid only in exactly this amount. */
export const PaymentRequestedData = t.intersection(
  [
    noted(
      {
        at: IsoInstant,
        paymentId: NonEmptyString,
        amount: MoneyCodec,
        method: PaymentMethodCodec,
        channel: PaymentChannelCodec,
      },
      'PaymentRequestedBase',
    ),
    optional({ expiresAt: IsoInstant, url: NonEmptyString }),
  ],
  'PaymentRequestedData',
);

/** `providerEventId` (issue 9.3): the provider's event this was reported by; each is recorded once. */
const providerProps = { providerReference: NonEmptyString, providerMessage: t.string, providerEventId: NonEmptyString };

/** PAY-1: the provider authorized exactly the requested amount; `expiresAt` (added later) when it lapses. */
export const PaymentAuthorizedData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, amount: MoneyCodec }, 'PaymentAuthorizedBase'),
    optional({ ...providerProps, expiresAt: IsoInstant }),
  ],
  'PaymentAuthorizedData',
);

/**
 * Money received (REC-1). `mode`: 'capture' of an earlier authorization,
 * 'sale' (authorize and capture at once), or 'offline' (an admin confirmed a
 * bank transfer / cash, PAY-4). A final capture releases the uncaptured rest
 * (`released`).
 */
export const CaptureKindCodec = t.keyof({ capture: null, sale: null, offline: null }, 'CaptureKind');
export type CaptureKind = t.TypeOf<typeof CaptureKindCodec>;
export const PaymentCapturedData = t.intersection(
  [
    noted(
      {
        at: IsoInstant,
        paymentId: NonEmptyString,
        amount: MoneyCodec,
        mode: CaptureKindCodec,
        final: t.boolean,
        released: MoneyCodec,
      },
      'PaymentCapturedBase',
    ),
    optional(providerProps),
  ],
  'PaymentCapturedData',
);

/** An open request or authorization was cancelled; `released` is the authorized amount given back. */
export const PaymentVoidedData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, released: MoneyCodec }, 'PaymentVoidedBase'),
    optional({ reason: t.string, ...providerProps }),
  ],
  'PaymentVoidedData',
);

export const PaymentExpiredData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, released: MoneyCodec }, 'PaymentExpiredBase'),
    optional(providerProps),
  ],
  'PaymentExpiredData',
);

/** A declined attempt; the provider's message is kept (PAY-1) and the payer may try again. */
export const PaymentFailedData = t.intersection(
  [noted({ at: IsoInstant, paymentId: NonEmptyString }, 'PaymentFailedBase'), optional(providerProps)],
  'PaymentFailedData',
);

/**
 * PAY-5/REC-7: units of one order line the customer gave back with a refund;
 * for marked goods, which units: their codes (REC-6, added by issue 9.5).
 */
export const RefundLineCodec = t.intersection(
  [t.strict({ lineId: NonEmptyString, qty: PositiveInt }), optional({ markingCodes: MarkingCodesCodec })],
  'RefundLine',
);
export type RefundLine = t.TypeOf<typeof RefundLineCodec>;

/**
 * PAY-5: refund of captured money; `external` when the admin records a refund
 * made outside (Pixpa). `lines`: the goods that came back with it, one entry
 * per line (added later, so older events have none): the income-return
 * receipt after settlement lists them (REC-7).
 */
export const PaymentRefundedData = t.intersection(
  [
    noted(
      { at: IsoInstant, paymentId: NonEmptyString, refundId: NonEmptyString, amount: MoneyCodec, external: t.boolean },
      'PaymentRefundedBase',
    ),
    optional({
      reason: t.string,
      ...providerProps,
      lines: t.array(RefundLineCodec),
      /**
       * Issue 9.3 (added later): 'settled' when this is the provider's success
       * for a `RefundRequested` with the same refundId (it names no new refund);
       * 'unknown' when the provider reported a refund the shop never asked for
       * (recorded all the same: the money went back).
       */
      request: t.keyof({ settled: null, unknown: null }),
      /**
       * Issue 9 (added later): the part of this refund beyond what the shop
       * held of the payment when it was recorded (captured − refunded −
       * charged back − funds an open dispute withdrew). A provider's success is a fact, so it is recorded all the
       * same; the order is then over-refunded (`overRefunded`) until the
       * missing capture arrives, the refund is reversed or the customer pays
       * the difference back.
       */
      exceeds: MoneyCodec,
      /**
       * Issue 17 (added later, REC-7): the part of `amount` that gives back
       * the shipping position (what was paid for shipping, less earlier
       * shipping refunds); the income-return receipt lists it for exactly this.
       */
      shipping: MoneyCodec,
    }),
  ],
  'PaymentRefundedData',
);

// ---- asynchronous outcomes (issue 9.3, PAY-1, PAY-5) ----------------------

/**
 * Why an outcome was recorded without the request it answers: the provider
 * reported it for a request the order does not know ('unknown-request') or no
 * longer waits for ('not-pending'). Outcomes are facts: recorded, flagged.
 */
export const OutcomeFlagCodec = t.keyof({ 'unknown-request': null, 'not-pending': null }, 'OutcomeFlag');
export type OutcomeFlag = t.TypeOf<typeof OutcomeFlagCodec>;

/** 3-D Secure (PAY-1): the authorization waits for the customer (a bank page); `url` is where she confirms. */
export const PaymentActionRequiredData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString }, 'PaymentActionRequiredBase'),
    optional({ ...providerProps, url: NonEmptyString }),
  ],
  'PaymentActionRequiredData',
);

/** PAY-1: the shop asked the provider to capture; the money counts once the provider reports it (`PaymentCaptured`). */
export const CaptureRequestedData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, amount: MoneyCodec }, 'CaptureRequestedBase'),
    /**
     * Added later (issue 9): `expiresAt`, when the shop stops waiting for the
     * answer (`CaptureRequestExpired`); `final`, the capture ends the
     * authorization, so its success releases the rest (capture on delivery).
     */
    optional({ ...providerProps, expiresAt: IsoInstant, final: t.boolean }),
  ],
  'CaptureRequestedData',
);

/**
 * Issue 9: the shop stopped waiting for the answer to a capture request;
 * `released` is the pending capture given up (the authorization stays, and a
 * capture the provider reports later is still recorded).
 */
export const CaptureRequestExpiredData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, released: MoneyCodec }, 'CaptureRequestExpiredBase'),
    optional({ dueAt: IsoInstant }),
  ],
  'CaptureRequestExpiredData',
);

/** PAY-1: the provider did not capture; `released` is the pending capture given up (the authorization stays). */
export const CaptureFailedData = t.intersection(
  [
    noted({ at: IsoInstant, paymentId: NonEmptyString, released: MoneyCodec }, 'CaptureFailedBase'),
    optional({ ...providerProps, flag: OutcomeFlagCodec }),
  ],
  'CaptureFailedData',
);

/**
 * PAY-5: the shop asked the provider to refund; nothing is refunded (and no
 * receipt is owed) until the provider reports the outcome (`PaymentRefunded`
 * with `request: 'settled'`, or `RefundFailed`). The amount is held back
 * from what can still be refunded meanwhile.
 */
export const RefundRequestedData = t.intersection(
  [
    noted(
      { at: IsoInstant, paymentId: NonEmptyString, refundId: NonEmptyString, amount: MoneyCodec },
      'RefundRequestedBase',
    ),
    /**
     * `expiresAt` (added later, issue 9): when the shop stops waiting for the answer (`RefundRequestExpired`).
     * `shipping` (added later, issue 17): the part of `amount` that gives back the shipping position; the
     * provider's success carries it to `PaymentRefunded.shipping` (REC-7).
     */
    optional({
      reason: t.string,
      ...providerProps,
      lines: t.array(RefundLineCodec),
      shipping: MoneyCodec,
      expiresAt: IsoInstant,
    }),
  ],
  'RefundRequestedData',
);

/**
 * Issue 9: the shop stopped waiting for the answer to a refund request;
 * `released` is the pending amount given up, so it may be asked again. A
 * success the provider reports later is still recorded.
 */
export const RefundRequestExpiredData = t.intersection(
  [
    noted(
      { at: IsoInstant, refundId: NonEmptyString, paymentId: NonEmptyString, released: MoneyCodec },
      'RefundRequestExpiredBase',
    ),
    optional({ dueAt: IsoInstant }),
  ],
  'RefundRequestExpiredData',
);

/** PAY-5: the provider could not refund; `released` is the pending amount given up. */
export const RefundFailedData = t.intersection(
  [
    noted({ at: IsoInstant, refundId: NonEmptyString, released: MoneyCodec }, 'RefundFailedBase'),
    optional({ paymentId: NonEmptyString, ...providerProps, flag: OutcomeFlagCodec }),
  ],
  'RefundFailedData',
);

/**
 * PAY-5: a refund that succeeded came back to the shop (the customer's card
 * was closed, the bank bounced it): `amount` is the money back on the books,
 * at most what the refund had given back and was not reversed yet (zero for
 * a refund not recorded as succeeded: 'unknown-request').
 */
export const RefundReversedData = t.intersection(
  [
    noted({ at: IsoInstant, refundId: NonEmptyString, amount: MoneyCodec }, 'RefundReversedBase'),
    optional({ paymentId: NonEmptyString, ...providerProps, flag: OutcomeFlagCodec }),
  ],
  'RefundReversedData',
);

/** PAY-1: a chargeback was opened; the bank withdrew `amount` from the shop until the dispute is decided. */
export const DisputeOpenedData = t.intersection(
  [
    noted(
      { at: IsoInstant, disputeId: NonEmptyString, paymentId: NonEmptyString, amount: MoneyCodec },
      'DisputeOpenedBase',
    ),
    /**
     * Issue 9 (added later): the part of the dispute beyond what the shop held
     * of the payment (net captured minus funds other disputes withdrew). The
     * bank's figure is recorded as it is; a lost dispute beyond what was held
     * leaves the order over-refunded (the customer got the money twice).
     */
    optional({ reason: t.string, ...providerProps, exceeds: MoneyCodec }),
  ],
  'DisputeOpenedData',
);

export const DisputeOutcomeCodec = t.keyof({ won: null, lost: null }, 'DisputeOutcome');
export type DisputeOutcome = t.TypeOf<typeof DisputeOutcomeCodec>;

/**
 * The dispute was decided: 'won' reinstates the withdrawn funds, 'lost'
 * keeps them withdrawn for good (a chargeback). `amount`: the funds concerned.
 */
export const DisputeClosedData = t.intersection(
  [
    noted(
      {
        at: IsoInstant,
        disputeId: NonEmptyString,
        paymentId: NonEmptyString,
        outcome: DisputeOutcomeCodec,
        amount: MoneyCodec,
      },
      'DisputeClosedBase',
    ),
    /**
     * `exceeds` (added later, issue 9): a loss of a dispute never seen opened,
     * beyond what the shop held of the payment (an opened one named it then).
     */
    optional({ ...providerProps, flag: OutcomeFlagCodec, exceeds: MoneyCodec }),
  ],
  'DisputeClosedData',
);

/** PAY-7: invoicing policy basis. */
export const InvoiceBasisCodec = t.keyof({ ordered: null, delivered: null }, 'InvoiceBasis');
export type InvoiceBasis = t.TypeOf<typeof InvoiceBasisCodec>;

export const InvoiceLineCodec = t.strict(
  { lineId: NonEmptyString, qty: PositiveInt, amount: MoneyCodec },
  'InvoiceLine',
);
export type InvoiceLine = t.TypeOf<typeof InvoiceLineCodec>;

/** PAY-7: an invoice for what was ordered (or delivered) and not yet invoiced; shipping/discount ride on the first. */
export const InvoiceIssuedData = t.strict(
  {
    at: IsoInstant,
    invoiceId: NonEmptyString,
    basis: InvoiceBasisCodec,
    lines: t.array(InvoiceLineCodec),
    shippingFee: MoneyCodec,
    discount: MoneyCodec,
    amount: MoneyCodec,
  },
  'InvoiceIssuedData',
);

/** PAY-7: captured money matched against an invoice. */
export const InvoicePaymentReconciledData = t.strict(
  { at: IsoInstant, invoiceId: NonEmptyString, paymentId: NonEmptyString, amount: MoneyCodec },
  'InvoicePaymentReconciledData',
);

// ---- fulfillment ---------------------------------------------------------

/** FUL-1 processed: ready to ship. */
export const FulfillmentProcessedData = noted({ at: IsoInstant }, 'FulfillmentProcessedData');

/** FUL-1 on hold with a reason; `until` makes it a timed hold (ORD-7's 24 h review) that ends on its own. */
export const FulfillmentHeldData = t.intersection(
  [noted({ at: IsoInstant, reason: NonEmptyString }, 'FulfillmentHeldBase'), optional({ until: IsoInstant })],
  'FulfillmentHeldData',
);
/**
 * A hold ended: released by an admin, or (with `heldUntil`) a timed hold that
 * ran out at that time (ORD-7, issue 10.1): recorded by the timer's
 * `EndTimedHold`, or by the first command after `until`.
 */
export const FulfillmentHoldReleasedData = t.intersection(
  [noted({ at: IsoInstant }, 'FulfillmentHoldReleasedBase'), optional({ heldUntil: IsoInstant })],
  'FulfillmentHoldReleasedData',
);

/** Units of one line in a shipment; a marked line's units with their scanned codes (REC-6, added by issue 9.5). */
export const ShipmentLineCodec = t.intersection(
  [t.strict({ lineId: NonEmptyString, qty: PositiveInt }), optional({ markingCodes: MarkingCodesCodec })],
  'ShipmentLine',
);
export type ShipmentLine = t.TypeOf<typeof ShipmentLineCodec>;

/** FUL-1/FUL-2: some or all physical lines left the warehouse. */
export const ShipmentDispatchedData = t.intersection(
  [
    noted(
      { at: IsoInstant, shipmentId: NonEmptyString, lines: t.array(ShipmentLineCodec), shippedAt: IsoInstant },
      'ShipmentDispatchedBase',
    ),
    optional({
      carrier: NonEmptyString,
      trackingReference: NonEmptyString,
      expectedDeliveryAt: IsoInstant,
      trackingUrl: NonEmptyString,
    }),
  ],
  'ShipmentDispatchedData',
);

/** FUL-2: a shipment reached the customer. */
export const ShipmentDeliveredData = noted(
  { at: IsoInstant, shipmentId: NonEmptyString, deliveredAt: IsoInstant },
  'ShipmentDeliveredData',
);

/**
 * FUL-2/ORD-4 (issue 10.2): the admin corrected a shipment after the fact
 * (ec2Biz edits shipping data): only the fields given change; the shipment,
 * the order detail, the customer's view and the notification show them.
 */
export const ShipmentAmendedData = t.intersection(
  [
    noted({ at: IsoInstant, shipmentId: NonEmptyString }, 'ShipmentAmendedBase'),
    optional({
      carrier: NonEmptyString,
      trackingReference: NonEmptyString,
      trackingUrl: NonEmptyString,
      shippedAt: IsoInstant,
      expectedDeliveryAt: IsoInstant,
      deliveredAt: IsoInstant,
    }),
  ],
  'ShipmentAmendedData',
);

/**
 * Issue 10.2: a shipment was cancelled before delivery, or (`returned`) the
 * parcel came back undelivered: its goods are to be shipped again, and the
 * fulfillment steps back (shipped -> processed).
 */
export const ShipmentCancelledData = noted(
  {
    at: IsoInstant,
    shipmentId: NonEmptyString,
    lines: t.array(ShipmentLineCodec),
    reason: NonEmptyString,
    returned: t.boolean,
  },
  'ShipmentCancelledData',
);

/** FUL-1 fulfilled: everything delivered (FUL-4: triggers the closing receipt and a pending after-delivery capture). */
export const OrderFulfilledData = noted({ at: IsoInstant, deliveredAt: IsoInstant }, 'OrderFulfilledData');

/** FUL-3: payment confirmed, digital lines can be downloaded. */
export const DownloadsUnlockedData = t.strict(
  { at: IsoInstant, lineIds: t.array(NonEmptyString) },
  'DownloadsUnlockedData',
);

/**
 * FUL-3 (issue 9.4): the money behind unlocked downloads went away (the
 * authorization was voided or expired, nothing captured covers the order):
 * the downloads lock again and an order fulfilled by them is not fulfilled
 * any more, so no handover receipt is owed for goods nobody paid for.
 */
export const DownloadsLockedData = t.strict(
  { at: IsoInstant, lineIds: t.array(NonEmptyString), reason: NonEmptyString },
  'DownloadsLockedData',
);

// ---- loyalty -------------------------------------------------------------

/**
 * ORD-4 (issue 10.6): the admin approved the loyalty points the order earns
 * (ec2Biz "view and approve"), computed on `basis` (the goods paid for, minor
 * units). `previous`: a correction of an earlier approval.
 */
export const LoyaltyPointsApprovedData = t.intersection(
  [
    noted(
      { at: IsoInstant, customerId: NonEmptyString, points: NonNegativeInt, basis: NonNegativeInt },
      'LoyaltyPointsApprovedBase',
    ),
    optional({ previous: NonNegativeInt }),
  ],
  'LoyaltyPointsApprovedData',
);

/** Issue 10.6: a refund of returned goods takes back the points those goods earned. */
export const LoyaltyPointsReversedData = t.strict(
  { at: IsoInstant, customerId: NonEmptyString, points: PositiveInt, refundId: NonEmptyString },
  'LoyaltyPointsReversedData',
);

// ---- notifications -------------------------------------------------------

/** NOT-1/NOT-3: the channels a notification went out on (fax only for the shop's own alerts). */
export const NotificationChannelCodec = t.keyof({ email: null, sms: null, fax: null }, 'NotificationChannel');
export type NotificationChannel = t.TypeOf<typeof NotificationChannelCodec>;

/**
 * NOT-3: a notifier adapter sent a notification about this order (to the
 * customer or to the shop); `about` says what it reported (a status label or
 * an event type). Nothing in the order changes; the history shows it.
 */
export const NotificationSentData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      notificationId: NonEmptyString,
      audience: t.keyof({ customer: null, admin: null }),
      channels: t.array(NotificationChannelCodec),
    }),
    optional({ about: NonEmptyString }),
  ],
  'NotificationSentData',
);

/**
 * Issue 12 (NOT-3): a notification finally failed, after the dispatcher's
 * retries. A fact about the world, never refused for an existing order: the
 * history shows what was attempted and why it did not arrive.
 */
export const NotificationFailedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      notificationId: NonEmptyString,
      channel: NotificationChannelCodec,
      template: NonEmptyString,
      recipient: NonEmptyString,
      reason: NonEmptyString,
    }),
    optional({ audience: t.keyof({ customer: null, admin: null }), attempts: PositiveInt }),
  ],
  'NotificationFailedData',
);

// ---- the union -----------------------------------------------------------

export const OrderPlacedEvent = eventCodec('OrderPlaced', OrderPlacedData);
export const OrderRecordedEvent = eventCodec('OrderRecorded', OrderRecordedData);
export const OrderConfirmedEvent = eventCodec('OrderConfirmed', OrderConfirmedData);
export const OrderProcessedEvent = eventCodec('OrderProcessed', OrderProcessedData);
export const OrderLineAddedEvent = eventCodec('OrderLineAdded', OrderLineAddedData);
export const OrderLineRemovedEvent = eventCodec('OrderLineRemoved', OrderLineRemovedData);
export const OrderLineChangedEvent = eventCodec('OrderLineChanged', OrderLineChangedData);
export const ShippingFeeChangedEvent = eventCodec('ShippingFeeChanged', ShippingFeeChangedData);
export const BillingAddressChangedEvent = eventCodec('BillingAddressChanged', BillingAddressChangedData);
export const OrderLockedEvent = eventCodec('OrderLocked', OrderLockedData);
export const ClosingReceiptScheduledEvent = eventCodec('ClosingReceiptScheduled', ClosingReceiptScheduledData);
export const OrderCancelledEvent = eventCodec('OrderCancelled', OrderCancelledData);
export const OrderDiscardedEvent = eventCodec('OrderDiscarded', OrderDiscardedData);
export const PaymentRequestedEvent = eventCodec('PaymentRequested', PaymentRequestedData);
export const PaymentAuthorizedEvent = eventCodec('PaymentAuthorized', PaymentAuthorizedData);
export const PaymentCapturedEvent = eventCodec('PaymentCaptured', PaymentCapturedData);
export const PaymentVoidedEvent = eventCodec('PaymentVoided', PaymentVoidedData);
export const PaymentExpiredEvent = eventCodec('PaymentExpired', PaymentExpiredData);
export const PaymentFailedEvent = eventCodec('PaymentFailed', PaymentFailedData);
export const PaymentRefundedEvent = eventCodec('PaymentRefunded', PaymentRefundedData);
export const PaymentActionRequiredEvent = eventCodec('PaymentActionRequired', PaymentActionRequiredData);
export const CaptureRequestedEvent = eventCodec('CaptureRequested', CaptureRequestedData);
export const CaptureFailedEvent = eventCodec('CaptureFailed', CaptureFailedData);
export const CaptureRequestExpiredEvent = eventCodec('CaptureRequestExpired', CaptureRequestExpiredData);
export const RefundRequestedEvent = eventCodec('RefundRequested', RefundRequestedData);
export const RefundFailedEvent = eventCodec('RefundFailed', RefundFailedData);
export const RefundRequestExpiredEvent = eventCodec('RefundRequestExpired', RefundRequestExpiredData);
export const RefundReversedEvent = eventCodec('RefundReversed', RefundReversedData);
export const DisputeOpenedEvent = eventCodec('DisputeOpened', DisputeOpenedData);
export const DisputeClosedEvent = eventCodec('DisputeClosed', DisputeClosedData);
export const InvoiceIssuedEvent = eventCodec('InvoiceIssued', InvoiceIssuedData);
export const InvoicePaymentReconciledEvent = eventCodec('InvoicePaymentReconciled', InvoicePaymentReconciledData);
export const FulfillmentProcessedEvent = eventCodec('FulfillmentProcessed', FulfillmentProcessedData);
export const FulfillmentHeldEvent = eventCodec('FulfillmentHeld', FulfillmentHeldData);
export const FulfillmentHoldReleasedEvent = eventCodec('FulfillmentHoldReleased', FulfillmentHoldReleasedData);
export const ShipmentDispatchedEvent = eventCodec('ShipmentDispatched', ShipmentDispatchedData);
export const ShipmentDeliveredEvent = eventCodec('ShipmentDelivered', ShipmentDeliveredData);
export const ShipmentAmendedEvent = eventCodec('ShipmentAmended', ShipmentAmendedData);
export const ShipmentCancelledEvent = eventCodec('ShipmentCancelled', ShipmentCancelledData);
export const OrderFulfilledEvent = eventCodec('OrderFulfilled', OrderFulfilledData);
export const DownloadsUnlockedEvent = eventCodec('DownloadsUnlocked', DownloadsUnlockedData);
export const DownloadsLockedEvent = eventCodec('DownloadsLocked', DownloadsLockedData);
export const LoyaltyPointsApprovedEvent = eventCodec('LoyaltyPointsApproved', LoyaltyPointsApprovedData);
export const LoyaltyPointsReversedEvent = eventCodec('LoyaltyPointsReversed', LoyaltyPointsReversedData);
export const NotificationSentEvent = eventCodec('NotificationSent', NotificationSentData);
export const NotificationFailedEvent = eventCodec('NotificationFailed', NotificationFailedData);

export const OrderEventCodec = t.union(
  [
    OrderPlacedEvent,
    OrderRecordedEvent,
    OrderConfirmedEvent,
    OrderProcessedEvent,
    OrderLineAddedEvent,
    OrderLineRemovedEvent,
    OrderLineChangedEvent,
    ShippingFeeChangedEvent,
    BillingAddressChangedEvent,
    OrderLockedEvent,
    ClosingReceiptScheduledEvent,
    OrderCancelledEvent,
    OrderDiscardedEvent,
    PaymentRequestedEvent,
    PaymentAuthorizedEvent,
    PaymentCapturedEvent,
    PaymentVoidedEvent,
    PaymentExpiredEvent,
    PaymentFailedEvent,
    PaymentRefundedEvent,
    PaymentActionRequiredEvent,
    CaptureRequestedEvent,
    CaptureFailedEvent,
    CaptureRequestExpiredEvent,
    RefundRequestedEvent,
    RefundFailedEvent,
    RefundRequestExpiredEvent,
    RefundReversedEvent,
    DisputeOpenedEvent,
    DisputeClosedEvent,
    InvoiceIssuedEvent,
    InvoicePaymentReconciledEvent,
    FulfillmentProcessedEvent,
    FulfillmentHeldEvent,
    FulfillmentHoldReleasedEvent,
    ShipmentDispatchedEvent,
    ShipmentDeliveredEvent,
    ShipmentAmendedEvent,
    ShipmentCancelledEvent,
    OrderFulfilledEvent,
    DownloadsUnlockedEvent,
    DownloadsLockedEvent,
    LoyaltyPointsApprovedEvent,
    LoyaltyPointsReversedEvent,
    NotificationSentEvent,
    NotificationFailedEvent,
  ],
  'OrderEvent',
);

type Data<C extends t.Any> = t.TypeOf<C>;

export type OrderPlaced = Event<'OrderPlaced', Data<typeof OrderPlacedData>>;
export type OrderRecorded = Event<'OrderRecorded', Data<typeof OrderRecordedData>>;
export type OrderConfirmed = Event<'OrderConfirmed', Data<typeof OrderConfirmedData>>;
export type OrderProcessed = Event<'OrderProcessed', Data<typeof OrderProcessedData>>;
export type OrderLineAdded = Event<'OrderLineAdded', Data<typeof OrderLineAddedData>>;
export type OrderLineRemoved = Event<'OrderLineRemoved', Data<typeof OrderLineRemovedData>>;
export type OrderLineChanged = Event<'OrderLineChanged', Data<typeof OrderLineChangedData>>;
export type ShippingFeeChanged = Event<'ShippingFeeChanged', Data<typeof ShippingFeeChangedData>>;
export type BillingAddressChanged = Event<'BillingAddressChanged', Data<typeof BillingAddressChangedData>>;
export type OrderLocked = Event<'OrderLocked', Data<typeof OrderLockedData>>;
export type ClosingReceiptScheduled = Event<'ClosingReceiptScheduled', Data<typeof ClosingReceiptScheduledData>>;
export type OrderCancelled = Event<'OrderCancelled', Data<typeof OrderCancelledData>>;
export type OrderDiscarded = Event<'OrderDiscarded', Data<typeof OrderDiscardedData>>;
export type PaymentRequested = Event<'PaymentRequested', Data<typeof PaymentRequestedData>>;
export type PaymentAuthorized = Event<'PaymentAuthorized', Data<typeof PaymentAuthorizedData>>;
export type PaymentCaptured = Event<'PaymentCaptured', Data<typeof PaymentCapturedData>>;
export type PaymentVoided = Event<'PaymentVoided', Data<typeof PaymentVoidedData>>;
export type PaymentExpired = Event<'PaymentExpired', Data<typeof PaymentExpiredData>>;
export type PaymentFailed = Event<'PaymentFailed', Data<typeof PaymentFailedData>>;
export type PaymentRefunded = Event<'PaymentRefunded', Data<typeof PaymentRefundedData>>;
export type PaymentActionRequired = Event<'PaymentActionRequired', Data<typeof PaymentActionRequiredData>>;
export type CaptureRequested = Event<'CaptureRequested', Data<typeof CaptureRequestedData>>;
export type CaptureFailed = Event<'CaptureFailed', Data<typeof CaptureFailedData>>;
export type CaptureRequestExpired = Event<'CaptureRequestExpired', Data<typeof CaptureRequestExpiredData>>;
export type RefundRequested = Event<'RefundRequested', Data<typeof RefundRequestedData>>;
export type RefundFailed = Event<'RefundFailed', Data<typeof RefundFailedData>>;
export type RefundRequestExpired = Event<'RefundRequestExpired', Data<typeof RefundRequestExpiredData>>;
export type RefundReversed = Event<'RefundReversed', Data<typeof RefundReversedData>>;
export type DisputeOpened = Event<'DisputeOpened', Data<typeof DisputeOpenedData>>;
export type DisputeClosed = Event<'DisputeClosed', Data<typeof DisputeClosedData>>;
export type InvoiceIssued = Event<'InvoiceIssued', Data<typeof InvoiceIssuedData>>;
export type InvoicePaymentReconciled = Event<'InvoicePaymentReconciled', Data<typeof InvoicePaymentReconciledData>>;
export type FulfillmentProcessed = Event<'FulfillmentProcessed', Data<typeof FulfillmentProcessedData>>;
export type FulfillmentHeld = Event<'FulfillmentHeld', Data<typeof FulfillmentHeldData>>;
export type FulfillmentHoldReleased = Event<'FulfillmentHoldReleased', Data<typeof FulfillmentHoldReleasedData>>;
export type ShipmentDispatched = Event<'ShipmentDispatched', Data<typeof ShipmentDispatchedData>>;
export type ShipmentDelivered = Event<'ShipmentDelivered', Data<typeof ShipmentDeliveredData>>;
export type ShipmentAmended = Event<'ShipmentAmended', Data<typeof ShipmentAmendedData>>;
export type ShipmentCancelled = Event<'ShipmentCancelled', Data<typeof ShipmentCancelledData>>;
export type OrderFulfilled = Event<'OrderFulfilled', Data<typeof OrderFulfilledData>>;
export type DownloadsUnlocked = Event<'DownloadsUnlocked', Data<typeof DownloadsUnlockedData>>;
export type DownloadsLocked = Event<'DownloadsLocked', Data<typeof DownloadsLockedData>>;
export type LoyaltyPointsApproved = Event<'LoyaltyPointsApproved', Data<typeof LoyaltyPointsApprovedData>>;
export type LoyaltyPointsReversed = Event<'LoyaltyPointsReversed', Data<typeof LoyaltyPointsReversedData>>;
export type NotificationSent = Event<'NotificationSent', Data<typeof NotificationSentData>>;
export type NotificationFailed = Event<'NotificationFailed', Data<typeof NotificationFailedData>>;

export type OrderEvent =
  | OrderPlaced
  | OrderRecorded
  | OrderConfirmed
  | OrderProcessed
  | OrderLineAdded
  | OrderLineRemoved
  | OrderLineChanged
  | ShippingFeeChanged
  | BillingAddressChanged
  | OrderLocked
  | ClosingReceiptScheduled
  | OrderCancelled
  | OrderDiscarded
  | PaymentRequested
  | PaymentAuthorized
  | PaymentCaptured
  | PaymentVoided
  | PaymentExpired
  | PaymentFailed
  | PaymentRefunded
  | PaymentActionRequired
  | CaptureRequested
  | CaptureFailed
  | CaptureRequestExpired
  | RefundRequested
  | RefundFailed
  | RefundRequestExpired
  | RefundReversed
  | DisputeOpened
  | DisputeClosed
  | InvoiceIssued
  | InvoicePaymentReconciled
  | FulfillmentProcessed
  | FulfillmentHeld
  | FulfillmentHoldReleased
  | ShipmentDispatched
  | ShipmentDelivered
  | ShipmentAmended
  | ShipmentCancelled
  | OrderFulfilled
  | DownloadsUnlocked
  | DownloadsLocked
  | LoyaltyPointsApproved
  | LoyaltyPointsReversed
  | NotificationSent
  | NotificationFailed;

export type OrderEventType = OrderEvent['type'];

const codecByType = new Map<string, t.Type<OrderEvent, unknown, unknown>>(
  OrderEventCodec.types.map((codec) => [codec.name, codec as t.Type<OrderEvent, unknown, unknown>]),
);

/**
 * The same events as `OrderEventCodec`, decoded by looking the `type` up
 * first: one member is tried instead of up to 29, and a bad event is reported
 * against its own fields only. Reading streams back uses this one.
 */
export const OrderEventDecoder = new t.Type<OrderEvent, unknown, unknown>(
  'OrderEvent',
  (u): u is OrderEvent => OrderEventCodec.is(u),
  (u, c) => {
    const type = typeof u === 'object' && u !== null ? (u as { type?: unknown }).type : undefined;
    const codec = typeof type === 'string' ? codecByType.get(type) : undefined;
    if (codec === undefined) return t.failure(type, t.appendContext(c, 'type', t.unknown, type), 'OrderEventType');
    return codec.validate(u, c);
  },
  t.identity,
);

/** Every event type of the order stream (for store filters). */
export const orderEventTypes: readonly OrderEventType[] = OrderEventCodec.types.map(
  (codec) => codec.name as OrderEventType,
);

/** The stream of one order. */
export const ORDER_STREAM_PREFIX = 'order-';
export const orderStreamId = (orderId: string): string => `${ORDER_STREAM_PREFIX}${orderId}`;
export const orderIdOf = (streamId: string): string =>
  streamId.startsWith(ORDER_STREAM_PREFIX) ? streamId.slice(ORDER_STREAM_PREFIX.length) : streamId;
