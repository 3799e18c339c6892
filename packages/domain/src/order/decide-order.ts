import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '@ordersource/core';
import type {
  AddOrderLine,
  CancelOrder,
  CancelUnshipped,
  ChangeBillingAddress,
  ChangeOrderLine,
  ChangeShippingFee,
  ConfirmOrder,
  DiscardOrder,
  LockOrder,
  PlaceOrder,
  ProcessOrder,
  RecordNotificationFailed,
  RecordNotificationSent,
  RecordOrder,
  RemoveOrderLine,
  ScheduleClosingReceipt,
} from './commands.js';
import {
  holdFulfillment,
  markDelivered,
  markProcessed,
  releaseFulfillmentHold,
  shipOrder,
} from './decide-fulfillment.js';
import { receiveAwaited, voidOpenPayments } from './decide-payment.js';
import { chain, fail, ok, type Ctx, type Decision } from './decision.js';
import type { FraudSignal, OrderEvent, OrderTotals } from './events.js';
import { netCaptured } from './payment-status.js';
import { DEFAULT_CLOSE_ON, sameCloseOn, type CloseOn } from './close-on.js';
import { editPhase } from './closing-receipt.js';
import type { Handover } from './handover.js';
import { remainingOf, remainingToShip, returnedQty, shippedQty } from './quantities.js';
import type { OrderState } from './state.js';
import { computeTotals } from './totals.js';
import { changeNoteOf, type OrderLine } from './values.js';

/** ORD-1..ORD-9 and CUS-2: the order's own decisions. */

/** ORD-7: the customer's IP country differs from the billing or shipping country. */
export const fraudSignalsOf = (data: Pick<PlaceOrder['data'], 'ipCountry' | 'billingAddress' | 'shippingAddress'>) => {
  const signals: FraudSignal[] = [];
  if (data.ipCountry === undefined) return signals;
  if (data.ipCountry !== data.billingAddress.country) signals.push('ip_country_differs_from_billing');
  if (data.ipCountry !== data.shippingAddress.country) signals.push('ip_country_differs_from_shipping');
  return signals;
};

/**
 * ORD-1: place an order from a checkout. The stated totals must add up
 * (re-checked here for callers that skip decoding). An online payment leaves
 * the order pending until it completes (ORD-2). The checkout payment is
 * requested at once for the total.
 */
export const placeOrder = (
  state: OrderState,
  ctx: Ctx,
  data: PlaceOrder['data'],
  shopCloseOn: CloseOn = DEFAULT_CLOSE_ON,
): Decision => {
  if (state.status !== 'none') return fail('order-exists', `order ${data.orderId} was already placed`);
  if (ctx.actor.kind === 'customer' && ctx.actor.id !== data.customer.id)
    return fail('forbidden', 'a customer can only place an order for herself');
  // When the fiscal receipt goes out is the shop's to say, not the buyer's (REC-8).
  if (ctx.actor.kind === 'customer' && data.closingReceipt !== undefined)
    return fail('forbidden', 'a customer cannot choose when the closing receipt goes out (REC-8)');
  // Recorded when it is not the default, so an absent rule always means "on delivery".
  const closingReceipt = data.closingReceipt ?? shopCloseOn;
  if (data.lines.length === 0) return fail('order-empty', 'an order needs at least one line');
  if (new Set(data.lines.map((l) => l.lineId)).size !== data.lines.length)
    return fail('duplicate-line', 'line ids must be unique');
  const currency = data.total.currency;
  const totals = computeTotals(currency, data.lines, data.shippingFee, data.discount);
  if (E.isLeft(totals)) return totals;
  if (totals.right.subtotal.amount !== data.subtotal.amount || totals.right.total.amount !== data.total.amount)
    return fail('totals-mismatch', 'the stated subtotal or total does not add up', {
      subtotal: totals.right.subtotal.amount,
      total: totals.right.total.amount,
    });
  const total = totals.right.total.amount;
  const pending = data.paymentMethod.kind === 'online' && total > 0;
  const events: OrderEvent[] = [
    {
      type: 'OrderPlaced',
      data: {
        orderId: data.orderId,
        orderNumber: data.orderNumber,
        placedAt: ctx.at,
        status: pending ? 'pending' : 'recorded',
        currency,
        lines: data.lines,
        totals: totals.right,
        shippingMethod: data.shippingMethod,
        paymentMethod: data.paymentMethod,
        customer: data.customer,
        billingAddress: data.billingAddress,
        shippingAddress: data.shippingAddress,
        fraudSignals: fraudSignalsOf(data),
        ...(data.ip === undefined ? {} : { ip: data.ip }),
        ...(data.ipCountry === undefined ? {} : { ipCountry: data.ipCountry }),
        ...(data.remark === undefined ? {} : { remark: data.remark }),
        ...(closingReceipt.trigger === 'delivery' ? {} : { closingReceipt }),
      },
    },
  ];
  if (total > 0)
    events.push({
      type: 'PaymentRequested',
      data: {
        at: ctx.at,
        paymentId: data.paymentId,
        amount: totals.right.total,
        method: data.paymentMethod,
        channel: 'checkout',
      },
    });
  return ok(...events);
};

