import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  commandCodec,
  decodeByType,
  IsoInstant,
  MoneyCodec,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  PositiveMoneyCodec,
  refine,
  wrapping,
  type Command,
  type ValidationError,
} from '@ordersource/core';
import {
  DiscardReasonCodec,
  InvoiceBasisCodec,
  NotificationChannelCodec,
  RefundLineCodec,
  ShipmentLineCodec,
} from './events.js';
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
  type OrderLine,
} from './values.js';
import { orderTotals } from './totals.js';
import { CloseOnCodec } from './close-on.js';

/**
 * Every command an order stream accepts, with the io-ts codecs that decode it
 * at the boundary (`decodeOrderCommand`). Cross-field rules of a checkout
 * (totals add up, one currency) are part of decoding: a bad checkout is a
 * ValidationError naming the field and the rule, and nothing is appended.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));
/** Command data with the optional change note (note, noteVisibleToCustomer, notify) of ORD-5. */
const noted = <P extends t.Props, X extends t.Props = Record<never, never>>(props: P, extra?: X) =>
  t.intersection([t.strict(props), t.exact(t.partial({ ...ChangeNoteProps, ...(extra ?? ({} as X)) }))]);

/** Money that is not below zero (fees, discounts, prices). */
const NonNegativeMoney = refine(MoneyCodec, (m) => m.amount >= 0, 'NonNegativeMoney');

type Issue = Readonly<{ key: string; value: unknown; rule: string }>;

/** A codec whose decoded value must also pass cross-field checks; each failure names its field. */
const checked = <A, O>(codec: t.Type<A, O, unknown>, check: (a: A) => readonly Issue[]): t.Type<A, O, unknown> =>
  wrapping(
    new t.Type<A, O, unknown>(
      codec.name,
      (u): u is A => codec.is(u) && check(u).length === 0,
      (u, c) => {
        // An empty key keeps the inner codec's members out of the field path.
        const base = codec.validate(u, t.appendContext(c, '', codec, u));
        if (E.isLeft(base)) return base;
        const issues = check(base.right);
        if (issues.length === 0) return base;
        return t.failures(
          issues.map((issue) => ({
            value: issue.value,
            context: [...c, ...issue.key.split('.').map((key) => ({ key, type: t.unknown, actual: issue.value }))],
            message: issue.rule,
          })),
        );
      },
      codec.encode,
    ),
    codec,
  );

/**
 * REC-6 (issue 9.5): where a line of a shipment or a return names its units'
 * marking codes, it names one per unit (as many as `qty`), and no code twice
 * in the command.
 */
const unitCodeIssues = (
  lines: readonly Readonly<{ qty: number; markingCodes?: readonly string[] }>[] | undefined,
): Issue[] => {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  (lines ?? []).forEach((line, index) => {
    if (line.markingCodes === undefined) return;
    if (line.markingCodes.length !== line.qty)
      issues.push({
        key: `lines.${index}.markingCodes`,
        value: line.markingCodes.length,
        rule: `one marking code per unit: ${line.qty} codes for qty ${line.qty} (REC-6)`,
      });
    line.markingCodes.forEach((code, i) => {
      if (seen.has(code))
        issues.push({
          key: `lines.${index}.markingCodes.${i}`,
          value: code,
          rule: 'each marking code once: a code names one unit (REC-6)',
        });
      seen.add(code);
    });
  });
  return issues;
};

// ---- order ---------------------------------------------------------------

const PlaceOrderBase = t.intersection([
  t.strict({
    orderId: NonEmptyString,
    orderNumber: NonEmptyString,
    /** Id of the checkout payment (the request for the total, in the chosen payment method). */
    paymentId: NonEmptyString,
    lines: t.array(OrderLineCodec),
    subtotal: NonNegativeMoney,
    shippingFee: NonNegativeMoney,
    discount: NonNegativeMoney,
    total: NonNegativeMoney,
    shippingMethod: ShippingMethodCodec,
    paymentMethod: PaymentMethodCodec,
    customer: CustomerCodec,
    billingAddress: AddressCodec,
    shippingAddress: AddressCodec,
  }),
  optional({
    ip: NonEmptyString,
    ipCountry: CountryCodec,
    remark: t.string,
    /** REC-8 (issue 9.7): this order's closing-receipt trigger; default the shop's (`ShopSettings.closingReceipt`). */
    closingReceipt: CloseOnCodec,
  }),
]);
type PlaceOrderBase = t.TypeOf<typeof PlaceOrderBase>;

/** The input at a dotted path (`lines.3.unitPrice`), to show with an issue. */
const valueAt = (data: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      data,
    );

/**
 * REC-6 (issue 9.5): a line names no marking code any more; a marked line is
 * `marked: true` and its units' codes come with the shipment. Marked goods are
 * physical goods.
 */
