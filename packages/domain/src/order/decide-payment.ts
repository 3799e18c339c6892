import type { Money } from '@ordersource/core';
import type {
  AuthorizePayment,
  CaptureOnDelivery,
  CapturePayment,
  ConfirmOfflinePayment,
  ExpirePayment,
  FailPayment,
  IssueInvoice,
  RecordSale,
  RequestPayment,
  VoidPayment,
} from './commands.js';
import { fail, isAtOrAfter, ok, type Ctx, type Decision } from './decision.js';
import type { InvoiceLine, OrderEvent } from './events.js';
import {
  awaitsPayment,
  balanceDue,
  capturable,
  capturePendingOf,
  expiryOf,
  requestable,
  totalCapturePending,
} from './payment-status.js';
import { deliveredQty, invoicedQty } from './quantities.js';
import type { OrderState, PaymentState } from './state.js';
import { changeNoteOf, type ChangeNote } from './values.js';

/** PAY-1..PAY-4 and PAY-7: every payment of the order has its own lifecycle inside the order stream (refunds: decide-refund.ts). */

export const provider = (data: { providerReference?: string; providerMessage?: string; providerEventId?: string }) => ({
  ...(data.providerReference === undefined ? {} : { providerReference: data.providerReference }),
  ...(data.providerMessage === undefined ? {} : { providerMessage: data.providerMessage }),
  ...(data.providerEventId === undefined ? {} : { providerEventId: data.providerEventId }),
});

export const money = (state: OrderState, amount: number) => ({ amount, currency: state.currency });

export const find = (state: OrderState, paymentId: string): PaymentState | undefined =>
  state.payments.find((p) => p.paymentId === paymentId);

export const unknownPayment = (paymentId: string): Decision =>
  fail('unknown-payment', `no payment ${paymentId} on this order`);

export const wrongCurrency = (state: OrderState, currency: string): Decision | undefined =>
  currency === state.currency
    ? undefined
    : fail('currency-mismatch', `the order is in ${state.currency}, the amount in ${currency}`);

/** Pending, waiting for the customer's 3-D Secure confirmation (issue 9.3), or failed and open to a retry. */
const awaitingPayment = (payment: PaymentState): boolean => awaitsPayment(payment);

/** PAY-3: a payment link for the balance or a part of it; never more than is still owed and not already held. */
export const requestPayment = (state: OrderState, ctx: Ctx, data: RequestPayment['data']): Decision => {
  const currency = wrongCurrency(state, data.amount.currency);
  if (currency !== undefined) return currency;
  if (find(state, data.paymentId) !== undefined) return fail('payment-exists', `payment ${data.paymentId} exists`);
  const open = requestable(state);
  if (data.amount.amount > open)
    return fail(
      'amount-exceeds-balance',
      `only ${open} can still be requested: open requests and held authorizations count against the balance (PAY-3); void an older request first`,
      {
        requested: data.amount.amount,
        requestable: open,
        openRequests: state.payments
          .filter(awaitingPayment)
          .map((p) => ({ paymentId: p.paymentId, requested: p.requested })),
      },
    );
  return ok({
    type: 'PaymentRequested',
    data: {
      at: ctx.at,
      paymentId: data.paymentId,
      amount: data.amount,
      method: data.method,
      channel: data.channel,
      ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
      ...(data.url === undefined ? {} : { url: data.url }),
      ...changeNoteOf(data),
    },
  });
};

/** PAY-3: the payer pays exactly the requested amount, never less (nor more). */
const exactAmount = (state: OrderState, payment: PaymentState, amount: { amount: number; currency: string }) => {
  const currency = wrongCurrency(state, amount.currency);
  if (currency !== undefined) return currency;
  if (amount.amount !== payment.requested)
    return fail('amount-mismatch', `payment ${payment.paymentId} must be paid in exactly ${payment.requested}`, {
      requested: payment.requested,
      paid: amount.amount,
    });
  return undefined;
};