const trigger = (ctx: Ctx): 'admin' | 'payment' => (ctx.actor.kind === 'admin' ? 'admin' : 'payment');

/** ORD-2: pending -> recorded, by a successful payment (policy) or an admin who checked the gateway. */
export const recordOrder = (state: OrderState, ctx: Ctx, data: RecordOrder['data']): Decision =>
  state.status === 'pending'
    ? ok({ type: 'OrderRecorded', data: { at: ctx.at, trigger: trigger(ctx), ...changeNoteOf(data) } })
    : ok();

/**
 * ORD-3: confirm (a pending order is recorded on the way); confirming twice
 * changes nothing. With `paymentReceived` (ORD-2, issue 10.4) the awaited
 * payment is recorded as received first, all in one decision.
 */
export const confirmOrder = (state: OrderState, ctx: Ctx, data: ConfirmOrder['data']): Decision => {
  if (data.paymentReceived === true) {
    const { paymentReceived: _received, paymentId, ...note } = data;
    return chain(state, [
      (s) => receiveAwaited(s, ctx, paymentId === undefined ? {} : { paymentId }, 'sale'),
      (s) => confirmOrder(s, ctx, note),
    ]);
  }
  if (state.status === 'confirmed') return ok();
  const events: OrderEvent[] = [];
  if (state.status === 'pending') events.push({ type: 'OrderRecorded', data: { at: ctx.at, trigger: trigger(ctx) } });
  events.push({ type: 'OrderConfirmed', data: { at: ctx.at, trigger: trigger(ctx), ...changeNoteOf(data) } });
  return ok(...events);
};

/**
 * ORD-4: ec2Biz's "process order". The form itself is recorded (status, note,
 * notification choices, loyalty points, dates, tracking); a chosen
 * fulfillment status is applied through the same rules as its own command.
 */
