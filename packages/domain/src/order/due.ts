import type { Due } from '@ordersource/core';
import type { EndTimedHold, ExpireCaptureRequest, ExpirePayment, ExpireRefundRequest } from './commands.js';
import { capturePendingOf, expiryOf } from './payment-status.js';
import type { OrderState } from './state.js';

/**
 * The order's timers (issue 11, issue 10.1, issue 9.2), planned from its state
 * alone: the end of a timed hold (ORD-7) and the lapse of each payment link
 * (PAY-3) and authorization (PAY-1), and the end of the wait for a capture
 * or refund answer (issue 9). The runtime asks again after every
 * change of the stream, so a hold released by hand or a payment captured in
 * time simply drops out of the plan. Each command is one the decider accepts
 * at `at` and absorbs when the plan went stale between the change and the
 * re-plan: `EndTimedHold` names the `until` it ends, `ExpirePayment` the
 * `dueAt` it was planned for.
 */

type Planned<C extends { type: string; data: unknown }> = Due & { command: Pick<C, 'type' | 'data'> };

/** The key of a hold timer; one timed hold is in force at a time. */
export const HOLD_END_KEY = 'hold-end';

/** Link and authorization of one payment have keys of their own: a timer fires the one it was set for. */
export const paymentExpiryKey = (payment: { paymentId: string; status: string }): string =>
  payment.status === 'authorized' || payment.status === 'partially_captured'
    ? `authorization-expiry:${payment.paymentId}`
    : `payment-link-expiry:${payment.paymentId}`;

const holdEnd = (state: OrderState): Planned<EndTimedHold>[] => {
  const until = state.fulfillment.hold?.until;
  if (state.fulfillment.status !== 'on_hold' || until === undefined) return [];
  return [{ key: HOLD_END_KEY, at: until, command: { type: 'EndTimedHold', data: { until } } }];
};

const paymentExpiries = (state: OrderState): Planned<ExpirePayment>[] =>
  state.payments.flatMap((payment) => {
    const dueAt = expiryOf(payment);
    return dueAt === undefined
      ? []
      : [
          {
            key: paymentExpiryKey(payment),
            at: dueAt,
            command: { type: 'ExpirePayment', data: { paymentId: payment.paymentId, dueAt } },
          },
        ];
  });

/** Issue 9: the end of the wait for the answer to a capture request, and to each refund request. */
const requestExpiries = (state: OrderState): Planned<ExpireCaptureRequest | ExpireRefundRequest>[] => [
  ...state.payments.flatMap((payment): Planned<ExpireCaptureRequest>[] => {
    const dueAt = payment.captureExpiresAt;
    return dueAt === undefined || capturePendingOf(payment) === 0
      ? []
      : [
          {
            key: `capture-request-expiry:${payment.paymentId}`,
            at: dueAt,
            command: { type: 'ExpireCaptureRequest', data: { paymentId: payment.paymentId, dueAt } },
          },
        ];
  }),
  ...(state.refunds ?? []).flatMap((refund): Planned<ExpireRefundRequest>[] => {
    const dueAt = refund.expiresAt;
    return dueAt === undefined || refund.pending === 0
      ? []
      : [
          {
            key: `refund-request-expiry:${refund.refundId}`,
            at: dueAt,
            command: { type: 'ExpireRefundRequest', data: { refundId: refund.refundId, dueAt } },
          },
        ];
  }),
];

/** The order decider's `due`: nothing for an order not placed or discarded. */
export const orderDue = (state: OrderState): readonly Due[] =>
  state.status === 'none' || state.status === 'discarded'
    ? []
    : [...holdEnd(state), ...paymentExpiries(state), ...requestExpiries(state)];
