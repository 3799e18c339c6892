import { domainError, type DomainError, type Money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import {
  ADVANCE_ITEM_NAME,
  CALCULATED_VAT,
  CREDIT_REPAYMENT_ITEM_NAME,
  KIND_TAG,
  SALE_VAT,
  VAT_BASIS_POINTS,
  type Means,
  type Operation,
  type PaymentMethodTag,
  type ReceiptKind,
  type VatCode,
} from './kinds.js';
import {
  isMarkedLine,
  unitCodesOf,
  type DateReachedFact,
  type Fact,
  type HandoverFact,
  type PaymentFact,
  type ReceiptLine,
  type RefundFact,
} from './model.js';
import { splitEarlyReturn, type EarlyReturn } from './early-returns.js';
import type { Offset, Receipt, ReceiptCause, ReceiptItem, ReceiptPayments } from './receipt.js';
import {
  causeKey,
  closingDateOf,
  goodsLeft,
  goodsTotal,
  isClosed,
  openUnassigned,
  openLines,
  outstandingTotal,
  unassignedLeft,
  type Outstanding,
  type ReceiptsState,
} from './state.js';

/**
 * The receipts policy: given what we know about an order and one new fact,
 * which fiscal receipts are owed (REC-1). Pure: the time comes in as `at`,
 * receipt ids are derived from the order, the cause and the receipt's role,
 * so running it twice on the same fact yields the same receipts.
 */

type Context = Readonly<{ state: ReceiptsState; orderId: string; currency: string; at: string }>;

type NewMoney = Readonly<{ amount: number; means: Means }>;

const money = (amount: number, currency: string): Money => ({ amount, currency });

/** `<order>/<cause kind>/<cause id>/<role>`: stable across re-runs, unique per receipt. */
export const receiptIdFor = (orderId: string, cause: ReceiptCause, role: string): string =>
  `${orderId}/${cause.kind}/${cause.id}/${role}`;

/** The role of a full-settlement receipt for a mixed order's digital lines at payment (REC-4). */
const PARTIAL_ROLE = 'digital-settlement';

/** A full-settlement receipt for some lines only (REC-4): it does not close the order. */
export const isPartialSettlement = (receipt: Receipt): boolean => receipt.receiptId.endsWith(`/${PARTIAL_ROLE}`);

/** VAT on an advance: the configured one, else the calculated rate of the order's highest rate. */
export const advanceVatOf = (state: ReceiptsState): VatCode => {
  if (state.config.advanceVat !== undefined) return state.config.advanceVat;
  let best: VatCode = 'none';
  for (const line of state.lines)
    if (VAT_BASIS_POINTS[line.vat] > VAT_BASIS_POINTS[best] || (best === 'none' && line.vat !== 'none'))
      best = line.vat;
  return CALCULATED_VAT[best];
};

const lineItem = (
  line: ReceiptLine,
  quantity: number,
  method: PaymentMethodTag,
  vat: VatCode,
  markingCode?: string,
): ReceiptItem => ({
  lineId: line.lineId,
  name: line.name,
  quantity,
  unit: line.unit,
  price: line.price,
  amount: money(line.price.amount * quantity, line.price.currency),
  vat,
  subject: line.subject,
  paymentMethod: method,
  ...(markingCode === undefined ? {} : { markingCode }),
});

/**
 * Issue 9 (PAY-5, REC-7): the goods a refund names, priced to the money it
 * actually returned when that is less than their value (a provider confirmed
 * part of a refund requested with lines, or part of it was reversed first).
 * Each position's share is its amount × money / value, in whole minor units,
 * the kopecks left over going to the largest remainders (ties: the earlier
 * position), so the positions sum to the money exactly. A position whose share
 * does not divide by its quantity becomes two, one kopeck apart per unit (as
 * the composition does, registers print whole-kopeck prices); both keep the
 * line id, so the units returned count the same.
 */
export const proRata = (items: readonly ReceiptItem[], amount: number): readonly ReceiptItem[] => {
  const value = items.reduce((sum, item) => sum + item.amount.amount, 0);
  if (value === amount || value === 0) return items;
  const total = BigInt(value);
  const parts = items.map((item, index) => {
    const product = BigInt(item.amount.amount) * BigInt(amount);
    return { index, share: Number(product / total), remainder: product % total };
  });
  let left = amount - parts.reduce((sum, part) => sum + part.share, 0);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (left === 0) break;
    part.share += 1;
    left -= 1;
  }
  return items.flatMap((item, index): ReceiptItem[] => {
    const share = parts[index]!.share;
    const currency = item.amount.currency;
    const at = (quantity: number, price: number): ReceiptItem => ({
      ...item,
      quantity,
      price: money(price, currency),
      amount: money(price * quantity, currency),
    });
    const unit = Math.floor(share / item.quantity);
    const dear = share - unit * item.quantity;
    return dear === 0 ? [at(item.quantity, unit)] : [at(item.quantity - dear, unit), at(dear, unit + 1)];
  });
};