export const processOrder = (state: OrderState, ctx: Ctx, data: ProcessOrder['data']): Decision => {
  const processed: OrderEvent = {
    type: 'OrderProcessed',
    data: {
      at: ctx.at,
      status: data.status,
      keepMailCopy: data.keepMailCopy ?? false,
      ...changeNoteOf(data),
      ...(data.mailLanguage === undefined ? {} : { mailLanguage: data.mailLanguage }),
      ...(data.loyaltyPoints === undefined ? {} : { loyaltyPoints: data.loyaltyPoints }),
      ...(data.loyaltyPointsApproved === undefined ? {} : { loyaltyPointsApproved: data.loyaltyPointsApproved }),
      ...(data.shipDate === undefined ? {} : { shipDate: data.shipDate }),
      ...(data.deliveryDate === undefined ? {} : { deliveryDate: data.deliveryDate }),
      ...(data.carrier === undefined ? {} : { carrier: data.carrier }),
      ...(data.trackingReference === undefined ? {} : { trackingReference: data.trackingReference }),
    },
  };
  // Picking the status the order already has only records the form (a new note, a notification).
  const target = data.fulfillmentStatus === state.fulfillment.status ? undefined : data.fulfillmentStatus;
  if (state.status === 'cancelled' && target !== undefined)
    return fail('order-cancelled', 'a cancelled order cannot change its fulfillment');
  const ship = (s: OrderState) =>
    shipOrder(
      s,
      ctx,
      {
        shipmentId: ctx.commandId,
        ...(data.carrier === undefined ? {} : { carrier: data.carrier }),
        ...(data.trackingReference === undefined ? {} : { trackingReference: data.trackingReference }),
        ...(data.shipDate === undefined ? {} : { shippedAt: data.shipDate }),
      },
      {},
    );
  const deliver = (s: OrderState) =>
    markDelivered(s, ctx, data.deliveryDate === undefined ? {} : { deliveredAt: data.deliveryDate }, {});
  const steps: ((s: OrderState) => Decision)[] = [() => ok(processed)];
  // FUL-1 (Pixpa): picking another status ends a hold the admin set by hand. A timed
  // review hold (ORD-7) is left to run out or to an explicit ReleaseFulfillmentHold.
  const hold = state.fulfillment.hold;
  if (target !== undefined && target !== 'cancelled' && hold !== undefined && hold.until === undefined)
    steps.push((s) => releaseFulfillmentHold(s, ctx, {}));
  switch (target) {
    case undefined:
      break;
    case 'processed':
      // A hold placed on a processed order resumes to processed: nothing more to mark.
      steps.push((s) => (s.fulfillment.status === 'processed' ? ok() : markProcessed(s, ctx, {})));
      break;
    case 'on_hold':
      steps.push((s) => holdFulfillment(s, ctx, { reason: data.holdReason ?? data.note ?? data.status }));
      break;
    case 'shipped':
      steps.push(ship);
      break;
    case 'fulfilled':
      if (remainingToShip(state) > 0) steps.push(ship);
      steps.push(deliver);
      break;
    case 'cancelled':
      steps.push((s) => cancelOrder(s, ctx, { reason: data.note ?? data.status }));
      break;
  }
  return chain(state, steps);
};

const HANDOVER_TEXT: Readonly<Record<Handover, string>> = {
  delivered: 'the order was delivered (fulfilled)',
  'downloads-unlocked': 'its digital goods were handed over (downloads unlocked, REC-4)',
  'paid-on-delivery': 'the courier took the money on delivery',
};

const TRIGGER_TEXT: Readonly<Record<CloseOn['trigger'], string>> = {
  shipment: 'on shipment',
  delivery: 'on delivery',
  date: 'on its date',
  'days-after-delivery': 'after its return window',
};

/**
 * ORD-9, REC-8 (issues 9.7, 9.8): which edits the order still takes depends
 * on where its closing receipt stands (`closing-receipt.ts`). One code per
 * meaning, whatever the reactors' timing:
 * - `order-locked`: the composition is final: the closing receipt is out
 *   (`details.lockedAt`), or its trigger was reached and it is being issued
 *   (`details.closingDue`: the trigger; `LockOrder` is on its way). Nothing
 *   about the composition may change; goods come back as returns.
 * - `order-fulfilled`: the goods were handed over and the closing receipt
 *   waits for a later trigger (a date, a return window): prices may still be
 *   corrected, but what the customer received cannot change here (`kind:
 *   'goods'` edits: lines, quantities); returns go through `RefundPayment`
 *   with the lines, which shrinks the closing receipt.
 */
