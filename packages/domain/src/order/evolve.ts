import type { Draft } from 'immer';
import type { OrderEvent } from './events.js';
import { handedOver } from './handover.js';
import { idsIntroducedBy } from './ids.js';
import { remainingToShip, shippedQty } from './quantities.js';
import { onBooks } from './refunds.js';
import type { FulfillmentStatus, OrderState, PaymentState, RefundState } from './state.js';

/**
 * Folds one event into the order state (an immer draft or a private copy).
 * Payload objects are copied, never kept: stored events are frozen and shared.
 */

/** Plain-data deep copy (event payloads are JSON-like). */
const clone = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map((item: unknown) => clone(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = clone(item);
    return out as T;
  }
  return value;
};

const paymentOf = (state: Draft<OrderState>, paymentId: string): Draft<PaymentState> | undefined =>
  state.payments.find((payment) => payment.paymentId === paymentId);

const message = (
  payment: Draft<PaymentState>,
  at: string,
  event: string,
  data: { providerMessage?: string; providerReference?: string },
): void => {
  if (data.providerMessage === undefined && data.providerReference === undefined) return;
  payment.messages.push({
    at,
    event,
    message: data.providerMessage ?? '',
    ...(data.providerReference === undefined ? {} : { reference: data.providerReference }),
  });
};

/** The refund with this id, created on its first mention (a request, or an outcome reported without one). */
/**
 * Issue 9 (PAY-5, REC-7): returned units follow the refund's outcome, once.
 * A refund's goods count while its money is on the books (`onBooks` > 0);
 * a reversal that takes it all off uncounts exactly what was counted, so a
 * retry of the same goods counts them again, once. Never more of a line than
 * it has (a late success beside a retry is recorded, its goods not twice).
 */
const countReturnedGoods = (state: Draft<OrderState>, refund: Draft<RefundState>): void => {
  const onTheBooks = onBooks(refund) > 0;
  if (refund.goods === undefined || onTheBooks === (refund.goodsCounted !== undefined)) return;
  const returned = (state.returnedQty ??= {});
  if (!onTheBooks) {
    for (const line of refund.goodsCounted ?? []) {
      returned[line.lineId] = Math.max(0, (returned[line.lineId] ?? 0) - line.qty);
      const back = state.returnedCodes?.[line.lineId];
      if (back !== undefined && line.markingCodes !== undefined)
        state.returnedCodes![line.lineId] = back.filter((code) => !line.markingCodes!.includes(code));
    }
    delete refund.goodsCounted;
    return;
  }
  const counted: { lineId: string; qty: number; markingCodes?: string[] }[] = [];
  for (const line of refund.goods) {
    const ordered = state.lines.find((l) => l.lineId === line.lineId)?.qty ?? line.qty;
    const qty = Math.min(line.qty, Math.max(0, ordered - (returned[line.lineId] ?? 0)));
    if (qty === 0) continue;
    returned[line.lineId] = (returned[line.lineId] ?? 0) + qty;
    const back = state.returnedCodes?.[line.lineId] ?? [];
    const codes = (line.markingCodes ?? []).filter((code) => !back.includes(code)).slice(0, qty);
    if (codes.length > 0) ((state.returnedCodes ??= {})[line.lineId] ??= []).push(...codes);
    counted.push({ lineId: line.lineId, qty, ...(codes.length === 0 ? {} : { markingCodes: codes }) });
  }
  refund.goodsCounted = counted;
};

/**
 * Issue 17: the shipping a refund gave back counts in `shippingRefunded`
 * while its money is on the books; a reversal takes it off (a retry gives it
 * back again, counted once), as with its goods.
 */
const countShippingRefunded = (state: Draft<OrderState>, refund: Draft<RefundState>): void => {
  if (refund.shipping === undefined) return;
  const onTheBooks = onBooks(refund) > 0;
  if (onTheBooks === (refund.shippingCounted === true)) return;
  state.shippingRefunded = Math.max(
    0,
    (state.shippingRefunded ?? 0) + (onTheBooks ? refund.shipping : -refund.shipping),
  );
  if (onTheBooks) refund.shippingCounted = true;
  else delete refund.shippingCounted;
};