/**
 * Money taken before handover prints the calculated rate; the closing prints
 * the sale rate. A prepayment lists marked goods without codes: the codes are
 * scanned at packing and a prepayment receipt (1214 = 1..3) carries none;
 * the settlement receipt does (REC-6).
 */
const prepaidItem = (line: ReceiptLine): ReceiptItem => lineItem(line, line.quantity, 1, CALCULATED_VAT[line.vat]);

/**
 * REC-6 (issue 9.5): the settlement lists a marked line as one position per
 * unit, quantity 1, with that unit's code (tag 2000); other lines as one
 * position. A marked line without a code for every unit cannot be settled.
 */
const settledItems = (line: ReceiptLine, method: PaymentMethodTag): readonly ReceiptItem[] =>
  isMarkedLine(line)
    ? unitCodesOf(line).map((code) => lineItem(line, 1, method, SALE_VAT[line.vat], code))
    : [lineItem(line, line.quantity, method, SALE_VAT[line.vat])];

const codesMissing = (ctx: Context, lines: readonly ReceiptLine[]): DomainError | undefined => {
  const missing = lines
    .filter((line) => isMarkedLine(line) && unitCodesOf(line).length !== line.quantity)
    .map((line) => ({ lineId: line.lineId, quantity: line.quantity, codes: unitCodesOf(line).length }));
  if (missing.length === 0) return undefined;
  return domainError(
    'marking-codes-missing',
    `order ${ctx.orderId}: the closing receipt lists every marked unit with its code (REC-6), but ` +
      missing.map((m) => `line ${m.lineId} has ${m.codes} of ${m.quantity}`).join(', ') +
      ': record the codes scanned at packing (RecordComposition lines[].markingCodes) first',
    { missing },
  );
};

const moneyItem = (name: string, amount: Money, vat: VatCode, method: PaymentMethodTag): ReceiptItem => ({
  name,
  quantity: 1,
  unit: 'шт',
  price: amount,
  amount,
  vat,
  subject: 'payment',
  paymentMethod: method,
});

const paymentsOf = (
  currency: string,
  parts: Partial<Readonly<Record<keyof ReceiptPayments, number>>>,
): ReceiptPayments => ({
  cash: money(parts.cash ?? 0, currency),
  electronic: money(parts.electronic ?? 0, currency),
  prepayment: money(parts.prepayment ?? 0, currency),
  credit: money(parts.credit ?? 0, currency),
});

const receipt = (
  ctx: Context,
  cause: ReceiptCause,
  role: string,
  kind: ReceiptKind,
  operation: Operation,
  items: readonly ReceiptItem[],
  payments: ReceiptPayments,
  offsets: readonly Offset[] = [],
): Receipt => ({
  receiptId: receiptIdFor(ctx.orderId, cause, role),
  orderId: ctx.orderId,
  kind,
  operation,
  paymentMethod: KIND_TAG[kind],
  items,
  total: money(
    items.reduce((sum, item) => sum + item.amount.amount, 0),
    ctx.currency,
  ),
  payments,
  offsets,
  cause,
  issuedAt: ctx.at,
});

/** An advance: money in, no goods listed, one "advance" position (REC-2, REC-3). */
const advance = (ctx: Context, cause: ReceiptCause, role: string, fresh: NewMoney): Receipt =>
  receipt(
    ctx,
    cause,
    role,
    'advance',
    'income',
    [moneyItem(ADVANCE_ITEM_NAME, money(fresh.amount, ctx.currency), advanceVatOf(ctx.state), KIND_TAG.advance)],
    paymentsOf(ctx.currency, { [fresh.means]: fresh.amount }),
  );

/** Take `amount` from outstanding entries in the given order. */
const allocate = (entries: readonly Outstanding[], amount: number, currency: string): Offset[] => {
  const offsets: Offset[] = [];
  let left = amount;
  for (const entry of entries) {
    if (left === 0) break;
    const take = Math.min(entry.remaining, left);
    if (take > 0) offsets.push({ receiptId: entry.receiptId, amount: money(take, currency) });
    left -= take;
  }
  return offsets;
};

/**
 * Hand the goods over (REC-5): money taken now is receipted as an advance
 * when earlier advances exist (the seed's "advance for the difference"), then
 * the closing receipt lists the final composition and offsets every earlier
 * advance and prepayment. With nothing prepaid, money taken now (courier,
 * store, a licence paid online) goes straight onto the closing receipt with
 * its own payment type. What is still unpaid is left on credit (tag 1214 = 5 or 6).
 */
