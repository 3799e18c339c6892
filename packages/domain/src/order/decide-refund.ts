import * as E from 'fp-ts/lib/Either.js';
import type { RefundExcess, RefundPayment } from './commands.js';
import { find, money, provider, unknownPayment, wrongCurrency } from './decide-payment.js';
import { fail, ok, type Ctx, type Decision } from './decision.js';
import type { OrderEvent, RefundLine } from './events.js';
import { isDearUnit, isMarked, lineCodesOf } from './marking.js';
import { netTotals, returnedUnits, unitSplit, type UnitSplit } from './net-prices.js';
// Issue 9.3: what a payment holds, less refunds pending and funds a dispute withdrew.
import { amountDueBack, heldOf, refundableOf, totalRefundPending } from './payment-status.js';
import { returnedQty } from './quantities.js';
import { shippingPending, shippingRefundable } from './refund-shipping.js';
import type { OrderState, PaymentState } from './state.js';
import { changeNoteOf, type OrderLine } from './values.js';

/**
 * PAY-5: refunds, full or partial, never more than was captured; with the
 * goods that came back (REC-7) when the shop names them, so that a refund
 * after the closing receipt can be receipted as a return of those goods.
 */

type Returned = Readonly<{ lines: RefundLine[]; value: number }>;

/**
 * REC-6 (issue 9.5): a marked line's return names which units came back by
 * their codes: one per unit returned, each shipped on this line, none
 * returned before (a marked unit comes back once). Each is worth what its
 * place among the line's codes was priced at (`marking.ts`).
 */
const markedReturnValue = (
  state: OrderState,
  line: OrderLine,
  qty: number,
  codes: readonly string[],
  split: UnitSplit,
): E.Either<Decision, number> => {
  if (codes.length !== qty)
    return E.left(
      fail(
        'marking-codes-required',
        `line ${line.lineId} is marked goods: a return names the code of each unit that came back, ` +
          `${qty} for the ${qty} returned, got ${codes.length} (REC-6): lines: [{ lineId, qty, markingCodes }]`,
        { lineId: line.lineId, qty, codes: codes.length },
      ),
    );
  const lineCodes = lineCodesOf(line, state.fulfillment.shipments);
  const back = new Set([...(state.returnedCodes?.[line.lineId] ?? []), ...pendingCodes(state, line.lineId)]);
  let value = 0;
  for (const code of codes) {
    if (!lineCodes.includes(code))
      return E.left(
        fail('unknown-marking-code', `line ${line.lineId}: no unit with marking code ${code} was shipped`, {
          lineId: line.lineId,
          code,
        }),
      );
    if (back.has(code))
      return E.left(
        fail('marking-code-returned', `line ${line.lineId}: the unit with marking code ${code} was already returned`, {
          lineId: line.lineId,
          code,
        }),
      );
    back.add(code);
    value += isDearUnit(lineCodes, code, split.cheap) ? split.unit + 1 : split.unit;
  }
  return E.right(value);
};

/**
 * Issue 9 (PAY-5): goods named by a refund request still waiting for its
 * outcome are spoken for: a second request for them is refused (a request may
 * be), so that two successes cannot return one unit twice.
 */
const pendingRefunds = (state: OrderState) =>
  (state.refunds ?? []).filter((refund) => refund.status === 'pending' && refund.pending > 0);

export const pendingQty = (state: OrderState, lineId: string): number =>
  pendingRefunds(state).reduce(
    (sum, refund) => sum + (refund.lines ?? []).reduce((a, l) => a + (l.lineId === lineId ? l.qty : 0), 0),
    0,
  );

const pendingCodes = (state: OrderState, lineId: string): string[] =>
  pendingRefunds(state).flatMap((refund) =>
    (refund.lines ?? []).flatMap((l) =>
      l.lineId === lineId ? ((l as { markingCodes?: readonly string[] }).markingCodes ?? []) : [],
    ),
  );

/**
 * Check the returned lines (on the order, not more than ordered minus already
 * returned or named by a refund still pending) and price them at what the customer paid: the order discount is
 * spread over lines and shipping exactly as on the fiscal receipts.
 */
