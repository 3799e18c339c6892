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

/** Issue 9.3: the pending and disputed amounts of a payment (absent in older snapshots: zero). */
export const capturePendingOf = (payment: PaymentState): number => payment.capturePending ?? 0;
export const refundPendingOf = (payment: PaymentState): number => payment.refundPending ?? 0;
/** Funds an open dispute withdrew (they may come back). */
export const disputedOf = (payment: PaymentState): number => payment.disputed ?? 0;
/** Funds lost disputes took for good (chargebacks). */
export const chargedBackOf = (payment: PaymentState): number => payment.chargedBack ?? 0;

/**
 * Captured and not given back: refunds that succeeded (and were not
 * reversed) and lost disputes (issue 9.3). Funds withdrawn by an open dispute
 * still count: the dispute may be won; `held` leaves them out.
 */
export const netCapturedOf = (payment: PaymentState): number =>
  payment.captured - payment.refunded - chargedBackOf(payment);

export const netCaptured = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + netCapturedOf(payment), 0);

/** What the shop has of a payment right now: net captured minus funds an open dispute withdrew. */
export const heldOf = (payment: PaymentState): number => netCapturedOf(payment) - disputedOf(payment);

export const held = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + heldOf(payment), 0);

/**
 * PAY-5 (issue 9.3): what may still be asked back of a payment: what the shop
 * holds of it minus refunds already asked and not answered.
 */
export const refundableOf = (payment: PaymentState): number => heldOf(payment) - refundPendingOf(payment);

/**
 * Issue 9: what went back to the customer beyond what the order's payments
 * took (refunds and lost disputes above the captured amount). Outcomes are
 * facts, so this can happen: a refund success reported before its capture, a
 * provider refund of more than the shop booked, a chargeback on top of a
 * refund. Counted over the whole order, so a later payment of the difference
 * (a link for `overRefunded`), the missing capture or a reversal puts it
 * right; the events name the part beyond each payment (`exceeds`).
 */
export const overRefunded = (state: Pick<OrderState, 'payments'>): number => Math.max(0, -netCaptured(state));

export const totalChargedBack = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + chargedBackOf(payment), 0);

export const totalDisputed = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + disputedOf(payment), 0);

export const totalRefundPending = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + refundPendingOf(payment), 0);

export const totalCapturePending = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + capturePendingOf(payment), 0);

export const totalCaptured = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + payment.captured, 0);

export const totalRefunded = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + payment.refunded, 0);

export const uncapturedAuthorized = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + capturable(payment), 0);

/** The order's money as the payment facts read it; `status` only matters when cancelled. */
type Money = Pick<OrderState, 'payments' | 'totals' | 'concessions'> & { status?: OrderStatus };

/**
 * Issue 9/17 (PAY-5): money given back that the order no longer charges for
 * (refunds of goods or shipping, compensations), from refund outcomes on the
 * books (absent in older snapshots: zero). See `charged`.
 */
export const concessionsOf = (state: Pick<OrderState, 'concessions'>): number => state.concessions ?? 0;

/**
 * The charge as placed and edited, cancellation aside: what `paymentSecured`
 * and `financialStatus` measure (a cancelled order's money is not "secured"
 * by its costing nothing; its statuses stay, the money held is `overpaid`).
 */
const chargeOf = (state: Money): number => Math.max(0, state.totals.total.amount - concessionsOf(state));

/**
 * Issue 9/17 (PAY-2, PAY-3, ORD-8): what the customer is charged for: the
 * order total minus the concessions, never below zero. A returned line that
 * was refunded is not charged again, nor a compensation; a refund of money
 * held beyond the charge (an excess) changes nothing here. A cancelled order
 * costs nothing. Every money fact below (balance due, what may be requested,
 * whether payment is secured, what is due back, the financial status)
 * measures against this, like Shopify's `currentTotalPrice`.
 */
export const charged = (state: Money): number => (state.status === 'cancelled' ? 0 : chargeOf(state));