const refundOf = (state: Draft<OrderState>, refundId: string, paymentId: string | undefined): Draft<RefundState> => {
  const refunds = (state.refunds ??= []);
  let refund = refunds.find((r) => r.refundId === refundId);
  if (refund === undefined) {
    refund = {
      refundId,
      ...(paymentId === undefined ? {} : { paymentId }),
      requested: 0,
      pending: 0,
      succeeded: 0,
      reversed: 0,
      status: 'pending',
    };
    refunds.push(refund);
  } else if (refund.paymentId === undefined && paymentId !== undefined) refund.paymentId = paymentId;
  return refund;
};

/** Issue 9: a payment with no capture pending any more has no capture request to expire or finish. */
const settleCaptureRequest = (payment: Draft<PaymentState>): void => {
  if ((payment.capturePending ?? 0) > 0) return;
  delete payment.captureExpiresAt;
  delete payment.captureFinal;
};

const setFulfillment = (state: Draft<OrderState>, status: FulfillmentStatus): void => {
  state.fulfillment.status = status;
};

const allPhysicalShipped = (state: Draft<OrderState>): boolean => {
  const physical = state.lines.filter((line) => line.kind === 'physical');
  return physical.length > 0 && physical.every((line) => shippedQty(state, line.lineId) >= line.qty);
};

/**
 * REC-8 (issue 9.7): the first moment the goods were handed over, which starts
 * an "N days after delivery" return window; undone handovers (issue 9.4) clear it.
 */
export const evolveOrder = (state: Draft<OrderState>, event: OrderEvent): void => {
  evolveEvent(state, event);
  // As the receipts translation sees it: the shipment that completes the physical lines, once.
  if (event.type === 'ShipmentDispatched' && state.shippedOutAt === undefined && allPhysicalShipped(state))
    state.shippedOutAt = event.data.at;
  const handover = handedOver(state);
  if (handover === undefined) delete state.handedOverAt;
  else if (state.handedOverAt === undefined) {
    const at = (event.data as { at?: string }).at;
    if (at !== undefined) state.handedOverAt = at;
  }
};