export const priceReturn = (state: OrderState, asked: readonly RefundLine[]): E.Either<Decision, Returned> => {
  const wanted = new Map<string, { qty: number; codes?: string[] }>();
  for (const line of asked) {
    const entry = wanted.get(line.lineId) ?? { qty: 0 };
    entry.qty += line.qty;
    if (line.markingCodes !== undefined) entry.codes = [...(entry.codes ?? []), ...line.markingCodes];
    wanted.set(line.lineId, entry);
  }
  const net = netTotals(state.currency, state.lines, state.totals.shippingFee.amount, state.totals.discount.amount);
  if (E.isLeft(net)) return E.left(E.left(net.left));
  let value = 0;
  for (const [lineId, { qty, codes }] of wanted) {
    const index = state.lines.findIndex((l) => l.lineId === lineId);
    const line = state.lines[index];
    if (line === undefined) return E.left(fail('unknown-line', `line ${lineId} is not on the order`, { lineId }));
    const pending = pendingQty(state, lineId);
    const before = returnedQty(state, lineId) + pending;
    if (qty > line.qty - before)
      return E.left(
        fail(
          'return-exceeds-ordered',
          `line ${lineId}: ${qty} returned but only ${line.qty - before} ordered and not yet returned` +
            (pending > 0 ? ` (${pending} named by a refund still pending)` : ''),
          { lineId, qty, ordered: line.qty, returned: before - pending, pending },
        ),
      );
    const split = unitSplit(net.right.lines[index] ?? 0, line.qty);
    if (isMarked(line)) {
      const marked = markedReturnValue(state, line, qty, codes ?? [], split);
      if (E.isLeft(marked)) return marked;
      value += marked.right;
    } else if (codes !== undefined && codes.length > 0)
      return E.left(
        fail('not-marked', `line ${lineId} is not marked goods: its units carry no marking codes`, { lineId }),
      );
    else value += returnedUnits(split, before, qty).value;
  }
  return E.right({
    lines: [...wanted].map(([lineId, { qty, codes }]) => ({
      lineId,
      qty,
      ...(codes === undefined || codes.length === 0 ? {} : { markingCodes: codes }),
    })),
    value,
  });
};

/**
 * Issue 9: the part of `amount` going back beyond what the shop holds of the
 * payment (net captured, less funds an open dispute withdrew); 0 when it fits.
 */
export const beyondHeld = (payment: PaymentState, amount: number): number =>
  Math.max(0, amount - Math.max(0, heldOf(payment)));

const refundEvent = (
  state: OrderState,
  ctx: Ctx,
  data: RefundPayment['data'],
  payment: PaymentState,
  refundId: string,
  amount: number,
  lines?: readonly RefundLine[],
  shipping = 0,
): OrderEvent => ({
  type: 'PaymentRefunded',
  data: {
    at: ctx.at,
    paymentId: payment.paymentId,
    refundId,
    amount: money(state, amount),
    external: data.external ?? false,
    ...(data.reason === undefined ? {} : { reason: data.reason }),
    ...(beyondHeld(payment, amount) > 0 ? { exceeds: money(state, beyondHeld(payment, amount)) } : {}),
    ...provider(data),
    ...(lines === undefined || lines.length === 0 ? {} : { lines: lines.map((line) => ({ ...line })) }),
    ...(shipping === 0 ? {} : { shipping: money(state, shipping) }),
    ...changeNoteOf(data),
  },
});

/**
 * A refund with returned lines: its amount is their value (stated or derived)
 * and it comes from one payment, so one income-return receipt lists exactly
 * those goods for exactly that money (REC-7). Without a paymentId it is taken
 * from the newest payment that can cover it.
 */