const settle = (ctx: Context, cause: ReceiptCause, fresh?: NewMoney): E.Either<DomainError, readonly Receipt[]> => {
  const { state, currency } = ctx;
  const lines = openLines(state);
  if (state.lines.length === 0)
    return E.left(domainError('empty-composition', `order ${ctx.orderId} has no lines to hand over`));
  // Everything came back (or was settled early) before the closing moment: no goods left to close on.
  if (lines.length === 0) return E.right(fresh === undefined ? [] : [advance(ctx, cause, 'advance', fresh)]);
  const missing = codesMissing(ctx, lines);
  if (missing !== undefined) return E.left(missing);
  const goods = goodsTotal(lines);
  const outstanding: Outstanding[] = state.outstanding.map((entry) => ({ ...entry }));
  const issued: Receipt[] = [];
  let direct = 0;
  if (fresh !== undefined) {
    if (outstandingTotal(state) === 0 && fresh.amount <= goods) direct = fresh.amount;
    else {
      const first = advance(ctx, cause, 'advance', fresh);
      issued.push(first);
      outstanding.push({ receiptId: first.receiptId, remaining: fresh.amount });
    }
  }
  const toOffset = Math.min(outstandingTotal({ outstanding }), goods - direct);
  const credit = goods - direct - toOffset;
  const kind: ReceiptKind =
    credit === 0 ? 'full-settlement' : direct + toOffset === 0 ? 'credit-handover' : 'partial-settlement-credit';
  const method = KIND_TAG[kind];
  issued.push(
    receipt(
      ctx,
      cause,
      'closing',
      kind,
      'income',
      lines.flatMap((line) => settledItems(line, method)),
      paymentsOf(currency, {
        ...(fresh === undefined || direct === 0 ? {} : { [fresh.means]: direct }),
        prepayment: toOffset,
        credit,
      }),
      allocate(outstanding, toOffset, currency),
    ),
  );
  return E.right(issued);
};

const checkCurrency = (ctx: Context, amount: Money): E.Either<DomainError, void> =>
  amount.currency === ctx.currency
    ? E.right(undefined)
    : E.left(
        domainError('currency-mismatch', `order ${ctx.orderId} is in ${ctx.currency}, got ${amount.currency}`, {
          expected: ctx.currency,
          got: amount.currency,
        }),
      );

const checkNew = (ctx: Context, kind: string, id: string): E.Either<DomainError, void> => {
  const earlier = ctx.state.causes[causeKey(kind, id)];
  return earlier === undefined
    ? E.right(undefined)
    : E.left(
        domainError('duplicate-movement', `${kind} ${id} of order ${ctx.orderId} was already receipted`, {
          receiptIds: earlier,
        }),
      );
};

const isDigitalOnly = (lines: readonly ReceiptLine[]): boolean =>
  lines.length > 0 && lines.every((line) => line.kind === 'digital');

const onPayment = (ctx: Context, fact: PaymentFact): E.Either<DomainError, readonly Receipt[]> => {
  const { state, currency } = ctx;
  const cause: ReceiptCause = { kind: 'payment', id: fact.movementId };
  const fresh: NewMoney = { amount: fact.amount.amount, means: fact.means };
  if (isClosed(state)) {
    // After settlement: money first repays the credit (tag 1214 = 7); any excess is a refundable advance.
    const repay = Math.min(fresh.amount, state.credit);
    const excess = fresh.amount - repay;
    const out: Receipt[] = [];
    if (repay > 0)
      out.push(
        receipt(
          ctx,
          cause,
          'credit-repayment',
          'credit-repayment',
          'income',
          [
            moneyItem(
              CREDIT_REPAYMENT_ITEM_NAME,
              money(repay, currency),
              SALE_VAT[advanceVatOf(state)],
              KIND_TAG['credit-repayment'],
            ),
          ],
          paymentsOf(currency, { [fresh.means]: repay }),
        ),
      );
    if (excess > 0) out.push(advance(ctx, cause, 'advance', { amount: excess, means: fresh.means }));
    return E.right(out);
  }
  // Courier and store hand the goods over as they take the money.
  if (fact.channel === 'courier' || fact.channel === 'store') return settle(ctx, cause, fresh);
  const lines = openLines(state);
  const goods = goodsTotal(lines);
  const prior = outstandingTotal(state);
  const paidInFull = prior + fresh.amount >= goods;
  // REC-4: licences are delivered right after payment, so the payment settles at once.
  if (state.config.digitalSettlesOnPayment && isDigitalOnly(lines) && paidInFull) return settle(ctx, cause, fresh);
  // REC-4 in a mixed order: the digital lines settle now, the rest is prepaid until its own handover.
  if (state.config.digitalSettlesOnPayment && paidInFull && lines.some((line) => line.kind === 'digital'))
    return E.right(settleDigital(ctx, cause, fresh, lines));
  return E.right([prepaid(ctx, cause, fresh, lines)]);
};

/** REC-3: equal to the goods total, nothing prepaid, unchanged since the last receipt -> 100% prepayment; else an advance. */
const prepaid = (ctx: Context, cause: ReceiptCause, fresh: NewMoney, lines: readonly ReceiptLine[]): Receipt => {
  const { state, currency } = ctx;
  const full =
    fresh.amount === goodsTotal(lines) &&
    outstandingTotal(state) === 0 &&
    !state.changedAfterReceipt &&
    lines.length > 0;
  return full
    ? receipt(
        ctx,
        cause,
        'prepayment',
        'prepayment',
        'income',
        lines.map(prepaidItem),
        paymentsOf(currency, { [fresh.means]: fresh.amount }),
      )
    : advance(ctx, cause, 'advance', fresh);
};

