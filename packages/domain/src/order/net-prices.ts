import { domainError, money, type DomainError, type Money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';

/**
 * What each line (and the shipping) really costs once the order discount is
 * spread over them by value. 54-FZ receipts print these prices, and a return
 * of goods gives back exactly what the customer paid for them (PAY-5, REC-7),
 * so the order decider and the receipts adapter both price returns here.
 */

export type NetTotals = Readonly<{ lines: readonly number[]; shipping: number }>;

type Priced = Readonly<{ unitPrice: Money; qty: number }>;

/**
 * Net totals of the lines (in order) and of the shipping. The discount is
 * allocated by value over the lines and, when there is one, the shipping fee;
 * no minor unit is lost or invented. Every gross total and their sum must be a
 * safe integer (issue 8.6), or the answer is a refusal naming the input.
 */
export const netTotals = (
  currency: string,
  lines: readonly Priced[],
  shippingFee: number,
  discount: number,
): E.Either<DomainError, NetTotals> => {
  for (const [name, value] of [
    ['shippingFee', shippingFee],
    ['discount', discount],
  ] as const)
    if (!Number.isSafeInteger(value) || value < 0)
      return E.left(domainError('money', `${name}: must be a non-negative safe integer`, { path: name }));
  const gross: number[] = [];
  for (const [index, line] of lines.entries()) {
    const total = money.multiply(line.unitPrice, line.qty);
    if (E.isLeft(total))
      return E.left(domainError('money', `lines.${index}: ${total.left.message}`, { path: `lines.${index}` }));
    gross.push(total.right.amount);
  }
  if (shippingFee > 0) gross.push(shippingFee);
  let net = gross;
  if (discount > 0 && gross.length > 0) {
    const sum = money.sum(
      currency,
      gross.map((amount) => ({ amount, currency })),
    );
    if (E.isLeft(sum))
      return E.left(
        domainError('money', 'lines: the gross total must be within the safe integer range', { path: 'lines' }),
      );
    const shares = money.allocate(
      { amount: discount, currency },
      gross.map((total) => (sum.right.amount === 0 ? 1 : total)),
    );
    if (E.isLeft(shares)) return E.left(domainError('money', shares.left.message));
    net = gross.map((total, i) => total - (shares.right[i]?.amount ?? 0));
  }
  return E.right({ lines: net.slice(0, lines.length), shipping: shippingFee > 0 ? (net[lines.length] ?? 0) : 0 });
};

/**
 * Registers need whole-kopeck unit prices: a line whose net total does not
 * divide by its quantity is printed as `cheap` units at `unit` and `dear`
 * units at `unit + 1` (the latter as the `<lineId>~1` position).
 */
export type UnitSplit = Readonly<{ unit: number; cheap: number; dear: number }>;

export const unitSplit = (total: number, qty: number): UnitSplit => {
  const unit = Math.floor(total / qty);
  const dear = total - unit * qty;
  return { unit, cheap: qty - dear, dear };
};

/** The receipt position of a line's dearer units. */
export const dearLineId = (lineId: string): string => `${lineId}~1`;

/**
 * Units `from .. from + count - 1` of a split line, cheap units first: the
 * order every return follows, so the order decider and the receipts adapter
 * agree on the value of each return and on which positions it gives back.
 */
export const returnedUnits = (
  split: UnitSplit,
  from: number,
  count: number,
): Readonly<{ cheap: number; dear: number; value: number }> => {
  const cheap = Math.max(0, Math.min(from + count, split.cheap) - from);
  const dear = count - cheap;
  return { cheap, dear, value: cheap * split.unit + dear * (split.unit + 1) };
};
