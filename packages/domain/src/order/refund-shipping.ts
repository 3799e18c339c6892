import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '@ordersource/core';
import { netTotals } from './net-prices.js';
import type { OrderState } from './state.js';

/**
 * Issue 17 (REC-7): the shipping position given back with a refund. The
 * customer paid for shipping its net price (the fee less its share of the
 * order discount, `net-prices.ts`, exactly as the fiscal receipts price the
 * shipping position); a refund may give back what of it was not given back
 * before, never more. A shipping refund gives the whole of that rest, so the
 * income-return receipt lists the shipping position once, at its price.
 */
export const shippingPaid = (state: OrderState): E.Either<DomainError, number> =>
  E.map((net: { shipping: number }) => net.shipping)(
    netTotals(state.currency, state.lines, state.totals.shippingFee.amount, state.totals.discount.amount),
  );

/** Shipping money already given back with refunds naming it. */
export const shippingRefunded = (state: Pick<OrderState, 'shippingRefunded'>): number => state.shippingRefunded ?? 0;

/**
 * Shipping asked back by refund requests still waiting for the provider
 * (`RequestRefund { shipping: true }`): spoken for, so that two successes
 * cannot give the shipping position back twice.
 */
export const shippingPending = (state: Pick<OrderState, 'refunds'>): number =>
  (state.refunds ?? [])
    .filter((refund) => refund.status === 'pending' && refund.pending > 0)
    .reduce((sum, refund) => sum + (refund.shippingAsked ?? 0), 0);

/** What a shipping refund gives back now: the shipping paid less what went back before (0: nothing left). */
export const shippingRefundable = (state: OrderState): E.Either<DomainError, number> =>
  E.map((paid: number) => Math.max(0, paid - shippingRefunded(state)))(shippingPaid(state));