/**
 * REC-4, mixed order (issue 9.7): the payment that pays the order in full
 * settles its digital lines at once (a full-settlement receipt for them
 * only, `partial`: it does not close the order), paid with the new money
 * first and earlier advances for the rest; what is left of the new money
 * prepays the other lines (REC-3), whose closing receipt follows their handover.
 */
const settleDigital = (
  ctx: Context,
  cause: ReceiptCause,
  fresh: NewMoney,
  lines: readonly ReceiptLine[],
): readonly Receipt[] => {
  const { state, currency } = ctx;
  const digital = lines.filter((line) => line.kind === 'digital');
  const rest = lines.filter((line) => line.kind !== 'digital');
  const digitalTotal = goodsTotal(digital);
  const direct = Math.min(fresh.amount, digitalTotal);
  const fromAdvances = digitalTotal - direct;
  const method = KIND_TAG['full-settlement'];
  const settled = receipt(
    ctx,
    cause,
    PARTIAL_ROLE,
    'full-settlement',
    'income',
    digital.map((line) => lineItem(line, line.quantity, method, SALE_VAT[line.vat])),
    paymentsOf(currency, { ...(direct === 0 ? {} : { [fresh.means]: direct }), prepayment: fromAdvances }),
    allocate(state.outstanding, fromAdvances, currency),
  );
  const left = fresh.amount - direct;
  if (left === 0) return [settled];
  // The rest prepays the other lines: a prepayment when it is exactly their total and nothing was prepaid before.
  return [settled, prepaid(ctx, cause, { amount: left, means: fresh.means }, rest)];
};

/** Give money back from outstanding advances, newest first (REC-7). */
const returnAdvance = (
  ctx: Context,
  fact: RefundFact,
  cause: ReceiptCause,
  amount: Money = fact.amount,
  role = 'return',
): Receipt => {
  const { state, currency } = ctx;
  const offsets = allocate([...state.outstanding].reverse(), amount.amount, currency);
  const only = offsets.length === 1 ? offsets[0] : undefined;
  const returned = only === undefined ? undefined : state.receipts[only.receiptId]?.receipt;
  // Returning one whole 100% prepayment mirrors it, items and all.
  if (
    only !== undefined &&
    returned !== undefined &&
    returned.kind === 'prepayment' &&
    returned.total.amount === only.amount.amount
  )
    return receipt(
      ctx,
      cause,
      role,
      'prepayment',
      'income-return',
      returned.items,
      paymentsOf(currency, { [fact.means]: amount.amount }),
      offsets,
    );
  return receipt(
    ctx,
    cause,
    role,
    'advance',
    'income-return',
    [moneyItem(ADVANCE_ITEM_NAME, amount, advanceVatOf(state), KIND_TAG.advance)],
    paymentsOf(currency, { [fact.means]: amount.amount }),
    offsets,
  );
};

/**
 * REC-6 (issue 9.5): the marked units that came back, by their codes: one per
 * unit returned, each one this line settled, none returned before.
 */
const returnedMarked = (
  ctx: Context,
  line: ReceiptLine,
  quantity: number,
  codes: readonly string[],
): E.Either<DomainError, readonly ReceiptItem[]> => {
  const { lineId } = line;
  if (codes.length !== quantity)
    return E.left(
      domainError(
        'marking-codes-required',
        `line ${lineId} is marked goods: the return names the code of each unit that came back, ` +
          `${quantity} for the ${quantity} returned, got ${codes.length} (REC-6)`,
        { lineId, quantity, codes: codes.length },
      ),
    );
  const sold = unitCodesOf(line);
  const back = new Set(ctx.state.returnedCodes?.[lineId] ?? []);
  const items: ReceiptItem[] = [];
  for (const code of codes) {
    if (!sold.includes(code))
      return E.left(
        domainError('unknown-marking-code', `line ${lineId}: no unit with marking code ${code} was settled`, {
          lineId,
          code,
        }),
      );
    if (back.has(code))
      return E.left(
        domainError(
          'marking-code-returned',
          `line ${lineId}: the unit with marking code ${code} was already returned`,
          {
            lineId,
            code,
          },
        ),
      );
    back.add(code);
    items.push(lineItem(line, 1, KIND_TAG['full-settlement'], SALE_VAT[line.vat], code));
  }
  return E.right(items);
};

/**
 * The goods a return names, as positions (tag 1214 = 4; marked units one by
 * one, by code): each line known, never more than is left to return, a
 * marked line's units named by codes not returned before (REC-6, REC-7).
 * Before the closing receipt (`beforeClosing`, REC-8) only the codes are
 * checked, so the closing receipt leaves out exactly the units that came back.
 */