const lineMarkingIssues = (line: OrderLine, key: string): Issue[] => {
  const issues: Issue[] = [];
  if (line.markingCode !== undefined)
    issues.push({
      key: `${key}.markingCode`,
      value: line.markingCode,
      rule:
        'no single code per line (REC-6): set marked: true and give one code per unit when it ships ' +
        '(ShipOrder lines[].markingCodes)',
    });
  if (line.marked === true && line.kind !== 'physical')
    issues.push({ key: `${key}.marked`, value: line.marked, rule: 'only physical goods are marked' });
  return issues;
};

const checkoutIssues = (data: PlaceOrderBase): Issue[] => {
  const issues: Issue[] = [];
  const currency = data.total.currency;
  if (data.lines.length === 0) issues.push({ key: 'lines', value: data.lines, rule: 'at least one line' });
  const seen = new Set<string>();
  data.lines.forEach((line: OrderLine, index) => {
    if (line.unitPrice.currency !== currency)
      issues.push({
        key: `lines.${index}.unitPrice.currency`,
        value: line.unitPrice.currency,
        rule: `same currency as total (${currency})`,
      });
    if (seen.has(line.lineId)) issues.push({ key: `lines.${index}.lineId`, value: line.lineId, rule: 'unique lineId' });
    seen.add(line.lineId);
    issues.push(...lineMarkingIssues(line, `lines.${index}`));
  });
  for (const key of ['subtotal', 'shippingFee', 'discount'] as const)
    if (data[key].currency !== currency)
      issues.push({ key: `${key}.currency`, value: data[key].currency, rule: `same currency as total (${currency})` });
  if (issues.length > 0) return issues;
  // The order's own arithmetic (totals.ts), every intermediate in the safe integer range (issue 8.6).
  const computed = orderTotals(currency, data.lines, data.shippingFee, data.discount);
  if (E.isLeft(computed)) {
    const where = computed.left.details as { path?: string; rule?: string } | undefined;
    const key = where?.path ?? 'lines';
    return [{ key, value: valueAt(data, key) ?? null, rule: where?.rule ?? computed.left.message }];
  }
  const subtotal = computed.right.subtotal.amount;
  if (data.subtotal.amount !== subtotal)
    issues.push({
      key: 'subtotal.amount',
      value: data.subtotal.amount,
      rule: `subtotal = sum of unitPrice x qty (${subtotal})`,
    });
  const total = computed.right.total.amount;
  if (data.total.amount !== total)
    issues.push({
      key: 'total.amount',
      value: data.total.amount,
      rule: `total = subtotal + shippingFee - discount (${total})`,
    });
  return issues;
};

/** ORD-1: a checkout. Totals are stated by the storefront and checked here. */
export const PlaceOrderData = checked(PlaceOrderBase, checkoutIssues);

/** ORD-2: an admin records a pending order after checking the gateway (or the payment policy does). */
export const RecordOrderData = noted({});
/**
 * ORD-3: confirm (releases fulfillment). ORD-2 one-step confirm (ec2Biz, issue
 * 10.4): `paymentReceived` records that the admin saw the awaited payment
 * succeed in the gateway (`paymentId` when several are awaited), so the
 * order is recorded, paid and confirmed in one action, ready to ship.
 */
export const ConfirmOrderData = noted({}, { paymentReceived: t.literal(true), paymentId: NonEmptyString });

/** Pixpa's fulfillment statuses an admin may pick in "process order". */
export const TargetFulfillmentStatusCodec = t.keyof(
  { processed: null, on_hold: null, shipped: null, fulfilled: null, cancelled: null },
  'TargetFulfillmentStatus',
);

/** ORD-4: ec2Biz's "process order" form. */
export const ProcessOrderData = noted(
  { status: NonEmptyString },
  {
    fulfillmentStatus: TargetFulfillmentStatusCodec,
    holdReason: NonEmptyString,
    mailLanguage: LanguageCodec,
    keepMailCopy: t.boolean,
    loyaltyPoints: NonNegativeInt,
    loyaltyPointsApproved: t.boolean,
    shipDate: IsoInstant,
    deliveryDate: IsoInstant,
    carrier: NonEmptyString,
    trackingReference: NonEmptyString,
  },
);

