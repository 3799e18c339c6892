import * as E from 'fp-ts/lib/Either.js';
import { domainError, money, type DomainError, type Money } from '@ordersource/core';
import type { OrderTotals } from './events.js';
import type { OrderLine } from './values.js';

/**
 * Order arithmetic: subtotal = sum of unitPrice x qty; total = subtotal +
 * shippingFee - discount (ORD-1). Everything in one currency; a total below
 * zero is refused.
 */

export const lineTotal = (line: Pick<OrderLine, 'unitPrice' | 'qty'>): E.Either<DomainError, Money> =>
  E.mapLeft((error: money.MoneyError) => domainError('money', error.message))(money.multiply(line.unitPrice, line.qty));

export const computeTotals = (
  currency: string,
  lines: readonly Pick<OrderLine, 'unitPrice' | 'qty'>[],
  shippingFee: Money,
  discount: Money,
): E.Either<DomainError, OrderTotals> => {
  const amounts: Money[] = [];
  for (const line of lines) {
    if (line.unitPrice.currency !== currency)
      return E.left(
        domainError('currency-mismatch', `line price is in ${line.unitPrice.currency}, the order in ${currency}`),
      );
    const total = lineTotal(line);
    if (E.isLeft(total)) return total;
    amounts.push(total.right);
  }
  if (shippingFee.currency !== currency || discount.currency !== currency)
    return E.left(domainError('currency-mismatch', `shipping fee and discount must be in ${currency}`));
  const subtotal = money.sum(currency, amounts);
  if (E.isLeft(subtotal)) return E.left(domainError('money', subtotal.left.message));
  const total = subtotal.right.amount + shippingFee.amount - discount.amount;
  if (!Number.isSafeInteger(total)) return E.left(domainError('money', 'order total is out of range'));
  if (total < 0)
    return E.left(
      domainError('negative-total', 'the discount is larger than subtotal plus shipping', {
        subtotal: subtotal.right.amount,
        shippingFee: shippingFee.amount,
        discount: discount.amount,
      }),
    );
  return E.right({ subtotal: subtotal.right, shippingFee, discount, total: { amount: total, currency } });
};