const returnedItems = (
  ctx: Context,
  returnedLines: NonNullable<RefundFact['lines']>,
  beforeClosing = false,
): E.Either<DomainError, readonly ReceiptItem[]> => {
  const { state } = ctx;
  const wanted = new Map<string, { quantity: number; codes: string[] }>();
  for (const entry of returnedLines) {
    const sum = wanted.get(entry.lineId) ?? { quantity: 0, codes: [] };
    sum.quantity += entry.quantity;
    sum.codes.push(...(entry.markingCodes ?? []));
    wanted.set(entry.lineId, sum);
  }
  const items: ReceiptItem[] = [];
  for (const [lineId, { quantity, codes }] of wanted) {
    const line = state.lines.find((candidate) => candidate.lineId === lineId);
    if (line === undefined && beforeClosing) continue;
    if (line === undefined)
      return E.left(domainError('unknown-line', `order ${ctx.orderId} has no line ${lineId}`, { lineId }));
    const left = line.quantity - (state.returnedQuantities[lineId] ?? 0);
    // Before the closing receipt neither lines nor counts are checked: money refunded, reversed and refunded again names
    // the same goods twice (issue 9.3), and a refund is a fact; the closing receipt leaves them out either way.
    if (quantity > left && !beforeClosing)
      return E.left(
        domainError('return-exceeds-sold', `line ${lineId}: ${quantity} returned but only ${left} left to return`, {
          lineId,
          quantity,
          left,
        }),
      );
    // Before the closing receipt a marked line not yet packed has no codes to name.
    if (isMarkedLine(line) && beforeClosing && codes.length === 0 && unitCodesOf(line).length === 0)
      items.push(lineItem(line, quantity, KIND_TAG['full-settlement'], SALE_VAT[line.vat]));
    else if (isMarkedLine(line)) {
      const marked = returnedMarked(ctx, line, quantity, codes);
      if (E.isLeft(marked)) return marked;
      items.push(...marked.right);
    } else if (codes.length > 0)
      return E.left(
        domainError('not-marked', `line ${lineId} is not marked goods: its units carry no marking codes`, { lineId }),
      );
    else items.push(lineItem(line, quantity, KIND_TAG['full-settlement'], SALE_VAT[line.vat]));
  }
  return E.right(items);
};

/** After settlement, goods come back: the return lists them, as settled; marked units by code. */
const returnGoods = (
  ctx: Context,
  fact: RefundFact,
  cause: ReceiptCause,
  returnedLines: NonNullable<RefundFact['lines']>,
): E.Either<DomainError, Receipt> => {
  const { currency } = ctx;
  const returned = returnedItems(ctx, returnedLines);
  if (E.isLeft(returned)) return returned;
  const value = returned.right.reduce((sum, item) => sum + item.amount.amount, 0);
  // Issue 9: less money than the goods are worth prices them pro rata; more is `refundOwed`'s (beyond the goods).
  const items = value > fact.amount.amount ? proRata(returned.right, fact.amount.amount) : returned.right;
  const total = items.reduce((sum, item) => sum + item.amount.amount, 0);
  if (total !== fact.amount.amount)
    return E.left(
      domainError(
        'refund-amount-mismatch',
        `refund ${fact.movementId} is ${fact.amount.amount} but the returned items total ${total}`,
        { refund: fact.amount.amount, items: total },
      ),
    );
  return E.right(
    receipt(
      ctx,
      cause,
      'return',
      'full-settlement',
      'income-return',
      items,
      paymentsOf(currency, { [fact.means]: total }),
    ),
  );
};

/**
 * REC-4, REC-7: before the closing receipt, goods come back of which some
 * units were settled at payment: those units are an income return of settled
 * goods (1214 = 4) worth exactly their price; the rest of the money returns
 * the advance (REC-7), for the units not settled yet (which the closing
 * receipt then leaves out, see the decider). Two receipts for one refund.
 */
const returnSettledEarly = (
  ctx: Context,
  fact: RefundFact,
  cause: ReceiptCause,
  split: EarlyReturn,
): E.Either<DomainError, readonly Receipt[]> => {
  if (split.open.length === 0)
    return E.map((single: Receipt) => [single])(returnGoods(ctx, fact, cause, split.settled));
  const settledItems = returnedItems(ctx, split.settled);
  if (E.isLeft(settledItems)) return settledItems;
  const openItems = returnedItems(ctx, split.open, true);
  if (E.isLeft(openItems)) return openItems;
  const settledValue = settledItems.right.reduce((sum, item) => sum + item.amount.amount, 0);
  // Issue 9: less money than the settled units are worth returns them pro rata, and no advance.
  const goodsItems =
    settledValue > fact.amount.amount ? proRata(settledItems.right, fact.amount.amount) : settledItems.right;
  const settledTotal = goodsItems.reduce((sum, item) => sum + item.amount.amount, 0);
  const rest = fact.amount.amount - settledTotal;
  const goods = receipt(
    ctx,
    cause,
    'return',
    'full-settlement',
    'income-return',
    goodsItems,
    paymentsOf(ctx.currency, { [fact.means]: settledTotal }),
  );
  if (rest === 0) return E.right([goods]);
  return E.right([goods, returnAdvance(ctx, fact, cause, money(rest, ctx.currency), 'advance-return')]);
};

/**
 * Issue 9: what a refund owes, and the part of its money recorded with no
 * receipt until an admin names its goods (`unassigned`, `RefundGoodsUnassigned`).
 */
type Owed = Readonly<{ receipts: readonly Receipt[]; unassigned: number }>;

const receiptsOnly = (receipts: readonly Receipt[]): Owed => ({ receipts, unassigned: 0 });