/** ORD-9: composition edits. */
export const AddOrderLineData = checked(noted({ line: OrderLineCodec }), (data) =>
  lineMarkingIssues(data.line, 'line'),
);
export const RemoveOrderLineData = noted({ lineId: NonEmptyString });
export const ChangeOrderLineData = noted({ lineId: NonEmptyString }, { qty: PositiveInt, unitPrice: NonNegativeMoney });
export const ChangeShippingFeeData = noted({ shippingFee: NonNegativeMoney }, { discount: NonNegativeMoney });
/** CUS-2. */
export const ChangeBillingAddressData = noted({ address: AddressCodec });
/** ORD-9: sent by the receipts policy once the closing receipt is issued. */
export const LockOrderData = t.intersection([
  t.strict({ reason: NonEmptyString }),
  optional({ receiptId: NonEmptyString }),
]);
/** REC-8 (issue 9.7): change when this order's closing receipt goes out; refused once it is out or due. */
export const ScheduleClosingReceiptData = noted({ closingReceipt: CloseOnCodec });
export const CancelOrderData = noted({ reason: NonEmptyString });
/** ORD-6. */
export const DiscardOrderData = noted({ reason: DiscardReasonCodec }, { duplicateOf: NonEmptyString });

// ---- payments ------------------------------------------------------------

/**
 * `providerEventId` (issue 9.3): the provider's own id for the webhook or
 * event this command reports (Stripe `evt_...`, YooKassa notification id).
 * A re-delivered event is a no-op: the order keeps every id it recorded.
 */
const providerProps = { providerReference: NonEmptyString, providerMessage: t.string, providerEventId: NonEmptyString };

/** PAY-3: a payment link / invoice for the whole balance or a part. */
export const RequestPaymentData = noted(
  { paymentId: NonEmptyString, amount: PositiveMoneyCodec, method: PaymentMethodCodec, channel: PaymentChannelCodec },
  { expiresAt: IsoInstant, url: NonEmptyString },
);
/** PAY-1: provider messages. `amount` must equal the requested amount (PAY-3). */
/** `expiresAt`: when the provider lets the authorization lapse (issue 9.2); `ExpirePayment` records it then. */
export const AuthorizePaymentData = noted(
  { paymentId: NonEmptyString, amount: PositiveMoneyCodec },
  { ...providerProps, expiresAt: IsoInstant },
);
export const RecordSaleData = noted({ paymentId: NonEmptyString, amount: PositiveMoneyCodec }, providerProps);
/** Capture all that is left (amount omitted) or a part; `final` releases the rest (default: true when amount omitted). */
export const CapturePaymentData = noted(
  { paymentId: NonEmptyString },
  { amount: PositiveMoneyCodec, final: t.boolean, ...providerProps },
);
export const VoidPaymentData = noted({ paymentId: NonEmptyString }, { reason: t.string, ...providerProps });
/**
 * A request or authorization lapsed. `dueAt`: sent by a timer (order/due.ts)
 * for the expiry planned at that time; when the payment is no longer open, or
 * its expiry is no longer `dueAt`, the plan is obsolete and nothing is recorded.
 */
export const ExpirePaymentData = noted({ paymentId: NonEmptyString }, { ...providerProps, dueAt: IsoInstant });
export const FailPaymentData = noted({ paymentId: NonEmptyString }, providerProps);
/** PAY-4: an admin confirms an offline payment (bank transfer, cash/card to a courier, in store). */
/** `paymentId` omitted: the one payment awaited on the order (Pixpa's order-level "mark as paid"). */
export const ConfirmOfflinePaymentData = noted({}, { paymentId: NonEmptyString });
const RefundPaymentBase = noted(
  { refundId: NonEmptyString },
  {
    paymentId: NonEmptyString,
    amount: PositiveMoneyCodec,
    external: t.boolean,
    reason: t.string,
    ...providerProps,
    lines: t.array(RefundLineCodec),
    /** Issue 17 (REC-7): give back the shipping position too (what was paid for it, less earlier shipping refunds). */
    shipping: t.boolean,
  },
);

/** Returned lines name each line once (a return receipt lists a line once) and are not empty when given. */
const refundLineIssues = (data: t.TypeOf<typeof RefundPaymentBase>): Issue[] => {
  if (data.lines === undefined) return [];
  if (data.lines.length === 0) return [{ key: 'lines', value: data.lines, rule: 'at least one line when given' }];
  const seen = new Set<string>();
  const issues: Issue[] = [];
  data.lines.forEach((line, index) => {
    if (seen.has(line.lineId))
      issues.push({ key: `lines.${index}.lineId`, value: line.lineId, rule: 'each line named once' });
    seen.add(line.lineId);
  });
  return [...issues, ...unitCodeIssues(data.lines)];
};

/**
 * PAY-5: full (amount omitted) or partial; never more than captured.
 * `external`: refunded outside, recorded here (Pixpa's "mark as refunded").
 * `paymentId` omitted: refund from the order's payments, newest first.
 * `lines`: the goods that came back (REC-7). The amount is then what the
 * customer paid for those units (after the order discount); omit it, or state
 * exactly that value. A marked line names the codes of the units that came
 * back (`markingCodes`, REC-6); each marked unit comes back at most once.
 * `shipping: true` (issue 17): the shipping position comes back too, at what
 * was paid for it (after its share of the discount), once; with or without
 * lines, the amount then includes it.
 */