const editable = (state: OrderState, ctx: Ctx, kind: 'price' | 'goods'): Decision | undefined => {
  const phase = editPhase(state, ctx.at);
  switch (phase.phase) {
    case 'open':
      return undefined;
    case 'final':
      return phase.locked
        ? fail('order-locked', 'the order is locked: its closing fiscal receipt was issued (ORD-9)', {
            lockedAt: phase.lockedAt,
            ...(phase.receiptId === undefined ? {} : { receiptId: phase.receiptId }),
          })
        : fail(
            'order-locked',
            `${phase.handover === undefined ? 'the goods were shipped' : HANDOVER_TEXT[phase.handover]}: ` +
              `its closing fiscal receipt (${TRIGGER_TEXT[phase.closeOn.trigger]}) is due, so its composition ` +
              'can no longer change (ORD-9, REC-5, REC-8)',
            { closingDue: phase.closeOn, ...(phase.handover === undefined ? {} : { handover: phase.handover }) },
          );
    case 'handed-over':
      return kind === 'price'
        ? undefined
        : fail(
            'order-fulfilled',
            `${HANDOVER_TEXT[phase.handover]} and its closing receipt waits (${TRIGGER_TEXT[phase.closeOn.trigger]}): ` +
              'prices may still be corrected, but lines and quantities handed over cannot change; ' +
              'a return goes through RefundPayment with its lines (ORD-9, REC-8)',
            { handover: phase.handover, closeOn: phase.closeOn },
          );
  }
};

const retotal = (
  state: OrderState,
  lines: readonly OrderLine[],
  shippingFee = state.totals.shippingFee,
  discount = state.totals.discount,
): E.Either<DomainError, OrderTotals> => computeTotals(state.currency, lines, shippingFee, discount);

export const addOrderLine = (state: OrderState, ctx: Ctx, data: AddOrderLine['data']): Decision => {
  const refused = editable(state, ctx, 'goods');
  if (refused !== undefined) return refused;
  if (state.lines.some((l) => l.lineId === data.line.lineId))
    return fail('duplicate-line', `line ${data.line.lineId} is already on the order`);
  const totals = retotal(state, [...state.lines, data.line]);
  if (E.isLeft(totals)) return totals;
  return ok({
    type: 'OrderLineAdded',
    data: { at: ctx.at, line: data.line, totals: totals.right, ...changeNoteOf(data) },
  });
};

export const removeOrderLine = (state: OrderState, ctx: Ctx, data: RemoveOrderLine['data']): Decision => {
  const refused = editable(state, ctx, 'goods');
  if (refused !== undefined) return refused;
  if (!state.lines.some((l) => l.lineId === data.lineId)) return fail('unknown-line', `no line ${data.lineId}`);
  if (shippedQty(state, data.lineId) > 0) return fail('line-shipped', `line ${data.lineId} is already shipped`);
  if (returnedQty(state, data.lineId) > 0)
    return fail('line-returned', `line ${data.lineId} has units refunded as returned (PAY-5)`);
  if (state.lines.length === 1) return fail('order-empty', 'the last line cannot be removed: cancel the order');
  const totals = retotal(
    state,
    state.lines.filter((l) => l.lineId !== data.lineId),
  );
  if (E.isLeft(totals)) return totals;
  return ok({
    type: 'OrderLineRemoved',
    data: { at: ctx.at, lineId: data.lineId, totals: totals.right, ...changeNoteOf(data) },
  });
};

export const changeOrderLine = (state: OrderState, ctx: Ctx, data: ChangeOrderLine['data']): Decision => {
  const refused = editable(state, ctx, 'price');
  if (refused !== undefined) return refused;
  const line = state.lines.find((l) => l.lineId === data.lineId);
  if (line === undefined) return fail('unknown-line', `no line ${data.lineId}`);
  const qty = data.qty ?? line.qty;
  // After the handover a price may still be corrected; a quantity is what was handed over.
  const goods = qty === line.qty ? undefined : editable(state, ctx, 'goods');
  if (goods !== undefined) return goods;
  const unitPrice = data.unitPrice ?? line.unitPrice;
  if (qty === line.qty && unitPrice.amount === line.unitPrice.amount && unitPrice.currency === line.unitPrice.currency)
    return ok();
  const shipped = shippedQty(state, line.lineId);
  if (qty < shipped) return fail('line-shipped', `line ${line.lineId}: ${shipped} already shipped`);
  const returned = returnedQty(state, line.lineId);
  if (qty < returned)
    return fail('line-returned', `line ${line.lineId}: ${returned} already refunded as returned (PAY-5)`);
  const totals = retotal(
    state,
    state.lines.map((l) => (l.lineId === line.lineId ? { ...l, qty, unitPrice } : l)),
  );
  if (E.isLeft(totals)) return totals;
  return ok({
    type: 'OrderLineChanged',
    data: { at: ctx.at, lineId: line.lineId, qty, unitPrice, totals: totals.right, ...changeNoteOf(data) },
  });
};