const onRefund = (ctx: Context, fact: RefundFact): E.Either<DomainError, Owed> => {
  const { state } = ctx;
  const cause: ReceiptCause = { kind: 'refund', id: fact.movementId };
  // A refund beyond the money received never reaches here (refundOwed caps it, issue 9).
  const outstanding = outstandingTotal(state);
  // REC-4: units settled at payment come back as settled goods, even before the closing receipt.
  if (!isClosed(state) && fact.lines !== undefined && fact.lines.length > 0) {
    const split = splitEarlyReturn(state, fact.lines);
    if (split.settled.length > 0) return E.map(receiptsOnly)(returnSettledEarly(ctx, fact, cause, split));
  }
  // Before handover every refund returns the advance (REC-7); returned goods leave the closing receipt (decider),
  // so a marked unit is named by its code, once, as after it (REC-6): else the closing receipt could never list them.
  if (!isClosed(state)) {
    const returned = fact.lines === undefined ? E.right([]) : returnedItems(ctx, fact.lines, true);
    return E.isLeft(returned) ? returned : E.right(receiptsOnly([returnAdvance(ctx, fact, cause)]));
  }
  if (fact.lines !== undefined && fact.lines.length > 0)
    return E.map((single: Receipt) => receiptsOnly([single]))(returnGoods(ctx, fact, cause, fact.lines));
  if (fact.amount.amount <= outstanding) return E.right(receiptsOnly([returnAdvance(ctx, fact, cause)]));
  // Issue 9 (PAY-5, REC-7): after the closing receipt, a refund naming no goods (a provider or dashboard refund)
  // returns the advances not offset; which goods the rest returned decides the return receipt's items, and we never
  // guess them: that money is recorded unassigned until an admin names them (`AssignRefundGoods`), up to the goods
  // still with the customer (beyond them no return receipt may go: `refundOwed` records it unreceipted).
  const back = outstanding;
  const unassigned = Math.min(fact.amount.amount - back, Math.max(0, goodsLeft(state) - openUnassigned(state)));
  const receipts = back === 0 ? [] : [returnAdvance(ctx, fact, cause, money(back, ctx.currency))];
  return E.right({ receipts, unassigned });
};

/**
 * Issue 9 (PAY-5, REC-7): what a refund owes. A refund is a fact (the
 * provider gave the money back), so it is never refused for its size. 54-FZ
 * lets a return receipt (1054 = 2) give back only what a settlement took in:
 * money received for this order and not returned yet (`net`), and, for
 * goods named after the closing receipt, what was received for those goods
 * (their settled value). Within that, the receipts are the usual ones (REC-7).
 * Beyond it (a provider that refunded twice, a dashboard refund on top of
 * the shop's, a chargeback lost after a refund), the receipted part is the
 * largest of: the whole `net` as the refund names it; the returned goods at
 * their value; the money alone (an advance return, after the closing receipt
 * only as far as advances are not offset). The rest is `unreceipted`: no
 * receipt returns money that no receipt took in; it is recorded and shown to
 * admins (`unreceiptedRefund`) until new money puts it right (`paymentOwed`).
 */
export type RefundOwed = Readonly<{ receipts: readonly Receipt[]; unreceipted: number; unassigned: number }>;

const refundedNow = (receipts: readonly Receipt[]): number =>
  receipts.reduce((sum, receipt) => sum + receipt.payments.cash.amount + receipt.payments.electronic.amount, 0);

const overRefund = (ctx: Context, fact: RefundFact, net: number): E.Either<DomainError, RefundOwed> => {
  const { state } = ctx;
  // The goods it names must be goods that can come back (known lines, codes sold and not returned yet, REC-6).
  if (fact.lines !== undefined && fact.lines.length > 0) {
    const named = returnedItems(ctx, fact.lines, !isClosed(state));
    if (E.isLeft(named)) return named;
  }
  const attempt = (amount: number, withLines: boolean): Owed | undefined => {
    if (amount <= 0) return undefined;
    const capped: RefundFact =
      withLines && fact.lines !== undefined
        ? { ...fact, amount: money(amount, ctx.currency) }
        : { kind: 'refund', movementId: fact.movementId, means: fact.means, amount: money(amount, ctx.currency) };
    const owed = onRefund(ctx, capped);
    return E.isRight(owed) ? owed.right : undefined;
  };
  const goodsValue = (): number => {
    if (fact.lines === undefined || fact.lines.length === 0 || !isClosed(state)) return 0;
    const items = returnedItems(ctx, fact.lines);
    return E.isLeft(items) ? 0 : items.right.reduce((sum, item) => sum + item.amount.amount, 0);
  };
  const value = goodsValue();
  const cap = Math.min(net, fact.amount.amount);
  // The goods at their value, and what is left of the money received as a return of advances not offset (REC-7).
  const goodsThenAdvance = (): Owed | undefined => {
    const goods = value > 0 && value <= cap ? attempt(value, true) : undefined;
    if (goods === undefined) return undefined;
    const rest = Math.min(cap - value, outstandingTotal(state));
    if (rest <= 0) return goods;
    const cause: ReceiptCause = { kind: 'refund', id: fact.movementId };
    return receiptsOnly([
      ...goods.receipts,
      returnAdvance(ctx, fact, cause, money(rest, ctx.currency), 'advance-return'),
    ]);
  };
  const { receipts, unassigned } = attempt(cap, true) ??
    goodsThenAdvance() ??
    attempt(isClosed(state) ? Math.min(cap, outstandingTotal(state)) : cap, false) ?? { receipts: [], unassigned: 0 };
  return E.right({ receipts, unassigned, unreceipted: fact.amount.amount - refundedNow(receipts) - unassigned });
};

