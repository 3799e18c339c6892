import type { OrderState, RefundState } from './state.js';

/**
 * Issue 9.3 (PAY-5): a refund's money on the books is what the provider
 * reported as given back minus what came back to the shop (a reversal),
 * never below zero: a reversal reported before its success cancels it.
 */
export const onBooks = (refund: Pick<RefundState, 'succeeded' | 'reversed'>): number =>
  Math.max(0, refund.succeeded - refund.reversed);

export const refundById = (state: Pick<OrderState, 'refunds'>, refundId: string): RefundState | undefined =>
  state.refunds?.find((refund) => refund.refundId === refundId);