/** PAY-1: the provider authorized the payment. */
export const authorizePayment = (state: OrderState, ctx: Ctx, data: AuthorizePayment['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  if (!awaitingPayment(payment))
    return fail('invalid-payment-transition', `payment ${payment.paymentId} is ${payment.status}`);
  const wrong = exactAmount(state, payment, data.amount);
  if (wrong !== undefined) return wrong;
  return ok({
    type: 'PaymentAuthorized',
    data: {
      at: ctx.at,
      paymentId: data.paymentId,
      amount: data.amount,
      ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * Issue 9.1: money a provider (or the bank, PAY-4) says it took is a fact, not
 * a request: it is recorded on an order already paid (it is then overpaid, see
 * `amountDueBack`) and on a request that was voided or expired meanwhile (a
 * late payment). Only a request that never held an authorization can receive
 * money this way; a held one is captured.
 */
const mayReceive = (payment: PaymentState): boolean =>
  awaitingPayment(payment) ||
  ((payment.status === 'voided' || payment.status === 'expired') && payment.authorized === 0);

/** A sale or an offline confirmation: money in at once, nothing left authorized to release. */
const receivedAtOnce = (
  state: OrderState,
  ctx: Ctx,
  paymentId: string,
  amount: Money,
  mode: 'sale' | 'offline',
  extra: ChangeNote & { providerReference?: string; providerMessage?: string; providerEventId?: string },
): OrderEvent => ({
  type: 'PaymentCaptured',
  data: { at: ctx.at, paymentId, amount, mode, final: true, released: money(state, 0), ...extra },
});

/** PAY-1: authorize and capture in one step (a sale). */
export const recordSale = (state: OrderState, ctx: Ctx, data: RecordSale['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  if (!mayReceive(payment))
    return fail('invalid-payment-transition', `payment ${payment.paymentId} is ${payment.status}`);
  const wrong = exactAmount(state, payment, data.amount);
  if (wrong !== undefined) return wrong;
  return ok(
    receivedAtOnce(state, ctx, data.paymentId, data.amount, 'sale', { ...provider(data), ...changeNoteOf(data) }),
  );
};

/** PAY-4: an admin confirms money received offline (bank transfer, cash or card to a courier, in store). */
export const confirmOfflinePayment = (state: OrderState, ctx: Ctx, data: ConfirmOfflinePayment['data']): Decision =>
  receiveAwaited(state, ctx, data, 'offline');

/**
 * The awaited payment (or the one named) was received in full: offline
 * (PAY-4), or online as the admin saw it in the gateway (ORD-2, one-step
 * confirm: mode 'sale').
 */
export const receiveAwaited = (
  state: OrderState,
  ctx: Ctx,
  data: ConfirmOfflinePayment['data'],
  mode: 'sale' | 'offline',
): Decision => {
  let payment: PaymentState | undefined;
  if (data.paymentId !== undefined) {
    payment = find(state, data.paymentId);
    if (payment === undefined) return unknownPayment(data.paymentId);
  } else {
    const awaited = state.payments.filter(awaitingPayment);
    if (awaited.length === 0) return fail('no-payment-awaited', 'no payment is awaited on this order');
    if (awaited.length > 1)
      return fail('payment-ambiguous', 'several payments are awaited: name the one received', {
        paymentIds: awaited.map((p) => p.paymentId),
      });
    payment = awaited[0];
    if (payment === undefined) return fail('no-payment-awaited', 'no payment is awaited on this order');
  }
  if (!mayReceive(payment))
    return fail('invalid-payment-transition', `payment ${payment.paymentId} is ${payment.status}`);
  return ok(receivedAtOnce(state, ctx, payment.paymentId, money(state, payment.requested), mode, changeNoteOf(data)));
};

/**
 * A capture the provider reports after the shop voided (or saw expire) the
 * authorization: the provider did not honour the void, the money is taken
 * (issue 9.1), up to what was authorized.
 */
const capturedDespiteRelease = (payment: PaymentState, ctx: Ctx): number =>
  ctx.actor.kind === 'provider' && (payment.status === 'voided' || payment.status === 'expired')
    ? Math.max(0, payment.authorized - payment.captured)
    : 0;

/**
 * PAY-1: capture all (amount omitted) or part of an authorization, never more
 * than authorized. A final capture releases the rest. Money captured beyond
 * what is owed is recorded (the order is then overpaid, issue 9.1); only an
 * omitted amount is limited to what is owed.
 */
export const capturePayment = (state: OrderState, ctx: Ctx, data: CapturePayment['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  // After a void the provider did not honour, the rest is released already: this capture releases nothing more.
  const late = capturable(payment) === 0;
  const open = late ? capturedDespiteRelease(payment, ctx) : capturable(payment);
  if (open === 0) return fail('nothing-to-capture', `payment ${payment.paymentId} is ${payment.status}`);
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  const amount = data.amount?.amount ?? Math.min(open, balanceDue(state));
  if (amount > open)
    return fail('capture-exceeds-authorized', `only ${open} of payment ${payment.paymentId} can be captured`, {
      amount,
      capturable: open,
    });
  if (amount === 0) return fail('nothing-to-capture', 'nothing is owed on this order any more');
  // A capture requested as final (capture on delivery) ends the authorization when the provider reports it (issue 9).
  const final = data.final ?? (data.amount === undefined || amount === open || payment.captureFinal === true);
  return ok({
    type: 'PaymentCaptured',
    data: {
      at: ctx.at,
      paymentId: payment.paymentId,
      amount: money(state, amount),
      mode: 'capture',
      final,
      released: money(state, final && !late ? open - amount : 0),
      ...provider(data),
      ...changeNoteOf(data),
    },
  });
};

/**
 * PAY-1/FUL-4: after delivery, ask the provider to capture what methods
 * configured "capture after delivery" still hold, up to what is owed (issue
 * 9: a capture is a request; the money counts when the provider reports it,
 * `CapturePayment`, and the request is final, so that report releases the
 * rest). An authorization nothing is owed on any more is voided. What is
 * already asked and not answered is not asked again.
 */
export const captureOnDelivery = (state: OrderState, ctx: Ctx, _data: CaptureOnDelivery['data']): Decision => {
  const events: OrderEvent[] = [];
  let due = balanceDue(state) - totalCapturePending(state);
  for (const payment of state.payments) {
    const open = capturable(payment) - capturePendingOf(payment);
    if (payment.method.capture !== 'after_delivery' || open <= 0) continue;
    const amount = Math.max(0, Math.min(open, due));
    due -= amount;
    if (amount > 0)
      events.push({
        type: 'CaptureRequested',
        data: { at: ctx.at, paymentId: payment.paymentId, amount: money(state, amount), final: true },
      });
    else if (capturePendingOf(payment) === 0)
      events.push({
        type: 'PaymentVoided',
        data: { at: ctx.at, paymentId: payment.paymentId, released: money(state, open) },
      });
  }
  return ok(...events);
};

const openToRelease = (payment: PaymentState): boolean =>
  awaitingPayment(payment) || payment.status === 'authorized' || payment.status === 'partially_captured';

const releasable = (payment: PaymentState): number =>
  Math.max(0, payment.authorized - payment.captured - payment.released);

/** Void and expiry share their gate: only an open request or authorization is released, with what it still holds. */
const release = (
  state: OrderState,
  paymentId: string,
  event: (paymentId: string, released: Money) => OrderEvent,
): Decision => {
  const payment = find(state, paymentId);
  if (payment === undefined) return unknownPayment(paymentId);
  if (!openToRelease(payment))
    return fail('invalid-payment-transition', `payment ${payment.paymentId} is ${payment.status}`);
  return ok(event(payment.paymentId, money(state, releasable(payment))));
};

/** PAY-1: void an open request or authorization; what was authorized and not captured is released. */
export const voidPayment = (state: OrderState, ctx: Ctx, data: VoidPayment['data']): Decision =>
  release(state, data.paymentId, (paymentId, released) => ({
    type: 'PaymentVoided',
    data: {
      at: ctx.at,
      paymentId,
      released,
      ...(data.reason === undefined ? {} : { reason: data.reason }),
      ...provider(data),
      ...changeNoteOf(data),
    },
  }));

/** Void every open payment (on cancel and discard). */
export const voidOpenPayments = (state: OrderState, ctx: Ctx, reason: string): OrderEvent[] =>
  state.payments.filter(openToRelease).map((payment) => ({
    type: 'PaymentVoided',
    data: { at: ctx.at, paymentId: payment.paymentId, released: money(state, releasable(payment)), reason },
  }));

/**
 * PAY-1: a request or authorization lapsed. With `dueAt` (a timer's plan,
 * due.ts) it is a no-op once the plan is obsolete: the payment was captured,
 * voided or paid meanwhile, or its expiry moved. Before `dueAt` it is refused.
 */
export const expirePayment = (state: OrderState, ctx: Ctx, data: ExpirePayment['data']): Decision => {
  if (data.dueAt !== undefined) {
    const payment = find(state, data.paymentId);
    if (payment === undefined || expiryOf(payment) !== data.dueAt) return ok();
    if (!isAtOrAfter(ctx.at, data.dueAt))
      return fail('not-expired-yet', `payment ${payment.paymentId} lapses at ${data.dueAt}`, { dueAt: data.dueAt });
  }
  return release(state, data.paymentId, (paymentId, released) => ({
    type: 'PaymentExpired',
    data: { at: ctx.at, paymentId, released, ...provider(data), ...changeNoteOf(data) },
  }));
};

/** PAY-1: a declined attempt; the payer may try again. */
export const failPayment = (state: OrderState, ctx: Ctx, data: FailPayment['data']): Decision => {
  const payment = find(state, data.paymentId);
  if (payment === undefined) return unknownPayment(data.paymentId);
  // Issue 9.3: outcomes arrive in any order; an earlier attempt's failure reported after the success changes nothing.
  if (payment.authorized > 0) return ok();
  if (!awaitingPayment(payment))
    return fail('invalid-payment-transition', `payment ${payment.paymentId} is ${payment.status}`);
  return ok({
    type: 'PaymentFailed',
    data: { at: ctx.at, paymentId: payment.paymentId, ...provider(data), ...changeNoteOf(data) },
  });
};

/** Units of a line that count for an invoice under the policy (PAY-7). */
const invoiceable = (state: OrderState, basis: IssueInvoice['data']['basis'], lineId: string): number => {
  const line = state.lines.find((l) => l.lineId === lineId);
  if (line === undefined) return 0;
  if (basis === 'ordered') return line.qty;
  switch (line.kind) {
    case 'physical':
      return deliveredQty(state, lineId);
    case 'digital':
      return state.fulfillment.downloadsUnlocked ? line.qty : 0;
    case 'service':
      return state.fulfillment.status === 'fulfilled' ? line.qty : 0;
  }
};

/**
 * PAY-7: invoice what was ordered (or delivered) and not invoiced yet.
 * Shipping and the discount go on the first invoice (the discount waits while
 * it would make an invoice negative). Nothing new to invoice: no event.
 */
export const issueInvoice = (state: OrderState, ctx: Ctx, data: IssueInvoice['data']): Decision => {
  if (state.invoices.some((i) => i.invoiceId === data.invoiceId))
    return fail('invoice-exists', `invoice ${data.invoiceId} exists`);
  const lines: InvoiceLine[] = [];
  for (const line of state.lines) {
    const qty = invoiceable(state, data.basis, line.lineId) - invoicedQty(state, line.lineId);
    if (qty > 0) lines.push({ lineId: line.lineId, qty, amount: money(state, qty * line.unitPrice.amount) });
  }
  const linesAmount = lines.reduce((acc, line) => acc + line.amount.amount, 0);
  const shippingFee = Math.max(
    0,
    state.totals.shippingFee.amount - state.invoices.reduce((a, i) => a + i.shippingFee, 0),
  );
  const discountDue = Math.max(0, state.totals.discount.amount - state.invoices.reduce((a, i) => a + i.discount, 0));
  const discount = linesAmount + shippingFee >= discountDue ? discountDue : 0;
  if (lines.length === 0 && shippingFee === 0) return ok();
  return ok({
    type: 'InvoiceIssued',
    data: {
      at: ctx.at,
      invoiceId: data.invoiceId,
      basis: data.basis,
      lines,
      shippingFee: money(state, shippingFee),
      discount: money(state, discount),
      amount: money(state, linesAmount + shippingFee - discount),
    },
  });
};