export const changeShippingFee = (state: OrderState, ctx: Ctx, data: ChangeShippingFee['data']): Decision => {
  const refused = editable(state, ctx, 'price');
  if (refused !== undefined) return refused;
  const discount = data.discount ?? state.totals.discount;
  const totals = retotal(state, state.lines, data.shippingFee, discount);
  if (E.isLeft(totals)) return totals;
  return ok({
    type: 'ShippingFeeChanged',
    data: { at: ctx.at, shippingFee: data.shippingFee, discount, totals: totals.right, ...changeNoteOf(data) },
  });
};

/**
 * CUS-2 (issue 10): the order's billing address is editable until a document
 * is issued on it: an invoice (PAY-7) or the closing receipt (ORD-9). Issued
 * documents keep the address they were made with; the account's main billing
 * address (customers/) is a separate thing and stays editable.
 */
export const changeBillingAddress = (state: OrderState, ctx: Ctx, data: ChangeBillingAddress['data']): Decision => {
  const invoice = state.invoices[0];
  if (invoice !== undefined)
    return fail('order-invoiced', `invoice ${invoice.invoiceId} was issued to this billing address (CUS-2)`, {
      invoiceId: invoice.invoiceId,
    });
  if (state.locked !== undefined)
    return fail('order-locked', 'the order is locked: its closing fiscal receipt was issued (ORD-9)', {
      lockedAt: state.locked.at,
    });
  return ok({ type: 'BillingAddressChanged', data: { at: ctx.at, address: data.address, ...changeNoteOf(data) } });
};

/**
 * REC-8 (issue 9.7): change when this order's closing receipt goes out: open
 * a return window after delivery, or close now (`date` at the present). Not
 * once the closing receipt is out or due (`order-locked`): its moment passed.
 */
export const scheduleClosingReceipt = (state: OrderState, ctx: Ctx, data: ScheduleClosingReceipt['data']): Decision => {
  const phase = editPhase(state, ctx.at);
  if (phase.phase === 'final') return editable(state, ctx, 'price') ?? ok();
  const { closingReceipt, ...note } = data;
  const current = state.closingReceipt ?? DEFAULT_CLOSE_ON;
  if (sameCloseOn(current, closingReceipt)) return ok();
  return ok({ type: 'ClosingReceiptScheduled', data: { at: ctx.at, closingReceipt, ...changeNoteOf(note) } });
};

/** ORD-9: sent when the closing receipt is issued; locking twice changes nothing. */
export const lockOrder = (state: OrderState, ctx: Ctx, data: LockOrder['data']): Decision =>
  state.locked !== undefined
    ? ok()
    : ok({
        type: 'OrderLocked',
        data: {
          at: ctx.at,
          reason: data.reason,
          ...(data.receiptId === undefined ? {} : { receiptId: data.receiptId }),
        },
      });

const shippedAnything = (state: OrderState): boolean => state.fulfillment.shipments.length > 0;

/**
 * Cancel with a reason: irreversible; open requests and authorizations are
 * voided (their money released). Captured money stays until refunded (PAY-5).
 * A customer may cancel only an order she has not paid for.
 */
export const cancelOrder = (state: OrderState, ctx: Ctx, data: CancelOrder['data']): Decision => {
  if (state.status === 'cancelled') return fail('order-cancelled', 'the order is already cancelled');
  if (shippedAnything(state) || state.fulfillment.status === 'fulfilled')
    return fail('already-shipped', 'a shipped order cannot be cancelled; refund instead');
  if (ctx.actor.kind === 'customer' && netCaptured(state) > 0)
    return fail('forbidden', 'a paid order can only be cancelled by the shop');
  return ok(...voidOpenPayments(state, ctx, `order cancelled: ${data.reason}`), {
    type: 'OrderCancelled',
    data: { at: ctx.at, reason: data.reason, ...changeNoteOf(data) },
  });
};