/** After the closing receipt, a refund naming goods worth less than it gave back (REC-7, issue 9). */
const beyondGoods = (ctx: Context, fact: RefundFact): boolean => {
  if (!isClosed(ctx.state) || fact.lines === undefined || fact.lines.length === 0) return false;
  const items = returnedItems(ctx, fact.lines);
  return E.isRight(items) && items.right.reduce((sum, item) => sum + item.amount.amount, 0) < fact.amount.amount;
};

/** Which receipts a refund owes and the part no receipt may cover (issue 9): never a refusal for its size. */
export const refundOwed = (state: ReceiptsState, fact: RefundFact, at: string): E.Either<DomainError, RefundOwed> => {
  if (state.orderId === null || state.currency === null)
    return E.left(domainError('unknown-order', 'no composition was recorded for this order yet'));
  const ctx: Context = { state, orderId: state.orderId, currency: state.currency, at };
  const checked = E.flatMap(checkNew(ctx, 'refund', fact.movementId), () => checkCurrency(ctx, fact.amount));
  if (E.isLeft(checked)) return checked;
  // Money refunded unassigned (issue 9) went back already, though no receipt returned it yet.
  const net = Math.max(0, state.received - state.returned - openUnassigned(state));
  if (fact.amount.amount > net || beyondGoods(ctx, fact)) return overRefund(ctx, fact, net);
  return E.map(({ receipts, unassigned }: Owed): RefundOwed => ({
    receipts,
    unassigned,
    unreceipted: fact.amount.amount - refundedNow(receipts) - unassigned,
  }))(onRefund(ctx, fact));
};

/**
 * Issue 9 (PAY-5, REC-7): an admin names the goods a refund returned with no
 * goods named (`RefundGoodsUnassigned`): the income return (1054 = 2,
 * 1214 = 4) lists them for exactly that refund's money, priced pro rata when
 * they are worth more. Refused, as a request may be: a movement with no
 * unassigned money (`unknown-movement`) or assigned already
 * (`already-assigned`), a line the order does not have (`unknown-line`),
 * more units than were settled and not returned yet (`return-exceeds-sold`),
 * a marked unit without its code (REC-6). Goods worth less than the money
 * left return at their value (a receipt never prices goods above their sale
 * price) and the rest stays unassigned, for another assignment.
 */
export const assignedReturn = (
  state: ReceiptsState,
  movementId: string,
  lines: NonNullable<RefundFact['lines']>,
  at: string,
): E.Either<DomainError, Receipt> => {
  if (state.orderId === null || state.currency === null)
    return E.left(domainError('unknown-order', 'no composition was recorded for this order yet'));
  const ctx: Context = { state, orderId: state.orderId, currency: state.currency, at };
  const open = state.unassignedRefunds?.[movementId];
  if (open === undefined)
    return E.left(
      domainError('unknown-movement', `order ${ctx.orderId} has no refund ${movementId} waiting for its goods`, {
        movementId,
      }),
    );
  const left = unassignedLeft(open);
  if (left === 0)
    return E.left(
      domainError(
        'already-assigned',
        `refund ${movementId} of order ${ctx.orderId} has nothing left to assign: its goods were named ` +
          `(${open.receiptIds.join(', ') || 'none'}) or its money came back`,
        { movementId, receiptIds: open.receiptIds },
      ),
    );
  const named = returnedItems(ctx, lines);
  if (E.isLeft(named)) return named;
  const value = named.right.reduce((sum, item) => sum + item.amount.amount, 0);
  // Goods worth less than the money left return at their value; the rest waits for more goods.
  const amount = Math.min(value, left);
  if (amount === 0)
    return E.left(
      domainError('goods-worth-nothing', `the goods named for refund ${movementId} were settled at 0: name others`, {
        movementId,
      }),
    );
  return E.right(
    receipt(
      ctx,
      { kind: 'refund', id: movementId },
      `assigned-return-${open.receiptIds.length + 1}`,
      'full-settlement',
      'income-return',
      proRata(named.right, amount),
      paymentsOf(ctx.currency, { [open.means]: amount }),
    ),
  );
};

/**
 * Issue 9: money that comes in while part of a refund is unreceipted (the
 * customer pays back what the provider gave twice, the provider reverses
 * that refund) first puts that part right, without a receipt: no receipt
 * took it in when it went out. The rest is receipted as any payment (REC-1).
 */
export type PaymentOwed = Readonly<{
  receipts: readonly Receipt[];
  repaid: number;
  /** Issue 9: of the money, what reverses the unassigned refund it names (`reverses`): no receipt. */
  unassignedBack: number;
}>;