export const RefundPaymentData = checked(RefundPaymentBase, refundLineIssues);
/**
 * Issue 9.1: refund what was taken beyond the order's cost (everything held,
 * once the order is cancelled), newest payment first. Nothing due back: no
 * event, so a policy may send it after every capture.
 */
export const RefundExcessData = noted(
  { refundId: NonEmptyString },
  { external: t.boolean, reason: t.string, ...providerProps },
);
// ---- asynchronous outcomes (issue 9.3, PAY-1, PAY-5) ------------------------

/** 3-D Secure: the provider needs the customer to confirm (a bank page at `url`); then it authorizes or fails. */
export const RequireCustomerActionData = noted(
  { paymentId: NonEmptyString },
  { ...providerProps, url: NonEmptyString },
);
/**
 * PAY-1: ask the provider to capture (all that is capturable when `amount`
 * is omitted); the money counts when the provider reports the capture
 * (`CapturePayment`), or the request is given up (`FailCapture`).
 */
export const RequestCaptureData = noted(
  { paymentId: NonEmptyString },
  { amount: PositiveMoneyCodec, ...providerProps, expiresAt: IsoInstant, final: t.boolean },
);
/**
 * Issue 9: stop waiting for the provider's answer to the capture requested
 * of a payment. `dueAt`: sent by the order's timer for the request's
 * `expiresAt`; obsolete (nothing recorded) once the request was answered.
 */
export const ExpireCaptureRequestData = noted({ paymentId: NonEmptyString }, { dueAt: IsoInstant });
/** PAY-1: the provider did not capture what was asked; the authorization stays. */
export const FailCaptureData = noted({ paymentId: NonEmptyString }, providerProps);
/**
 * PAY-5: ask the provider to refund (`amount` omitted: all that can be
 * refunded of the payment). Nothing is refunded until the provider confirms
 * it (`ConfirmRefund`); meanwhile the amount is held back. `shipping: true`
 * (issue 17, added later): the shipping position comes back too, as with
 * `RefundPayment`: at what was paid for it, once; the amount then includes
 * it (with or without lines), and the provider's success carries it.
 */
export const RequestRefundData = noted(
  { refundId: NonEmptyString, paymentId: NonEmptyString },
  {
    amount: PositiveMoneyCodec,
    reason: t.string,
    ...providerProps,
    lines: t.array(RefundLineCodec),
    shipping: t.boolean,
    expiresAt: IsoInstant,
  },
);
/** Issue 9: stop waiting for the provider's answer to a refund request (`dueAt`: as for a capture request). */
export const ExpireRefundRequestData = noted({ refundId: NonEmptyString }, { dueAt: IsoInstant });
/**
 * PAY-5: the provider refunded. For a requested refund `amount` defaults to
 * the amount pending; for a refund the shop never asked for, `paymentId` and
 * `amount` are needed and it is recorded all the same, flagged.
 */
export const ConfirmRefundData = noted(
  { refundId: NonEmptyString },
  { paymentId: NonEmptyString, amount: PositiveMoneyCodec, ...providerProps },
);
/** PAY-5: the provider could not refund; what was pending can be asked again. */
export const FailRefundData = noted({ refundId: NonEmptyString }, { paymentId: NonEmptyString, ...providerProps });
/** PAY-5: a refund that succeeded came back (all of it, or `amount`). */
export const ReverseRefundData = noted(
  { refundId: NonEmptyString },
  { paymentId: NonEmptyString, amount: PositiveMoneyCodec, ...providerProps },
);
/** PAY-1: a chargeback: the bank withdrew `amount` of the payment until the dispute is decided. */
export const OpenDisputeData = noted(
  { disputeId: NonEmptyString, paymentId: NonEmptyString, amount: PositiveMoneyCodec },
  { reason: t.string, ...providerProps },
);
/**
 * The dispute was decided. For a dispute the order never saw opened,
 * `paymentId` and `amount` are needed (a loss is recorded, flagged).
 */
export const CloseDisputeData = noted(
  { disputeId: NonEmptyString, outcome: t.keyof({ won: null, lost: null }) },
  { paymentId: NonEmptyString, amount: PositiveMoneyCodec, ...providerProps },
);

/** PAY-1/FUL-4: capture every authorization whose method captures after delivery. */
export const CaptureOnDeliveryData = t.strict({});
/** PAY-7. */
export const IssueInvoiceData = t.strict({ invoiceId: NonEmptyString, basis: InvoiceBasisCodec });