/** What the customer still owes (of what she is `charged`), not counting open authorizations. */
export const balanceDue = (state: Money): number => Math.max(0, charged(state) - netCaptured(state));

/**
 * Issue 9.1: money taken beyond what the order costs (`charged`), owed back
 * to the customer (Saleor's "overcharged", Shopify's negative balance). A
 * cancelled order costs nothing: everything still held is due back.
 */
export const amountDueBack = (state: Money): number =>
  // Funds a dispute withdrew are not the shop's to give back (issue 9.3).
  Math.max(0, held(state) - charged(state));

/** A request the payer may still pay: pending, waiting for her 3-D Secure confirmation, or failed and open to a retry. */
export const awaitsPayment = (payment: PaymentState): boolean =>
  payment.status === 'pending' || payment.status === 'action_required' || payment.status === 'failed';

/** Open payment requests (links the payer may still pay), in full. */
export const openRequested = (state: Pick<OrderState, 'payments'>): number =>
  state.payments.reduce((acc, payment) => acc + (awaitsPayment(payment) ? payment.requested : 0), 0);

/**
 * What may still be requested by a new payment link (PAY-3, issue 9.2): the
 * balance due minus money already held and minus open requests, so the
 * checkout request and a chat link for the full total can never both be
 * authorized (twice the order held on the customer's card).
 */
export const requestable = (state: Money): number =>
  Math.max(0, balanceDue(state) - uncapturedAuthorized(state) - openRequested(state));

/**
 * Payment is confirmed when captured plus still-capturable authorized money
 * covers what the customer is `charged` (a refunded return does not block the
 * rest of a split shipment, issue 17). This gates shipping (ORD-8) and
 * downloads (FUL-3): an authorization is the provider's guarantee, as Odoo
 * treats it.
 */
export const paymentSecured = (state: Money): boolean =>
  netCaptured(state) + uncapturedAuthorized(state) >= chargeOf(state);

/** PAY-2: Shopify-like financial status of the order. */
export type FinancialStatus =
  | 'pending'
  | 'disputed'
  | 'over_refunded'
  | 'charged_back'
  | 'authorized'
  | 'partially_paid'
  | 'paid'
  | 'overpaid'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'expired';

/**
 * `overpaid` (issue 9.1): more is held than the order costs; `amountDueBack`
 * says how much. Issue 9.3: outcomes, not requests, decide: a pending capture
 * or refund changes nothing yet; `disputed` while a dispute has funds
 * withdrawn; `charged_back` once a lost dispute left the order short;
 * `over_refunded` while more went back than a payment took (`overRefunded`).
 */
export const financialStatus = (state: Money): FinancialStatus => {
  const captured = totalCaptured(state);
  const refunded = totalRefunded(state);
  // What she is charged for (issue 17); a cancelled order keeps its own statuses (its money is `overpaid`, due back).
  const total = chargeOf(state);
  if (totalDisputed(state) > 0) return 'disputed';
  // More went back than a payment took: the customer owes it (issue 9), before any other money status.
  if (overRefunded(state) > 0) return 'over_refunded';
  if (captured > 0) {
    if (totalChargedBack(state) > 0 && netCaptured(state) < total) return 'charged_back';
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
  return state.totals.total.amount === 0 && state.payments.length === 0 ? 'paid' : 'pending';
};

/** PAY-2: Pixpa shows only three statuses to the customer. */
export type PixpaPaymentStatus = 'paid' | 'pending' | 'refunded';

/**
 * Mapping onto Pixpa's three: money held = paid (a partial refund leaves money
 * held), everything returned = refunded, anything else is still awaited.
 */
export const pixpaPaymentStatus = (status: FinancialStatus): PixpaPaymentStatus => {
  // disputed: the settlement stands until the bank decides; charged_back: she has her money back, through her bank.
  switch (status) {
    case 'paid':
    case 'overpaid':
    case 'partially_refunded':
    case 'disputed':
      return 'paid';
    case 'refunded':
    case 'charged_back':
    case 'over_refunded':
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
    : awaitsPayment(payment)
      ? payment.expiresAt
      : undefined;
