import type {
  CloseDispute,
  ConfirmRefund,
  FailCapture,
  FailRefund,
  OpenDispute,
  RequestCapture,
  RequestRefund,
  RequireCustomerAction,
  ReverseRefund,
} from './commands.js';
import { find, money, provider, unknownPayment, wrongCurrency } from './decide-payment.js';
import { fail, ok, type Ctx, type Decision } from './decision.js';
import * as E from 'fp-ts/lib/Either.js';
import { awaitsPayment, capturable, capturePendingOf, netCapturedOf, refundableOf } from './payment-status.js';
import { beyondHeld, priceReturn } from './decide-refund.js';
import { shippingPending, shippingRefundable } from './refund-shipping.js';
import { onBooks, refundById } from './refunds.js';
import type { OrderState } from './state.js';
import { changeNoteOf } from './values.js';

/**
 * Issue 9.3 (PAY-1, PAY-5): providers answer later. A request (capture,
 * refund) is the shop's wish and may be refused; its outcome is the
 * provider's fact and never is: an outcome for a request the order does not
 * know, or no longer waits for, is recorded with a `flag`. The books (and so
 * the financial status, the balance and the receipts) move on outcomes only.
 */

/** 3-D Secure: the authorization waits for the customer. Reported after the payment moved on, it changes nothing. */
export const requireCustomerAction = (state: OrderState, ctx: Ctx, data: RequireCustomerAction['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  if (!awaitsPayment(payment)) return ok();
  return ok({
    type: 'PaymentActionRequired',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      ...(data.url === undefined ? {} : { url: data.url }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/** PAY-1: ask for a capture of what is authorized and not captured or asked for already. */
export const requestCapture = (state: OrderState, ctx: Ctx, data: RequestCapture['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  const open = capturable(payment) - capturePendingOf(payment);
  if (open <= 0)
    return fail('nothing-to-capture', `payment ${payment.paymentId} has nothing left to capture`, {
      capturable: capturable(payment),
      capturePending: capturePendingOf(payment),
    });
  const amount = data.amount?.amount ?? open;
  if (amount > open)
    return fail('capture-exceeds-authorized', `only ${open} of payment ${payment.paymentId} can still be captured`, {
      amount,
      capturable: open,
    });
  return ok({
    type: 'CaptureRequested',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      amount: money(state, amount),
      ...provider(data),
      ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
      ...(data.final === true ? { final: true } : {}),
      ...changeNoteOf(data),
    },
  });
};

/** PAY-1: the provider did not capture; what was pending is given up, the authorization stays. */
export const failCapture = (state: OrderState, ctx: Ctx, data: FailCapture['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  const pending = capturePendingOf(payment);
  return ok({
    type: 'CaptureFailed',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      released: money(state, pending),
      ...(pending === 0 ? { flag: 'not-pending' as const } : {}),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * PAY-5: ask the provider to refund, never more than the payment holds less
 * refunds already pending; with returned lines, their value (REC-7); with
 * `shipping` (issue 17), plus the shipping position at what was paid for it,
 * once (not while another request for it waits).
 */
export const requestRefund = (state: OrderState, ctx: Ctx, data: RequestRefund['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  const refundable = refundableOf(payment);
  if (refundable <= 0)
    return fail('nothing-to-refund', `payment ${payment.paymentId} holds nothing that is not being refunded already`, {
      refundable: Math.max(0, refundable),
    });
  let shipping = 0;
  if (data.shipping === true) {
    const waiting = shippingPending(state);
    if (waiting > 0)
      return fail(
        'shipping-refund-pending',
        'a refund request still waiting for the provider gives the shipping back',
        {
          shippingPending: waiting,
        },
      );
    const rest = shippingRefundable(state);
    if (E.isLeft(rest)) return E.left(rest.left);
    if (rest.right === 0)
      return fail('shipping-not-refundable', 'nothing paid for shipping is left to refund on this order', {
        shippingRefunded: state.shippingRefunded ?? 0,
      });
    shipping = rest.right;
  }
  let lines: { lineId: string; qty: number }[] | undefined;
  let amount = data.amount?.amount ?? refundable;
  if ((data.lines !== undefined && data.lines.length > 0) || shipping > 0) {
    const priced = priceReturn(state, data.lines ?? []);
    if (E.isLeft(priced)) return priced.left;
    const value = priced.right.value + shipping;
    if (data.amount !== undefined && data.amount.amount !== value)
      return fail(
        'refund-amount-mismatch',
        `the returned lines${shipping > 0 ? ' and the shipping' : ''} are worth ${value}`,
        { amount: data.amount.amount, linesValue: value },
      );
    if (priced.right.lines.length > 0) lines = priced.right.lines;
    amount = value;
  }
  if (amount > refundable)
    return fail('refund-exceeds-captured', `only ${refundable} of payment ${payment.paymentId} can be refunded`, {
      amount,
      refundable,
    });
  return ok({
    type: 'RefundRequested',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      refundId: data.refundId,
      amount: money(state, amount),
      ...(data.reason === undefined ? {} : { reason: data.reason }),
      ...provider(data),
      ...(lines === undefined ? {} : { lines }),
      ...(shipping === 0 ? {} : { shipping: money(state, shipping) }),
      ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
      ...changeNoteOf(data),
    },
  });
};

/**
 * PAY-5: the provider refunded. A requested refund is settled (for its
 * pending amount, or the `amount` reported); a refund the shop never asked
 * for is recorded as well (`request: 'unknown'`). A success reported again is
 * a no-op. Nothing here is refused for its size: the money went back. A
 * refund beyond what the payment holds net (its capture not reported yet, a
 * chargeback on top) is recorded with `exceeds`, and the order is
 * over-refunded until a later fact puts it right (issue 9).
 */
export const confirmRefund = (state: OrderState, ctx: Ctx, data: ConfirmRefund['data']): Decision => {
  const refund = refundById(state, data.refundId);
  if (refund !== undefined && (refund.status === 'succeeded' || refund.status === 'reversed') && refund.succeeded > 0)
    return ok();
  const known = refund !== undefined && refund.requested > 0;
  const paymentId = refund?.paymentId ?? data.paymentId;
  if (paymentId === undefined)
    return fail('refund-unknown', `refund ${data.refundId} was never requested: name its paymentId and amount`);
  const payment = find(state, paymentId);
  if (payment === undefined) return unknownPayment(paymentId);
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  // Without an amount: what was asked (pending, or asked before a failure), capped at what the payment still
  // holds net (a dashboard refund reported meanwhile was that money); with nothing left, what was asked, flagged.
  const asked = known ? (refund.pending > 0 ? refund.pending : refund.requested) : undefined;
  const room = netCapturedOf(payment);
  const amount = data.amount?.amount ?? (asked === undefined ? undefined : room > 0 ? Math.min(asked, room) : asked);
  if (amount === undefined)
    return fail('refund-unknown', `refund ${data.refundId} was never requested: name its paymentId and amount`);
  const exceeds = beyondHeld(payment, amount);
  // Issue 17: the shipping the request asked back, when the success covers it and it was not given back
  // meanwhile (a failed request's late success, a hand refund after an expiry): once (REC-7, the receipt follows).
  const rest = shippingRefundable(state);
  const shipping =
    known && refund.shippingAsked !== undefined && E.isRight(rest) ? Math.min(refund.shippingAsked, rest.right) : 0;
  const carried = shipping > 0 && amount >= shipping ? shipping : 0;
  return ok({
    type: 'PaymentRefunded',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      refundId: data.refundId,
      amount: money(state, amount),
      external: false,
      request: known ? 'settled' : 'unknown',
      ...(exceeds > 0 ? { exceeds: money(state, exceeds) } : {}),
      ...provider(data),
      ...(known && refund.lines !== undefined ? { lines: refund.lines.map((line) => ({ ...line })) } : {}),
      ...(carried === 0 ? {} : { shipping: money(state, carried) }),
      ...changeNoteOf(data),
    },
  });
};

/** PAY-5: the provider could not refund: the pending amount can be asked again. */
export const failRefund = (state: OrderState, ctx: Ctx, data: FailRefund['data']): Decision => {
  const refund = refundById(state, data.refundId);
  const paymentId = refund?.paymentId ?? data.paymentId;
  const pending = refund?.status === 'pending' ? refund.pending : 0;
  const flag = refund === undefined ? 'unknown-request' : pending === 0 ? 'not-pending' : undefined;
  return ok({
    type: 'RefundFailed',
    data: {
      at: ctx.at,
      refundId: data.refundId,
      released: money(state, pending),
      ...(paymentId === undefined ? {} : { paymentId }),
      ...(flag === undefined ? {} : { flag }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * PAY-5: a refund came back to the shop. Reported before the refund's
 * success (or for a refund the order does not know) it is recorded, flagged,
 * and cancels the success when that arrives.
 */
export const reverseRefund = (state: OrderState, ctx: Ctx, data: ReverseRefund['data']): Decision => {
  const refund = refundById(state, data.refundId);
  const paymentId = refund?.paymentId ?? data.paymentId;
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  const booked = refund === undefined ? 0 : onBooks(refund);
  const amount = data.amount?.amount ?? (booked > 0 ? booked : (refund?.requested ?? 0));
  const flag = refund === undefined ? 'unknown-request' : booked === 0 ? 'not-pending' : undefined;
  return ok({
    type: 'RefundReversed',
    data: {
      at: ctx.at,
      refundId: data.refundId,
      amount: money(state, amount),
      ...(paymentId === undefined ? {} : { paymentId }),
      ...(flag === undefined ? {} : { flag }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * PAY-1: a chargeback withdrew funds of a payment. The same dispute reported
 * again is a no-op. The bank's amount is recorded as it is (it is what left
 * the shop's account); the part beyond what the shop held of the payment is
 * named in `exceeds` (a chargeback on top of a refund: if lost, the customer
 * has the money twice and the order is over-refunded).
 */
export const openDispute = (state: OrderState, ctx: Ctx, data: OpenDispute['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  const currency = wrongCurrency(state, data.amount.currency);
  if (currency !== undefined) return currency;
  if (state.disputes?.some((d) => d.disputeId === data.disputeId) === true) return ok();
  const exceeds = beyondHeld(payment, data.amount.amount);
  return ok({
    type: 'DisputeOpened',
    data: {
      at: ctx.at,
      disputeId: data.disputeId,
      paymentId: payment.paymentId,
      amount: data.amount,
      ...(exceeds > 0 ? { exceeds: money(state, exceeds) } : {}),
      ...(data.reason === undefined ? {} : { reason: data.reason }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * The dispute was decided: won reinstates the funds, lost keeps them
 * withdrawn. A decision reported again is a no-op; one for a dispute never
 * seen opened is recorded, flagged, with the payment and amount it names.
 */
export const closeDispute = (state: OrderState, ctx: Ctx, data: CloseDispute['data']): Decision => {
  const dispute = state.disputes?.find((d) => d.disputeId === data.disputeId);
  if (dispute !== undefined && dispute.status !== 'open') return ok();
  const paymentId = dispute?.paymentId ?? data.paymentId;
  const amount = dispute?.amount ?? data.amount?.amount;
  if (paymentId === undefined || amount === undefined)
    return fail('dispute-unknown', `dispute ${data.disputeId} was never opened: name its paymentId and amount`);
  const payment = find(state, paymentId);
  if (payment === undefined) return unknownPayment(paymentId);
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  return ok({
    type: 'DisputeClosed',
    data: {
      at: ctx.at,
      disputeId: data.disputeId,
      paymentId,
      outcome: data.outcome,
      amount: money(state, amount),
      ...(dispute === undefined ? { flag: 'unknown-request' as const } : {}),
      ...(dispute === undefined && data.outcome === 'lost' && beyondHeld(payment, amount) > 0
        ? { exceeds: money(state, beyondHeld(payment, amount)) }
        : {}),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};