// ---- fulfillment ---------------------------------------------------------

export const MarkProcessedData = noted({});
/** FUL-1 on hold; `until` makes a timed hold (ORD-7). */
export const HoldFulfillmentData = noted({ reason: NonEmptyString }, { until: IsoInstant });
export const ReleaseFulfillmentHoldData = noted({});
/**
 * ORD-7 (issue 10.1): record that the timed hold ending at `until` ran out.
 * Sent by a timer (order/due.ts) or by a scheduler where no timer runs; a hold
 * that is no longer the one ending at `until` makes it a no-op.
 */
export const EndTimedHoldData = t.strict({ until: IsoInstant });
/** FUL-1/FUL-2: ship all remaining physical lines (lines omitted) or some of them. */
const ShipOrderBase = noted(
  { shipmentId: NonEmptyString },
  {
    lines: t.array(ShipmentLineCodec),
    carrier: NonEmptyString,
    trackingReference: NonEmptyString,
    shippedAt: IsoInstant,
    expectedDeliveryAt: IsoInstant,
    /** Issue 10.3: the carrier's tracking page, carried to the customer's notification. */
    trackingUrl: NonEmptyString,
  },
);
/**
 * FUL-1/FUL-2: ship all remaining physical lines (lines omitted) or some of
 * them. REC-6: a marked line's units are scanned at packing: its shipment
 * line names their codes (`markingCodes`, one per unit shipped).
 */
export const ShipOrderData = checked(ShipOrderBase, (data) => unitCodeIssues(data.lines));
/** FUL-2/ORD-4 (issue 10.2): correct a shipment's carrier, tracking or dates; at least one field. */
const AmendShipmentBase = noted(
  { shipmentId: NonEmptyString },
  {
    carrier: NonEmptyString,
    trackingReference: NonEmptyString,
    trackingUrl: NonEmptyString,
    shippedAt: IsoInstant,
    expectedDeliveryAt: IsoInstant,
    deliveredAt: IsoInstant,
  },
);
const AMENDABLE = [
  'carrier',
  'trackingReference',
  'trackingUrl',
  'shippedAt',
  'expectedDeliveryAt',
  'deliveredAt',
] as const;
export const AmendShipmentData = checked(AmendShipmentBase, (data) =>
  AMENDABLE.some((key) => data[key] !== undefined)
    ? []
    : [{ key: 'shipmentId', value: data.shipmentId, rule: `at least one of ${AMENDABLE.join(', ')}` }],
);
/** Issue 10.2: cancel a shipment not delivered, or record (`returned`) that the parcel came back undelivered. */
export const CancelShipmentData = noted(
  { shipmentId: NonEmptyString, reason: NonEmptyString },
  { returned: t.boolean },
);
/** Issue 10.2: cancel what a partly shipped order has not shipped yet (its physical lines shrink to what left). */
export const CancelUnshippedData = noted({ reason: NonEmptyString });

/** FUL-1 fulfilled / FUL-2 delivery date: one shipment, or everything shipped (shipmentId omitted). */
export const MarkDeliveredData = noted({}, { shipmentId: NonEmptyString, deliveredAt: IsoInstant });

// ---- loyalty -------------------------------------------------------------

/**
 * ORD-4 (issue 10.6): approve the points the order earns (shown to the admin
 * by `loyaltyPointsFor` under the shop's earning rule). A second approval of
 * the same points changes nothing; another amount needs `correction: true`.
 */
export const ApproveLoyaltyPointsData = noted({ points: NonNegativeInt }, { correction: t.literal(true) });

// ---- notifications -------------------------------------------------------

const RecordNotificationSentBase = t.intersection([
  t.strict({
    notificationId: NonEmptyString,
    audience: t.keyof({ customer: null, admin: null }),
    channels: t.array(NotificationChannelCodec),
  }),
  optional({ about: NonEmptyString }),
]);

/**
 * NOT-3: sent by a notifier adapter once a notification went out. Use the
 * notification's effect id as the commandId, so recording it twice appends
 * nothing (the handler's idempotency).
 */
export const RecordNotificationSentData = checked(RecordNotificationSentBase, (data) =>
  data.channels.length === 0 ? [{ key: 'channels', value: data.channels, rule: 'at least one channel' }] : [],
);

/**
 * Issue 12 (NOT-3): a notification finally failed after its retries (the
 * dispatcher's dead letter). A fact: accepted for every existing order, also
 * a cancelled one. Use the dead letter's id as the commandId.
 */
export const RecordNotificationFailedData = t.intersection([
  t.strict({
    notificationId: NonEmptyString,
    channel: NotificationChannelCodec,
    template: NonEmptyString,
    recipient: NonEmptyString,
    reason: NonEmptyString,
  }),
  optional({ audience: t.keyof({ customer: null, admin: null }), attempts: PositiveInt }),
]);