const refundReturn = (state: OrderState, ctx: Ctx, data: RefundPayment['data'], asked: readonly RefundLine[]) => {
  const priced = priceReturn(state, asked);
  if (E.isLeft(priced)) return priced.left;
  const { lines } = priced.right;
  // Issue 17: the shipping position comes back too when asked, once, at what was paid for it.
  const shipping = data.shipping === true ? shippingRefundable(state) : E.right(0);
  if (E.isLeft(shipping)) return E.left(shipping.left);
  if (data.shipping === true && shippingPending(state) > 0)
    return fail('shipping-refund-pending', 'a refund request still waiting for the provider gives the shipping back', {
      shippingPending: shippingPending(state),
    });
  if (data.shipping === true && shipping.right === 0)
    return fail('shipping-not-refundable', 'nothing paid for shipping is left to refund on this order', {
      shippingRefunded: state.shippingRefunded ?? 0,
    });
  const value = priced.right.value + shipping.right;
  if (value === 0) return fail('nothing-to-refund', 'the returned lines were paid nothing (after the order discount)');
  if (data.amount !== undefined && data.amount.amount !== value)
    return fail(
      'refund-amount-mismatch',
      `the returned lines are worth ${value} (what was paid for them, after the order discount): refund exactly that or omit the amount`,
      { amount: data.amount.amount, linesValue: value },
    );
  const candidates = data.paymentId === undefined ? [...state.payments].reverse() : [find(state, data.paymentId)];
  if (candidates[0] === undefined && data.paymentId !== undefined) return unknownPayment(data.paymentId);
  const payment = candidates.find((p) => p !== undefined && refundableOf(p) >= value);
  if (payment !== undefined)
    return ok(refundEvent(state, ctx, data, payment, data.refundId, value, lines, shipping.right));
  const refundable = candidates.reduce((acc, p) => acc + (p === undefined ? 0 : Math.max(0, refundableOf(p))), 0);
  if (data.paymentId === undefined && refundable >= value)
    return fail(
      'refund-spans-payments',
      `no single payment holds the ${value} the returned lines are worth: refund them in parts, each naming its paymentId and its lines`,
      {
        linesValue: value,
        refundable: state.payments.map((p) => ({ paymentId: p.paymentId, refundable: refundableOf(p) })),
      },
    );
  return fail('refund-exceeds-captured', `only ${refundable} can be refunded, the returned lines are worth ${value}`, {
    amount: value,
    refundable,
  });
};

/**
 * PAY-5: refund all that is left (amount omitted) or a part; never more than
 * was captured. Without a paymentId the refund is taken from the order's
 * payments, newest first (one event per payment touched). With returned
 * lines, see `refundReturn`.
 */
export const refundPayment = (state: OrderState, ctx: Ctx, data: RefundPayment['data']): Decision => {
  if (data.amount !== undefined) {
    const currency = wrongCurrency(state, data.amount.currency);
    if (currency !== undefined) return currency;
  }
  if ((data.lines !== undefined && data.lines.length > 0) || data.shipping === true)
    return refundReturn(state, ctx, data, data.lines ?? []);
  if (data.paymentId !== undefined) {
    const payment = find(state, data.paymentId);
    if (payment === undefined) return unknownPayment(data.paymentId);
    const refundable = refundableOf(payment);
    // A provider reporting a refund it made states a fact: recorded whatever the payment holds (issue 9).
    if (ctx.actor.kind === 'provider' && data.amount !== undefined)
      return ok(refundEvent(state, ctx, data, payment, data.refundId, data.amount.amount));
    if (refundable <= 0) return fail('nothing-to-refund', `nothing captured on payment ${payment.paymentId} to refund`);
    const amount = data.amount?.amount ?? refundable;
    if (amount > refundable)
      return fail('refund-exceeds-captured', `only ${refundable} of payment ${payment.paymentId} can be refunded`, {
        amount,
        refundable,
      });
    return ok(refundEvent(state, ctx, data, payment, data.refundId, amount));
  }
  const sources = [...state.payments].reverse().filter((p) => refundableOf(p) > 0);
  const refundable = sources.reduce((acc, p) => acc + refundableOf(p), 0);
  if (refundable <= 0) return fail('nothing-to-refund', 'nothing was captured on this order to refund');
  let left = data.amount?.amount ?? refundable;
  if (left > refundable)
    return fail('refund-exceeds-captured', `only ${refundable} can be refunded on this order`, {
      amount: left,
      refundable,
    });
  const events: OrderEvent[] = [];
  for (const payment of sources) {
    if (left === 0) break;
    const amount = Math.min(left, refundableOf(payment));
    left -= amount;
    events.push(
      refundEvent(
        state,
        ctx,
        data,
        payment,
        `${data.refundId}${events.length === 0 ? '' : `-${events.length + 1}`}`,
        amount,
      ),
    );
  }
  return ok(...events);
};

/**
 * Issue 9.1: one command gives back what the order was overpaid (a sale on a
 * paid order, a late payment on a cancelled one): the amount due back, from
 * the payments newest first, less refunds already pending. Nothing due back
 * appends nothing.
 */
export const refundExcess = (state: OrderState, ctx: Ctx, data: RefundExcess['data']): Decision => {
  // Refunds already asked of the provider are on their way back: asking again would refund them twice.
  const due = Math.max(0, amountDueBack(state) - totalRefundPending(state));
  if (due === 0) return ok();
  return refundPayment(state, ctx, { ...data, amount: money(state, due), reason: data.reason ?? 'overpayment' });
};
