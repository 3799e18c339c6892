import type { OrderState, OrderStatus, PaymentState } from './state.js';

/**
 * Money facts derived from an order's payments (amounts in minor units), the
 * order's financial status (PAY-2, like Shopify's financial_status) and
 * Pixpa's three customer-facing statuses.
 */

/** Authorized money that can still be captured. */
export const capturable = (payment: PaymentState): number =>
  payment.status === 'authorized' || payment.status === 'partially_captured'
    ? payment.authorized - payment.captured - payment.released
    : 0;

/** Captured and not refunded. */
export const netCaptured = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + payment.captured - payment.refunded, 0);

export const totalCaptured = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + payment.captured, 0);

export const totalRefunded = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + payment.refunded, 0);

export const uncapturedAuthorized = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + capturable(payment), 0);

/** What the customer still owes, not counting open authorizations. */
export const balanceDue = (state: Pick<OrderState, 'payments' | 'totals'>): number =>
  Math.max(0, state.totals.total.amount - netCaptured(state));

type Money = Pick<OrderState, 'payments' | 'totals'> & { status?: OrderStatus };

/**
 * Issue 9.1: money taken beyond what the order costs, owed back to the
 * customer (Saleor's "overcharged", Shopify's negative balance). A cancelled
 * order costs nothing: everything still held is due back.
 */
export const amountDueBack = (state: Money): number => {
  const costs = state.status === 'cancelled' ? 0 : state.totals.total.amount;
  return Math.max(0, netCaptured(state) - costs);
};

/** Open payment requests (links the payer may still pay: pending, or failed and retried), in full. */
export const openRequested = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce(
    (acc, payment) => acc + (payment.status === 'pending' || payment.status === 'failed' ? payment.requested : 0),
    0,
  );

/**
 * What may still be requested by a new payment link (PAY-3, issue 9.2): the
 * balance due minus money already held and minus open requests, so the
 * checkout request and a chat link for the full total can never both be
 * authorized (twice the order held on the customer's card).
 */
export const requestable = (state: Pick<OrderState, 'payments' | 'totals'>): number =>
  Math.max(0, balanceDue(state) - uncapturedAuthorized(state) - openRequested(state));

/**
 * Payment is confirmed when captured plus still-capturable authorized money
 * covers the total. This gates shipping (ORD-8) and downloads (FUL-3): an
 * authorization is the provider's guarantee, as Odoo treats it.
 */
export const paymentSecured = (state: Pick<OrderState, 'payments' | 'totals'>): boolean =>
  netCaptured(state) + uncapturedAuthorized(state) >= state.totals.total.amount;

/** PAY-2: Shopify-like financial status of the order. */
export type FinancialStatus =
  | 'pending'
  | 'authorized'
  | 'partially_paid'
  | 'paid'
  | 'overpaid'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'expired';

/** `overpaid` (issue 9.1): more is held than the order costs; `amountDueBack` says how much. */
export const financialStatus = (state: Money): FinancialStatus => {
  const captured = totalCaptured(state);
  const refunded = totalRefunded(state);
  const total = state.totals.total.amount;
  if (captured > 0) {
    if (refunded >= captured) return 'refunded';
    if (amountDueBack(state) > 0) return 'overpaid';
    if (refunded > 0) return 'partially_refunded';
    return captured >= total ? 'paid' : 'partially_paid';
  }
  if (uncapturedAuthorized(state) > 0) return 'authorized';
  if (state.payments.length > 0) {
    const live = state.payments.filter((p) => p.status !== 'voided' && p.status !== 'expired');
    if (live.length === 0) return state.payments.every((p) => p.status === 'expired') ? 'expired' : 'voided';
  }
  return total === 0 && state.payments.length === 0 ? 'paid' : 'pending';
};

/** PAY-2: Pixpa shows only three statuses to the customer. */
export type PixpaPaymentStatus = 'paid' | 'pending' | 'refunded';

/**
 * Mapping onto Pixpa's three: money held = paid (a partial refund leaves money
 * held), everything returned = refunded, anything else is still awaited.
 */
export const pixpaPaymentStatus = (status: FinancialStatus): PixpaPaymentStatus => {
  switch (status) {
    case 'paid':
    case 'overpaid':
    case 'partially_refunded':
      return 'paid';
    case 'refunded':
      return 'refunded';
    case 'pending':
    case 'authorized':
    case 'partially_paid':
    case 'voided':
    case 'expired':
      return 'pending';
  }
};

/**
 * Issue 9.2: payments whose request or authorization has lapsed at `at` (the
 * provider's `expiresAt`) and still holds or awaits money. The order's timer
 * plan (due.ts) sends `ExpirePayment` for each; where no timer runs, a
 * scheduler asks this and sends it.
 */
export const lapsedPayments = (state: Pick<OrderState, 'payments'>, at: string): PaymentState[] =>
  state.payments.filter((payment) => {
    const until = expiryOf(payment);
    return until !== undefined && Date.parse(at) >= Date.parse(until);
  });

/**
 * When an open payment lapses, if it does: the authorization's expiry while
 * money is held, the link's expiry while it awaits payment (PAY-1, PAY-3).
 * The timer plan (due.ts) and `lapsedPayments` read it from here.
 */
export const expiryOf = (payment: PaymentState): string | undefined =>
  payment.status === 'authorized' || payment.status === 'partially_captured'
    ? payment.authorizationExpiresAt
    : payment.status === 'pending' || payment.status === 'failed'
      ? payment.expiresAt
      : undefined;