// ---- the union -----------------------------------------------------------

export const PlaceOrderCommand = commandCodec('PlaceOrder', PlaceOrderData);
export const RecordOrderCommand = commandCodec('RecordOrder', RecordOrderData);
export const ConfirmOrderCommand = commandCodec('ConfirmOrder', ConfirmOrderData);
export const ProcessOrderCommand = commandCodec('ProcessOrder', ProcessOrderData);
export const AddOrderLineCommand = commandCodec('AddOrderLine', AddOrderLineData);
export const RemoveOrderLineCommand = commandCodec('RemoveOrderLine', RemoveOrderLineData);
export const ChangeOrderLineCommand = commandCodec('ChangeOrderLine', ChangeOrderLineData);
export const ChangeShippingFeeCommand = commandCodec('ChangeShippingFee', ChangeShippingFeeData);
export const ChangeBillingAddressCommand = commandCodec('ChangeBillingAddress', ChangeBillingAddressData);
export const LockOrderCommand = commandCodec('LockOrder', LockOrderData);
export const ScheduleClosingReceiptCommand = commandCodec('ScheduleClosingReceipt', ScheduleClosingReceiptData);
export const CancelOrderCommand = commandCodec('CancelOrder', CancelOrderData);
export const DiscardOrderCommand = commandCodec('DiscardOrder', DiscardOrderData);
export const RequestPaymentCommand = commandCodec('RequestPayment', RequestPaymentData);
export const AuthorizePaymentCommand = commandCodec('AuthorizePayment', AuthorizePaymentData);
export const RecordSaleCommand = commandCodec('RecordSale', RecordSaleData);
export const CapturePaymentCommand = commandCodec('CapturePayment', CapturePaymentData);
export const VoidPaymentCommand = commandCodec('VoidPayment', VoidPaymentData);
export const ExpirePaymentCommand = commandCodec('ExpirePayment', ExpirePaymentData);
export const FailPaymentCommand = commandCodec('FailPayment', FailPaymentData);
export const ConfirmOfflinePaymentCommand = commandCodec('ConfirmOfflinePayment', ConfirmOfflinePaymentData);
export const RefundPaymentCommand = commandCodec('RefundPayment', RefundPaymentData);
export const RefundExcessCommand = commandCodec('RefundExcess', RefundExcessData);
export const RequireCustomerActionCommand = commandCodec('RequireCustomerAction', RequireCustomerActionData);
export const RequestCaptureCommand = commandCodec('RequestCapture', RequestCaptureData);
export const FailCaptureCommand = commandCodec('FailCapture', FailCaptureData);
export const ExpireCaptureRequestCommand = commandCodec('ExpireCaptureRequest', ExpireCaptureRequestData);
export const RequestRefundCommand = commandCodec('RequestRefund', RequestRefundData);
export const ConfirmRefundCommand = commandCodec('ConfirmRefund', ConfirmRefundData);
export const FailRefundCommand = commandCodec('FailRefund', FailRefundData);
export const ExpireRefundRequestCommand = commandCodec('ExpireRefundRequest', ExpireRefundRequestData);
export const ReverseRefundCommand = commandCodec('ReverseRefund', ReverseRefundData);
export const OpenDisputeCommand = commandCodec('OpenDispute', OpenDisputeData);
export const CloseDisputeCommand = commandCodec('CloseDispute', CloseDisputeData);
export const CaptureOnDeliveryCommand = commandCodec('CaptureOnDelivery', CaptureOnDeliveryData);
export const IssueInvoiceCommand = commandCodec('IssueInvoice', IssueInvoiceData);
export const MarkProcessedCommand = commandCodec('MarkProcessed', MarkProcessedData);
export const HoldFulfillmentCommand = commandCodec('HoldFulfillment', HoldFulfillmentData);
export const ReleaseFulfillmentHoldCommand = commandCodec('ReleaseFulfillmentHold', ReleaseFulfillmentHoldData);
export const EndTimedHoldCommand = commandCodec('EndTimedHold', EndTimedHoldData);
export const ShipOrderCommand = commandCodec('ShipOrder', ShipOrderData);
export const MarkDeliveredCommand = commandCodec('MarkDelivered', MarkDeliveredData);
export const AmendShipmentCommand = commandCodec('AmendShipment', AmendShipmentData);
export const CancelShipmentCommand = commandCodec('CancelShipment', CancelShipmentData);
export const CancelUnshippedCommand = commandCodec('CancelUnshipped', CancelUnshippedData);
export const ApproveLoyaltyPointsCommand = commandCodec('ApproveLoyaltyPoints', ApproveLoyaltyPointsData);
export const RecordNotificationSentCommand = commandCodec('RecordNotificationSent', RecordNotificationSentData);
export const RecordNotificationFailedCommand = commandCodec('RecordNotificationFailed', RecordNotificationFailedData);