/**
 * Issue 9: a reversal of a refund recorded unassigned (`fact.reverses`) puts
 * that money back with no receipt, as none returned it and no goods came
 * back for it; the rest of the money is any payment's (`paymentOwed`).
 */
export const reversalOwed = (
  state: ReceiptsState,
  fact: PaymentFact,
  at: string,
): E.Either<DomainError, PaymentOwed> => {
  const entry = fact.reverses === undefined ? undefined : state.unassignedRefunds?.[fact.reverses];
  const back = entry === undefined ? 0 : Math.min(unassignedLeft(entry), fact.amount.amount);
  if (back === 0 || state.orderId === null || state.currency === null) return paymentOwed(state, fact, at);
  const ctx: Context = { state, orderId: state.orderId, currency: state.currency, at };
  const checked = E.flatMap(checkNew(ctx, 'payment', fact.movementId), () => checkCurrency(ctx, fact.amount));
  if (E.isLeft(checked)) return checked;
  const rest = fact.amount.amount - back;
  if (rest === 0) return E.right({ receipts: [], repaid: 0, unassignedBack: back });
  return E.map((owed: PaymentOwed): PaymentOwed => ({ ...owed, unassignedBack: back }))(
    paymentOwed(state, { ...fact, amount: money(rest, ctx.currency) }, at, true),
  );
};

export const paymentOwed = (
  state: ReceiptsState,
  fact: PaymentFact,
  at: string,
  checkedAlready = false,
): E.Either<DomainError, PaymentOwed> => {
  const open = state.unreceiptedRefund ?? 0;
  if (open === 0 || state.orderId === null || state.currency === null)
    return E.map((receipts: readonly Receipt[]): PaymentOwed => ({ receipts, repaid: 0, unassignedBack: 0 }))(
      checkedAlready && state.orderId !== null && state.currency !== null
        ? onPayment({ state, orderId: state.orderId, currency: state.currency, at }, fact)
        : receiptsOwed(state, fact, at),
    );
  const ctx: Context = { state, orderId: state.orderId, currency: state.currency, at };
  const checked = checkedAlready
    ? E.right(undefined)
    : E.flatMap(checkNew(ctx, 'payment', fact.movementId), () => checkCurrency(ctx, fact.amount));
  if (E.isLeft(checked)) return checked;
  const repaid = Math.min(open, fact.amount.amount);
  const rest = fact.amount.amount - repaid;
  if (rest === 0) return E.right({ receipts: [], repaid, unassignedBack: 0 });
  return E.map((receipts: readonly Receipt[]): PaymentOwed => ({ receipts, repaid, unassignedBack: 0 }))(
    onPayment(ctx, { ...fact, amount: money(rest, ctx.currency) }),
  );
};

/** Is this handover the configured closing moment (REC-8)? */
const closesAt = (ctx: Context, fact: HandoverFact): boolean => {
  const closeOn = ctx.state.config.closeOn;
  switch (closeOn.trigger) {
    case 'shipment':
      return true;
    case 'delivery':
      return fact.stage === 'delivered';
    case 'date':
      return Date.parse(ctx.at) >= Date.parse(closeOn.at);
    case 'days-after-delivery':
      // The return window starts at delivery: the closing receipt waits for ReachClosingDate.
      return false;
  }
};

const onHandover = (ctx: Context, fact: HandoverFact): E.Either<DomainError, readonly Receipt[]> =>
  isClosed(ctx.state) || !closesAt(ctx, fact) ? E.right([]) : settle(ctx, { kind: 'handover', id: fact.handoverId });

const onDateReached = (ctx: Context, _fact: DateReachedFact): E.Either<DomainError, readonly Receipt[]> => {
  const closingDate = closingDateOf(ctx.state);
  if (closingDate === undefined || Date.parse(ctx.at) < Date.parse(closingDate)) return E.right([]);
  return settle(ctx, { kind: 'date', id: closingDate });
};

/** Which receipts a fact owes, in issue order; an error when the fact cannot be right. */
export const receiptsOwed = (
  state: ReceiptsState,
  fact: Fact,
  at: string,
): E.Either<DomainError, readonly Receipt[]> => {
  if (state.orderId === null || state.currency === null)
    return E.left(domainError('unknown-order', 'no composition was recorded for this order yet'));
  const ctx: Context = { state, orderId: state.orderId, currency: state.currency, at };
  switch (fact.kind) {
    case 'payment':
      return E.flatMap(
        E.flatMap(checkNew(ctx, 'payment', fact.movementId), () => checkCurrency(ctx, fact.amount)),
        () => onPayment(ctx, fact),
      );
    case 'refund':
      // The receipts only: the part beyond them is in `refundOwed`.
      return E.map((owed: RefundOwed) => owed.receipts)(refundOwed(state, fact, at));
    case 'handover':
      return E.flatMap(checkNew(ctx, 'handover', fact.handoverId), () => onHandover(ctx, fact));
    case 'date-reached':
      return onDateReached(ctx, fact);
  }
};