/**
 * ORD-6: an erroneous, stale or duplicate order is discarded: the stream
 * stays with the reason. Money received must be refunded first.
 */
export const discardOrder = (state: OrderState, ctx: Ctx, data: DiscardOrder['data']): Decision => {
  if (netCaptured(state) > 0)
    return fail('refund-first', 'money was received on this order: refund it before discarding', {
      held: netCaptured(state),
    });
  if (shippedAnything(state)) return fail('already-shipped', 'a shipped order cannot be discarded');
  return ok(...voidOpenPayments(state, ctx, `order discarded: ${data.reason}`), {
    type: 'OrderDiscarded',
    data: {
      at: ctx.at,
      reason: data.reason,
      ...(data.duplicateOf === undefined ? {} : { duplicateOf: data.duplicateOf }),
      ...changeNoteOf(data),
    },
  });
};

/** NOT-3: a notification about the order went out; recorded for the history, changes nothing else. */
export const recordNotificationSent = (ctx: Ctx, data: RecordNotificationSent['data']): Decision =>
  ok({
    type: 'NotificationSent',
    data: {
      at: ctx.at,
      notificationId: data.notificationId,
      audience: data.audience,
      channels: data.channels,
      ...(data.about === undefined ? {} : { about: data.about }),
    },
  });

/** Issue 12 (NOT-3): a notification finally failed after its retries; a fact for the history, never refused. */
export const recordNotificationFailed = (ctx: Ctx, data: RecordNotificationFailed['data']): Decision =>
  ok({
    type: 'NotificationFailed',
    data: {
      at: ctx.at,
      notificationId: data.notificationId,
      channel: data.channel,
      template: data.template,
      recipient: data.recipient,
      reason: data.reason,
      ...(data.audience === undefined ? {} : { audience: data.audience }),
      ...(data.attempts === undefined ? {} : { attempts: data.attempts }),
    },
  });

/**
 * Issue 10.2: cancel the rest of a partly shipped order: each physical line
 * shrinks to what was shipped (a line with nothing shipped leaves the order),
 * re-priced like any edit; refused once the composition is final (ORD-9).
 * When every remaining shipment was delivered the order is fulfilled.
 */
export const cancelUnshipped = (state: OrderState, ctx: Ctx, data: CancelUnshipped['data']): Decision => {
  const refused = editable(state, ctx, 'goods');
  if (refused !== undefined) return refused;
  if (state.fulfillment.shipments.length === 0)
    return fail('nothing-shipped', 'nothing was shipped: cancel the order instead');
  const open = state.lines.filter((line) => line.kind === 'physical' && remainingOf(state, line.lineId) > 0);
  if (open.length === 0) return fail('nothing-to-ship', 'nothing is left to ship');
  const events: OrderEvent[] = [];
  let lines = [...state.lines];
  for (const line of open) {
    const shipped = shippedQty(state, line.lineId);
    lines =
      shipped === 0
        ? lines.filter((l) => l.lineId !== line.lineId)
        : lines.map((l) => (l.lineId === line.lineId ? { ...l, qty: shipped } : l));
    const totals = computeTotals(state.currency, lines, state.totals.shippingFee, state.totals.discount);
    if (E.isLeft(totals)) return totals;
    const note = { note: data.reason, ...changeNoteOf(data) };
    events.push(
      shipped === 0
        ? { type: 'OrderLineRemoved', data: { at: ctx.at, lineId: line.lineId, totals: totals.right, ...note } }
        : {
            type: 'OrderLineChanged',
            data: {
              at: ctx.at,
              lineId: line.lineId,
              qty: shipped,
              unitPrice: line.unitPrice,
              totals: totals.right,
              ...note,
            },
          },
    );
  }
  const delivered = state.fulfillment.shipments.every((s) => s.deliveredAt !== undefined);
  if (delivered) events.push({ type: 'OrderFulfilled', data: { at: ctx.at, deliveredAt: ctx.at } });
  return ok(...events);
};