const evolveEvent = (state: Draft<OrderState>, event: OrderEvent): void => {
  for (const { kind, id } of idsIntroducedBy(event)) ((state.usedIds ??= {})[kind] ??= []).push(id);
  const providerEventId = (event.data as { providerEventId?: string }).providerEventId;
  if (providerEventId !== undefined && !(state.providerEventIds ??= []).includes(providerEventId))
    state.providerEventIds.push(providerEventId);
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      state.status = d.status;
      state.currency = d.currency;
      state.lines = clone(d.lines);
      state.totals = clone(d.totals);
      state.maxTotal = d.totals.total.amount;
      state.details = clone({
        orderId: d.orderId,
        orderNumber: d.orderNumber,
        placedAt: d.placedAt,
        shippingMethod: d.shippingMethod,
        paymentMethod: d.paymentMethod,
        customer: d.customer,
        billingAddress: d.billingAddress,
        shippingAddress: d.shippingAddress,
        fraudSignals: d.fraudSignals,
        ...(d.ip === undefined ? {} : { ip: d.ip }),
        ...(d.ipCountry === undefined ? {} : { ipCountry: d.ipCountry }),
        ...(d.remark === undefined ? {} : { remark: d.remark }),
      });
      if (d.closingReceipt !== undefined) state.closingReceipt = clone(d.closingReceipt);
      if (d.status === 'recorded') state.recordedAt = d.placedAt;
      return;
    }
    case 'OrderRecorded':
      state.status = 'recorded';
      state.recordedAt = event.data.at;
      return;
    case 'OrderConfirmed':
      state.status = 'confirmed';
      state.confirmedAt = event.data.at;
      return;
    case 'OrderProcessed': {
      const d = event.data;
      const p = state.processing;
      p.status = d.status;
      if (d.loyaltyPoints !== undefined) p.loyaltyPoints = d.loyaltyPoints;
      if (d.loyaltyPointsApproved !== undefined) p.loyaltyPointsApproved = d.loyaltyPointsApproved;
      if (d.shipDate !== undefined) p.shipDate = d.shipDate;
      if (d.deliveryDate !== undefined) p.deliveryDate = d.deliveryDate;
      if (d.carrier !== undefined) p.carrier = d.carrier;
      if (d.trackingReference !== undefined) p.trackingReference = d.trackingReference;
      if (d.notify !== undefined) p.lastNotify = clone(d.notify);
      return;
    }
    case 'OrderLineAdded':
      state.lines.push(clone(event.data.line));
      applyTotals(state, event.data.totals);
      return;
    case 'OrderLineRemoved':
      state.lines = state.lines.filter((line) => line.lineId !== event.data.lineId);
      applyTotals(state, event.data.totals);
      return;
    case 'OrderLineChanged': {
      const line = state.lines.find((l) => l.lineId === event.data.lineId);
      if (line !== undefined) {
        line.qty = event.data.qty;
        line.unitPrice = { ...event.data.unitPrice };
      }
      applyTotals(state, event.data.totals);
      return;
    }
    case 'ShippingFeeChanged':
      applyTotals(state, event.data.totals);
      return;
    case 'BillingAddressChanged':
      if (state.details !== null) state.details.billingAddress = clone(event.data.address);
      return;
    case 'OrderLocked':
      state.locked = {
        at: event.data.at,
        reason: event.data.reason,
        ...(event.data.receiptId === undefined ? {} : { receiptId: event.data.receiptId }),
      };
      return;
    case 'ClosingReceiptScheduled':
      state.closingReceipt = clone(event.data.closingReceipt);
      return;
    case 'OrderCancelled':
      state.status = 'cancelled';
      state.cancelled = { at: event.data.at, reason: event.data.reason };
      delete state.fulfillment.hold;
      setFulfillment(state, 'cancelled');
      return;
    case 'OrderDiscarded':
      state.status = 'discarded';
      state.discarded = {
        at: event.data.at,
        reason: event.data.reason,
        ...(event.data.duplicateOf === undefined ? {} : { duplicateOf: event.data.duplicateOf }),
      };
      return;

    case 'PaymentRequested': {
      const d = event.data;
      state.payments.push({
        paymentId: d.paymentId,
        method: { ...d.method },
        channel: d.channel,
        requestedAt: d.at,
        requested: d.amount.amount,
        status: 'pending',
        authorized: 0,
        captured: 0,
        refunded: 0,
        released: 0,
        reconciled: 0,
        ...(d.expiresAt === undefined ? {} : { expiresAt: d.expiresAt }),
        ...(d.url === undefined ? {} : { url: d.url }),
        messages: [],
      });
      return;
    }
    case 'PaymentAuthorized': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.authorized += event.data.amount.amount;
      payment.status = 'authorized';
      if (event.data.expiresAt !== undefined) payment.authorizationExpiresAt = event.data.expiresAt;
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'PaymentCaptured': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      const d = event.data;
      // A sale and an offline confirmation authorize and capture in one step.
      if (d.mode !== 'capture') payment.authorized += d.amount.amount;
      // A capture after a void the provider did not honour takes back what the void released (issue 9.1).
      else if (payment.status === 'voided' || payment.status === 'expired')
        payment.released -= Math.min(payment.released, d.amount.amount);
      payment.captured += d.amount.amount;
      payment.released += d.released.amount;
      // The provider's answer to a capture request (issue 9.3); a final capture ends every request.
      payment.capturePending = d.final ? 0 : Math.max(0, (payment.capturePending ?? 0) - d.amount.amount);
      settleCaptureRequest(payment);
      payment.status =
        d.final || payment.captured + payment.released >= payment.authorized ? 'captured' : 'partially_captured';
      message(payment, d.at, event.type, d);
      return;
    }
    case 'PaymentVoided':
    case 'PaymentExpired': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.released += event.data.released.amount;
      payment.capturePending = 0;
      settleCaptureRequest(payment);
      payment.status = event.type === 'PaymentVoided' ? 'voided' : 'expired';
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'PaymentFailed': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.status = 'failed';
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'PaymentRefunded': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      const refund = refundOf(state, event.data.refundId, payment.paymentId);
      const before = onBooks(refund);
      const pending = Math.min(refund.pending, event.data.amount.amount);
      refund.pending -= pending;
      payment.refundPending = Math.max(0, (payment.refundPending ?? 0) - pending);
      refund.succeeded += event.data.amount.amount;
      if (refund.status !== 'reversed') refund.status = 'succeeded';
      if (refund.pending === 0) delete refund.expiresAt;
      // A reversal reported before its success leaves nothing refunded (issue 9.3).
      payment.refunded += onBooks(refund) - before;
      message(payment, event.data.at, event.type, event.data);
      if (event.data.lines !== undefined && refund.goods === undefined)
        refund.goods = event.data.lines.map((line) => ({
          lineId: line.lineId,
          qty: line.qty,
          ...(line.markingCodes === undefined ? {} : { markingCodes: [...line.markingCodes] }),
        }));
      if (event.data.shipping !== undefined && refund.shipping === undefined)
        refund.shipping = event.data.shipping.amount;
      countReturnedGoods(state, refund);
      countShippingRefunded(state, refund);
      return;
    }
    case 'PaymentActionRequired': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.status = 'action_required';
      if (event.data.url !== undefined) payment.actionUrl = event.data.url;
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'CaptureRequested': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.capturePending = (payment.capturePending ?? 0) + event.data.amount.amount;
      if (event.data.expiresAt !== undefined) payment.captureExpiresAt = event.data.expiresAt;
      if (event.data.final === true) payment.captureFinal = true;
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'CaptureRequestExpired': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.capturePending = Math.max(0, (payment.capturePending ?? 0) - event.data.released.amount);
      settleCaptureRequest(payment);
      return;
    }
    case 'CaptureFailed': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      payment.capturePending = Math.max(0, (payment.capturePending ?? 0) - event.data.released.amount);
      settleCaptureRequest(payment);
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'RefundRequested': {
      const payment = paymentOf(state, event.data.paymentId);
      if (payment === undefined) return;
      const refund = refundOf(state, event.data.refundId, payment.paymentId);
      refund.requested += event.data.amount.amount;
      refund.pending += event.data.amount.amount;
      if (event.data.lines !== undefined) refund.lines = clone(event.data.lines);
      if (event.data.shipping !== undefined) refund.shippingAsked = event.data.shipping.amount;
      if (event.data.expiresAt !== undefined) refund.expiresAt = event.data.expiresAt;
      payment.refundPending = (payment.refundPending ?? 0) + event.data.amount.amount;
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'RefundFailed': {
      const refund = refundOf(state, event.data.refundId, event.data.paymentId);
      const released = Math.min(refund.pending, event.data.released.amount);
      refund.pending -= released;
      if (refund.status === 'pending') refund.status = 'failed';
      if (refund.pending === 0) delete refund.expiresAt;
      const payment = refund.paymentId === undefined ? undefined : paymentOf(state, refund.paymentId);
      if (payment === undefined) return;
      payment.refundPending = Math.max(0, (payment.refundPending ?? 0) - released);
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'RefundRequestExpired': {
      const refund = refundOf(state, event.data.refundId, event.data.paymentId);
      const released = Math.min(refund.pending, event.data.released.amount);
      refund.pending -= released;
      if (refund.status === 'pending') refund.status = 'expired';
      if (refund.pending === 0) delete refund.expiresAt;
      const payment = paymentOf(state, event.data.paymentId);
      if (payment !== undefined) payment.refundPending = Math.max(0, (payment.refundPending ?? 0) - released);
      return;
    }
    case 'RefundReversed': {
      const refund = refundOf(state, event.data.refundId, event.data.paymentId);
      const before = onBooks(refund);
      refund.reversed += event.data.amount.amount;
      refund.status = 'reversed';
      const payment = refund.paymentId === undefined ? undefined : paymentOf(state, refund.paymentId);
      if (payment === undefined) return;
      payment.refunded -= before - onBooks(refund);
      countReturnedGoods(state, refund);
      countShippingRefunded(state, refund);
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'DisputeOpened': {
      const payment = paymentOf(state, event.data.paymentId);
      (state.disputes ??= []).push({
        disputeId: event.data.disputeId,
        paymentId: event.data.paymentId,
        amount: event.data.amount.amount,
        status: 'open',
      });
      if (payment === undefined) return;
      payment.disputed = (payment.disputed ?? 0) + event.data.amount.amount;
      message(payment, event.data.at, event.type, event.data);
      return;
    }
    case 'DisputeClosed': {
      const d = event.data;
      const disputes = (state.disputes ??= []);
      let dispute = disputes.find((x) => x.disputeId === d.disputeId);
      const wasOpen = dispute?.status === 'open';
      if (dispute === undefined) {
        dispute = { disputeId: d.disputeId, paymentId: d.paymentId, amount: d.amount.amount, status: d.outcome };
        disputes.push(dispute);
      } else dispute.status = d.outcome;
      const payment = paymentOf(state, dispute.paymentId);
      if (payment === undefined) return;
      if (wasOpen) payment.disputed = Math.max(0, (payment.disputed ?? 0) - dispute.amount);
      if (d.outcome === 'lost') payment.chargedBack = (payment.chargedBack ?? 0) + d.amount.amount;
      message(payment, d.at, event.type, d);
      return;
    }
    case 'InvoiceIssued':
      state.invoices.push({
        invoiceId: event.data.invoiceId,
        basis: event.data.basis,
        issuedAt: event.data.at,
        lines: event.data.lines.map((line) => ({ lineId: line.lineId, qty: line.qty, amount: line.amount.amount })),
        shippingFee: event.data.shippingFee.amount,
        discount: event.data.discount.amount,
        amount: event.data.amount.amount,
        paid: 0,
      });
      return;
    case 'InvoicePaymentReconciled': {
      const invoice = state.invoices.find((i) => i.invoiceId === event.data.invoiceId);
      if (invoice !== undefined) invoice.paid += event.data.amount.amount;
      const payment = paymentOf(state, event.data.paymentId);
      if (payment !== undefined) payment.reconciled += event.data.amount.amount;
      return;
    }

    case 'FulfillmentProcessed':
      setFulfillment(state, 'processed');
      return;
    case 'FulfillmentHeld':
      state.fulfillment.hold = {
        reason: event.data.reason,
        heldAt: event.data.at,
        resumeTo: state.fulfillment.status === 'on_hold' ? 'unfulfilled' : state.fulfillment.status,
        ...(event.data.until === undefined ? {} : { until: event.data.until }),
      };
      setFulfillment(state, 'on_hold');
      return;
    case 'FulfillmentHoldReleased': {
      const resumeTo = state.fulfillment.hold?.resumeTo ?? 'unfulfilled';
      delete state.fulfillment.hold;
      setFulfillment(state, resumeTo);
      return;
    }
    case 'ShipmentDispatched': {
      const d = event.data;
      state.fulfillment.shipments.push({
        shipmentId: d.shipmentId,
        lines: d.lines.map((line) => ({ ...line })),
        shippedAt: d.shippedAt,
        ...(d.carrier === undefined ? {} : { carrier: d.carrier }),
        ...(d.trackingReference === undefined ? {} : { trackingReference: d.trackingReference }),
        ...(d.expectedDeliveryAt === undefined ? {} : { expectedDeliveryAt: d.expectedDeliveryAt }),
        ...(d.trackingUrl === undefined ? {} : { trackingUrl: d.trackingUrl }),
      });
      setFulfillment(state, remainingToShip(state) > 0 ? 'partially_shipped' : 'shipped');
      return;
    }
    case 'ShipmentDelivered': {
      const shipment = state.fulfillment.shipments.find((s) => s.shipmentId === event.data.shipmentId);
      if (shipment !== undefined) shipment.deliveredAt = event.data.deliveredAt;
      return;
    }
    case 'ShipmentAmended': {
      const shipment = state.fulfillment.shipments.find((s) => s.shipmentId === event.data.shipmentId);
      if (shipment === undefined) return;
      const d = event.data;
      if (d.carrier !== undefined) shipment.carrier = d.carrier;
      if (d.trackingReference !== undefined) shipment.trackingReference = d.trackingReference;
      if (d.trackingUrl !== undefined) shipment.trackingUrl = d.trackingUrl;
      if (d.shippedAt !== undefined) shipment.shippedAt = d.shippedAt;
      if (d.expectedDeliveryAt !== undefined) shipment.expectedDeliveryAt = d.expectedDeliveryAt;
      if (d.deliveredAt !== undefined) shipment.deliveredAt = d.deliveredAt;
      // The order detail shows the latest tracking (ORD-4).
      if (d.carrier !== undefined) state.processing.carrier = d.carrier;
      if (d.trackingReference !== undefined) state.processing.trackingReference = d.trackingReference;
      return;
    }
    case 'ShipmentCancelled': {
      state.fulfillment.shipments = state.fulfillment.shipments.filter((s) => s.shipmentId !== event.data.shipmentId);
      // Shipped or partly shipped steps back; a hold stays a hold (it resumes to the new status).
      const back: FulfillmentStatus = state.fulfillment.shipments.length > 0 ? 'partially_shipped' : 'processed';
      if (state.fulfillment.status === 'on_hold' && state.fulfillment.hold !== undefined)
        state.fulfillment.hold.resumeTo = back;
      else if (state.fulfillment.status === 'shipped' || state.fulfillment.status === 'partially_shipped')
        setFulfillment(state, back);
      return;
    }
    case 'OrderFulfilled':
      setFulfillment(state, 'fulfilled');
      state.fulfillment.fulfilledAt = event.data.deliveredAt;
      return;
    case 'DownloadsUnlocked':
      state.fulfillment.downloadsUnlocked = true;
      return;
    case 'DownloadsLocked': {
      state.fulfillment.downloadsUnlocked = false;
      if (state.fulfillment.status !== 'fulfilled') return;
      // Fulfilled no more: the digital lines are not handed over. Physical goods, if any, were all delivered.
      const physical = state.lines.some((line) => line.kind === 'physical');
      setFulfillment(state, physical ? 'shipped' : 'unfulfilled');
      delete state.fulfillment.fulfilledAt;
      return;
    }
    case 'LoyaltyPointsApproved':
      state.loyalty = {
        points: event.data.points,
        basis: event.data.basis,
        reversed: Math.min(state.loyalty?.reversed ?? 0, event.data.points),
      };
      return;
    case 'LoyaltyPointsReversed':
      if (state.loyalty !== undefined) state.loyalty.reversed += event.data.points;
      return;
    case 'NotificationSent':
    case 'NotificationFailed':
      // NOT-3: history only; the order itself does not change.
      return;
  }
};

const applyTotals = (state: Draft<OrderState>, totals: OrderState['totals']): void => {
  state.totals = clone(totals);
  state.maxTotal = Math.max(state.maxTotal, totals.total.amount);
  // A line that shrank to what was shipped completes a partial shipment (issue 10.2).
  if (state.fulfillment.status === 'partially_shipped' && remainingToShip(state) === 0)
    setFulfillment(state, 'shipped');
};