export const OrderCommandCodec = t.union(
  [
    PlaceOrderCommand,
    RecordOrderCommand,
    ConfirmOrderCommand,
    ProcessOrderCommand,
    AddOrderLineCommand,
    RemoveOrderLineCommand,
    ChangeOrderLineCommand,
    ChangeShippingFeeCommand,
    ChangeBillingAddressCommand,
    LockOrderCommand,
    ScheduleClosingReceiptCommand,
    CancelOrderCommand,
    DiscardOrderCommand,
    RequestPaymentCommand,
    AuthorizePaymentCommand,
    RecordSaleCommand,
    CapturePaymentCommand,
    VoidPaymentCommand,
    ExpirePaymentCommand,
    FailPaymentCommand,
    ConfirmOfflinePaymentCommand,
    RefundPaymentCommand,
    RefundExcessCommand,
    RequireCustomerActionCommand,
    RequestCaptureCommand,
    FailCaptureCommand,
    ExpireCaptureRequestCommand,
    RequestRefundCommand,
    ConfirmRefundCommand,
    FailRefundCommand,
    ExpireRefundRequestCommand,
    ReverseRefundCommand,
    OpenDisputeCommand,
    CloseDisputeCommand,
    CaptureOnDeliveryCommand,
    IssueInvoiceCommand,
    MarkProcessedCommand,
    HoldFulfillmentCommand,
    ReleaseFulfillmentHoldCommand,
    EndTimedHoldCommand,
    ShipOrderCommand,
    MarkDeliveredCommand,
    AmendShipmentCommand,
    CancelShipmentCommand,
    CancelUnshippedCommand,
    ApproveLoyaltyPointsCommand,
    RecordNotificationSentCommand,
    RecordNotificationFailedCommand,
  ],
  'OrderCommand',
);

type Data<C extends t.Any> = t.TypeOf<C>;

export type PlaceOrder = Command<'PlaceOrder', Data<typeof PlaceOrderData>>;
export type RecordOrder = Command<'RecordOrder', Data<typeof RecordOrderData>>;
export type ConfirmOrder = Command<'ConfirmOrder', Data<typeof ConfirmOrderData>>;
export type ProcessOrder = Command<'ProcessOrder', Data<typeof ProcessOrderData>>;
export type AddOrderLine = Command<'AddOrderLine', Data<typeof AddOrderLineData>>;
export type RemoveOrderLine = Command<'RemoveOrderLine', Data<typeof RemoveOrderLineData>>;
export type ChangeOrderLine = Command<'ChangeOrderLine', Data<typeof ChangeOrderLineData>>;
export type ChangeShippingFee = Command<'ChangeShippingFee', Data<typeof ChangeShippingFeeData>>;
export type ChangeBillingAddress = Command<'ChangeBillingAddress', Data<typeof ChangeBillingAddressData>>;
export type LockOrder = Command<'LockOrder', Data<typeof LockOrderData>>;
export type ScheduleClosingReceipt = Command<'ScheduleClosingReceipt', Data<typeof ScheduleClosingReceiptData>>;
export type CancelOrder = Command<'CancelOrder', Data<typeof CancelOrderData>>;
export type DiscardOrder = Command<'DiscardOrder', Data<typeof DiscardOrderData>>;
export type RequestPayment = Command<'RequestPayment', Data<typeof RequestPaymentData>>;
export type AuthorizePayment = Command<'AuthorizePayment', Data<typeof AuthorizePaymentData>>;
export type RecordSale = Command<'RecordSale', Data<typeof RecordSaleData>>;
export type CapturePayment = Command<'CapturePayment', Data<typeof CapturePaymentData>>;
export type VoidPayment = Command<'VoidPayment', Data<typeof VoidPaymentData>>;
export type ExpirePayment = Command<'ExpirePayment', Data<typeof ExpirePaymentData>>;
export type FailPayment = Command<'FailPayment', Data<typeof FailPaymentData>>;
export type ConfirmOfflinePayment = Command<'ConfirmOfflinePayment', Data<typeof ConfirmOfflinePaymentData>>;
export type RefundPayment = Command<'RefundPayment', Data<typeof RefundPaymentData>>;
export type RefundExcess = Command<'RefundExcess', Data<typeof RefundExcessData>>;
export type RequireCustomerAction = Command<'RequireCustomerAction', Data<typeof RequireCustomerActionData>>;
export type RequestCapture = Command<'RequestCapture', Data<typeof RequestCaptureData>>;
export type FailCapture = Command<'FailCapture', Data<typeof FailCaptureData>>;
export type ExpireCaptureRequest = Command<'ExpireCaptureRequest', Data<typeof ExpireCaptureRequestData>>;
export type RequestRefund = Command<'RequestRefund', Data<typeof RequestRefundData>>;
export type ConfirmRefund = Command<'ConfirmRefund', Data<typeof ConfirmRefundData>>;
export type FailRefund = Command<'FailRefund', Data<typeof FailRefundData>>;
export type ExpireRefundRequest = Command<'ExpireRefundRequest', Data<typeof ExpireRefundRequestData>>;
export type ReverseRefund = Command<'ReverseRefund', Data<typeof ReverseRefundData>>;
export type OpenDispute = Command<'OpenDispute', Data<typeof OpenDisputeData>>;
export type CloseDispute = Command<'CloseDispute', Data<typeof CloseDisputeData>>;
export type CaptureOnDelivery = Command<'CaptureOnDelivery', Data<typeof CaptureOnDeliveryData>>;
export type IssueInvoice = Command<'IssueInvoice', Data<typeof IssueInvoiceData>>;
export type MarkProcessed = Command<'MarkProcessed', Data<typeof MarkProcessedData>>;
export type HoldFulfillment = Command<'HoldFulfillment', Data<typeof HoldFulfillmentData>>;
export type ReleaseFulfillmentHold = Command<'ReleaseFulfillmentHold', Data<typeof ReleaseFulfillmentHoldData>>;
export type EndTimedHold = Command<'EndTimedHold', Data<typeof EndTimedHoldData>>;
export type ShipOrder = Command<'ShipOrder', Data<typeof ShipOrderData>>;
export type MarkDelivered = Command<'MarkDelivered', Data<typeof MarkDeliveredData>>;
export type AmendShipment = Command<'AmendShipment', Data<typeof AmendShipmentData>>;
export type CancelShipment = Command<'CancelShipment', Data<typeof CancelShipmentData>>;
export type CancelUnshipped = Command<'CancelUnshipped', Data<typeof CancelUnshippedData>>;
export type ApproveLoyaltyPoints = Command<'ApproveLoyaltyPoints', Data<typeof ApproveLoyaltyPointsData>>;
export type RecordNotificationSent = Command<'RecordNotificationSent', Data<typeof RecordNotificationSentData>>;
export type RecordNotificationFailed = Command<'RecordNotificationFailed', Data<typeof RecordNotificationFailedData>>;

