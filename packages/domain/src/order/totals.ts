import * as E from 'fp-ts/lib/Either.js';
import { domainError, money, type DomainError, type Money } from '@ordersource/core';
import type { OrderTotals } from './events.js';
import type { OrderLine } from './values.js';

/**
 * Order arithmetic: subtotal = sum of unitPrice x qty; total = subtotal +
 * shippingFee - discount (ORD-1). Everything in one currency; a total below
 * zero is refused.
 *
 * Every intermediate value (each line total, each running subtotal, subtotal +
 * shippingFee, and the total) must be a safe integer (issue 8.6): floating-point
 * arithmetic beyond 2^53 rounds silently, so MAX_SAFE_INTEGER + 2 - 2 would give
 * 2^53 - 2 and accept a stated total that is one unit short of the true one.
 */

type Priced = Pick<OrderLine, 'unitPrice' | 'qty'>;

/** Subtotal and total, each intermediate checked; no sign rule (callers decide). */
export type CheckedTotals = Readonly<{ subtotal: Money; total: Money }>;

/**
 * A refusal names the input it comes from (`details.path`: `lines.3`,
 * `lines.3.unitPrice.currency`, `lines`, `shippingFee`, `discount`, ...) and
 * the rule that failed (`details.rule`), so a boundary can report it as an
 * issue of that field.
 */
const refusal = (code: string, path: string, rule: string): DomainError =>
  domainError(code, `${path}: ${rule}`, { path, rule });

const SAFE = 'within the safe integer range';

export const lineTotal = (line: Priced): E.Either<DomainError, Money> =>
  E.mapLeft((error: money.MoneyError) => domainError('money', error.message))(money.multiply(line.unitPrice, line.qty));

/**
 * Subtotal and total from the lines, the shipping fee and the discount, in
 * `currency`, refusing any intermediate outside the safe integer range. The
 * checkout's cross-field check and the order decider both compute here.
 */
export const orderTotals = (
  currency: string,
  lines: readonly Priced[],
  shippingFee: Money,
  discount: Money,
): E.Either<DomainError, CheckedTotals> => {
  let subtotal: Money = { amount: 0, currency };
  for (const [index, line] of lines.entries()) {
    if (line.unitPrice.currency !== currency)
      return E.left(
        refusal('currency-mismatch', `lines.${index}.unitPrice.currency`, `same currency as the order (${currency})`),
      );
    const total = money.multiply(line.unitPrice, line.qty);
    if (E.isLeft(total)) return E.left(refusal('money', `lines.${index}`, `unitPrice x qty ${SAFE}`));
    const running = money.add(subtotal, total.right);
    if (E.isLeft(running)) return E.left(refusal('money', 'lines', `subtotal ${SAFE}`));
    subtotal = running.right;
  }
  if (shippingFee.currency !== currency)
    return E.left(refusal('currency-mismatch', 'shippingFee.currency', `same currency as the order (${currency})`));
  if (discount.currency !== currency)
    return E.left(refusal('currency-mismatch', 'discount.currency', `same currency as the order (${currency})`));
  const withShipping = money.add(subtotal, shippingFee);
  if (E.isLeft(withShipping)) return E.left(refusal('money', 'shippingFee', `subtotal + shippingFee ${SAFE}`));
  const total = money.subtract(withShipping.right, discount);
  if (E.isLeft(total)) return E.left(refusal('money', 'discount', `subtotal + shippingFee - discount ${SAFE}`));
  return E.right({ subtotal, total: total.right });
};

export const computeTotals = (
  currency: string,
  lines: readonly Priced[],
  shippingFee: Money,
  discount: Money,
): E.Either<DomainError, OrderTotals> =>
  E.flatMap(orderTotals(currency, lines, shippingFee, discount), ({ subtotal, total }) =>
    total.amount < 0
      ? E.left(
          domainError('negative-total', 'the discount is larger than subtotal plus shipping', {
            subtotal: subtotal.amount,
            shippingFee: shippingFee.amount,
            discount: discount.amount,
          }),
        )
      : E.right({ subtotal, shippingFee, discount, total }),
  );
