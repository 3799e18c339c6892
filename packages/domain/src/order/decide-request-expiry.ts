import type { ExpireCaptureRequest, ExpireRefundRequest } from './commands.js';
import { find, money, unknownPayment } from './decide-payment.js';
import { fail, isAtOrAfter, ok, type Ctx, type Decision } from './decision.js';
import { capturePendingOf } from './payment-status.js';
import { refundById } from './refunds.js';
import type { OrderState } from './state.js';
import { changeNoteOf } from './values.js';

/**
 * Issue 9 (PAY-1, PAY-5): a capture or refund asked of the provider holds its
 * amount back until the answer comes; when none comes, the shop stops waiting
 * (`expiresAt` on the request plans it on the order's timer, due.ts; an admin
 * may send it any time). Only the shop's wait ends: the authorization stays,
 * and a success the provider reports later is still recorded (a fact).
 * Sent by the timer (`dueAt`), it is a no-op once the request was answered or
 * its expiry moved, and refused before `dueAt`, like `ExpirePayment`.
 */

const tooEarly = (ctx: Ctx, dueAt: string, what: string): Decision | undefined =>
  isAtOrAfter(ctx.at, dueAt) ? undefined : fail('not-expired-yet', `${what} lapses at ${dueAt}`, { dueAt });

export const expireCaptureRequest = (state: OrderState, ctx: Ctx, data: ExpireCaptureRequest['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (data.dueAt !== undefined) {
    if (payment === undefined || capturePendingOf(payment) === 0 || payment.captureExpiresAt !== data.dueAt)
      return ok();
    const early = tooEarly(ctx, data.dueAt, `the capture request of payment ${payment.paymentId}`);
    if (early !== undefined) return early;
  }
  if (payment === undefined) return unknownPayment(data.paymentId);
  const pending = capturePendingOf(payment);
  if (pending === 0)
    return fail('nothing-pending', `payment ${payment.paymentId} has no capture request awaiting an answer`);
  return ok({
    type: 'CaptureRequestExpired',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      released: money(state, pending),
      ...(data.dueAt === undefined ? {} : { dueAt: data.dueAt }),
      ...changeNoteOf(data),
    },
  });
};

export const expireRefundRequest = (state: OrderState, ctx: Ctx, data: ExpireRefundRequest['data']): Decision => {
  const refund = refundById(state, data.refundId);
  if (data.dueAt !== undefined) {
    if (refund === undefined || refund.pending === 0 || refund.expiresAt !== data.dueAt) return ok();
    const early = tooEarly(ctx, data.dueAt, `refund request ${refund.refundId}`);
    if (early !== undefined) return early;
  }
  if (refund === undefined || refund.paymentId === undefined || refund.pending === 0)
    return fail('nothing-pending', `refund ${data.refundId} is not awaiting an answer`);
  return ok({
    type: 'RefundRequestExpired',
    data: {
      at: ctx.at,
      refundId: refund.refundId,
      paymentId: refund.paymentId,
      released: money(state, refund.pending),
      ...(data.dueAt === undefined ? {} : { dueAt: data.dueAt }),
      ...changeNoteOf(data),
    },
  });
};