export type OrderCommand =
  | PlaceOrder
  | RecordOrder
  | ConfirmOrder
  | ProcessOrder
  | AddOrderLine
  | RemoveOrderLine
  | ChangeOrderLine
  | ChangeShippingFee
  | ChangeBillingAddress
  | LockOrder
  | ScheduleClosingReceipt
  | CancelOrder
  | DiscardOrder
  | RequestPayment
  | AuthorizePayment
  | RecordSale
  | CapturePayment
  | VoidPayment
  | ExpirePayment
  | FailPayment
  | ConfirmOfflinePayment
  | RefundPayment
  | RefundExcess
  | RequireCustomerAction
  | RequestCapture
  | FailCapture
  | ExpireCaptureRequest
  | RequestRefund
  | ConfirmRefund
  | FailRefund
  | ExpireRefundRequest
  | ReverseRefund
  | OpenDispute
  | CloseDispute
  | CaptureOnDelivery
  | IssueInvoice
  | MarkProcessed
  | HoldFulfillment
  | ReleaseFulfillmentHold
  | EndTimedHold
  | ShipOrder
  | MarkDelivered
  | AmendShipment
  | CancelShipment
  | CancelUnshipped
  | ApproveLoyaltyPoints
  | RecordNotificationSent
  | RecordNotificationFailed;

export type OrderCommandType = OrderCommand['type'];

const codecByType = new Map<string, t.Type<OrderCommand, unknown, unknown>>(
  OrderCommandCodec.types.map((codec) => [codec.name, codec as t.Type<OrderCommand, unknown, unknown>]),
);

/** Every command type an order stream accepts. */
export const orderCommandTypes: readonly OrderCommandType[] = [...codecByType.keys()] as OrderCommandType[];

/**
 * Decode a command from outside; on failure every failing field is named with
 * its rule, and every key the command does not declare is named as an
 * unknown field (issue 8.3). The `type` is looked up first, so a bad
 * PlaceOrder is reported against PlaceOrder's fields only (not against every
 * member of the union). Never throws, whatever the input.
 */
export const decodeOrderCommand: (input: unknown) => E.Either<ValidationError, OrderCommand> = decodeByType(
  'order command',
  [...codecByType.values()],
  'OrderCommandType',
);
