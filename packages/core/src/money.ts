import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { SafeInt } from './codec.js';
import { isCurrency, minorUnitExponent } from './currencies.js';

/**
 * Money is an integer count of minor units plus an ISO 4217 currency
 * (`{ amount: 1999, currency: 'EUR' }` is 19.99 EUR). Never floats. Every
 * operation that could mix currencies or leave the safe-integer range returns
 * an error value instead of a wrong number.
 */
export type Money = Readonly<{ amount: number; currency: string }>;

export type MoneyError = Readonly<{
  kind: 'money';
  code: 'currency-mismatch' | 'overflow' | 'invalid-amount' | 'unknown-currency' | 'invalid-ratios';
  message: string;
}>;

const moneyError = (code: MoneyError['code'], message: string): MoneyError => ({ kind: 'money', code, message });

export const CurrencyCodec = new t.Type<string, string, unknown>(
  'Currency(ISO 4217)',
  isCurrency,
  (u, c) => (isCurrency(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const MoneyCodec: t.Type<Money, Money, unknown> = t.strict(
  { amount: SafeInt, currency: CurrencyCodec },
  'Money',
);

/** Money that may not be negative (prices, payments). */
export const NonNegativeMoneyCodec: t.Type<Money, Money, unknown> = t.strict(
  {
    amount: new t.Type<number, number, unknown>(
      'NonNegativeInteger',
      (u): u is number => SafeInt.is(u) && u >= 0,
      (u, c) => (SafeInt.is(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
      t.identity,
    ),
    currency: CurrencyCodec,
  },
  'NonNegativeMoney',
);

/** Money that must be above zero (a capture, a refund). */
export const PositiveMoneyCodec: t.Type<Money, Money, unknown> = t.strict(
  {
    amount: new t.Type<number, number, unknown>(
      'PositiveInteger',
      (u): u is number => SafeInt.is(u) && u > 0,
      (u, c) => (SafeInt.is(u) && u > 0 ? t.success(u) : t.failure(u, c)),
      t.identity,
    ),
    currency: CurrencyCodec,
  },
  'PositiveMoney',
);

export const of = (amount: number, currency: string): E.Either<MoneyError, Money> => {
  if (!isCurrency(currency))
    return E.left(moneyError('unknown-currency', `unknown currency ${JSON.stringify(currency)}`));
  if (!Number.isSafeInteger(amount))
    return E.left(moneyError('invalid-amount', `amount must be a safe integer of minor units, got ${amount}`));
  return E.right({ amount, currency });
};

/** Build money from trusted constants (tests, examples); throws on a bad literal. */
export const unsafe = (amount: number, currency: string): Money => {
  const result = of(amount, currency);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

export const zero = (currency: string): Money => ({ amount: 0, currency });

const checked = (amount: number, currency: string): E.Either<MoneyError, Money> =>
  Number.isSafeInteger(amount)
    ? E.right({ amount, currency })
    : E.left(moneyError('overflow', `result ${amount} is outside the safe integer range`));

const sameCurrency = (a: Money, b: Money): E.Either<MoneyError, string> =>
  a.currency === b.currency
    ? E.right(a.currency)
    : E.left(moneyError('currency-mismatch', `cannot combine ${a.currency} with ${b.currency}`));

export const add = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.flatMap(sameCurrency(a, b), (currency) => checked(a.amount + b.amount, currency));

export const subtract = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.flatMap(sameCurrency(a, b), (currency) => checked(a.amount - b.amount, currency));

/** Unit price times a quantity (integer). */
export const multiply = (a: Money, factor: number): E.Either<MoneyError, Money> =>
  Number.isSafeInteger(factor)
    ? checked(a.amount * factor, a.currency)
    : E.left(moneyError('invalid-amount', `factor must be an integer, got ${factor}`));

export const negate = (a: Money): Money => ({ amount: a.amount === 0 ? 0 : -a.amount, currency: a.currency });

/** Sum of a list in one currency; the empty list sums to zero of that currency. */
export const sum = (currency: string, items: readonly Money[]): E.Either<MoneyError, Money> => {
  let total = 0;
  for (const item of items) {
    if (item.currency !== currency)
      return E.left(moneyError('currency-mismatch', `cannot combine ${currency} with ${item.currency}`));
    total += item.amount;
    if (!Number.isSafeInteger(total)) return E.left(moneyError('overflow', `sum is outside the safe integer range`));
  }
  return E.right({ amount: total, currency });
};

/** -1, 0 or 1; an error when currencies differ. */
export const compare = (a: Money, b: Money): E.Either<MoneyError, -1 | 0 | 1> =>
  E.map((): -1 | 0 | 1 => (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0))(sameCurrency(a, b));

export const equals = (a: Money, b: Money): boolean => a.currency === b.currency && a.amount === b.amount;
export const isZero = (a: Money): boolean => a.amount === 0;
export const isPositive = (a: Money): boolean => a.amount > 0;
export const isNegative = (a: Money): boolean => a.amount < 0;
export const min = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.map((order: -1 | 0 | 1) => (order <= 0 ? a : b))(compare(a, b));

/**
 * Split money by integer ratios without losing a minor unit: each part gets
 * its floor share and the remainder goes, one unit at a time, to the parts
 * with the largest fractional remainders (ties to the earlier part).
 * allocate(100 EUR-cents, [1, 1, 1]) = [34, 33, 33]. Negative amounts split
 * symmetrically.
 */
export const allocate = (a: Money, ratios: readonly number[]): E.Either<MoneyError, Money[]> => {
  if (ratios.length === 0) return E.left(moneyError('invalid-ratios', 'allocate needs at least one ratio'));
  let total = 0;
  for (const ratio of ratios) {
    if (!Number.isSafeInteger(ratio) || ratio < 0)
      return E.left(moneyError('invalid-ratios', `ratios must be non-negative integers, got ${ratio}`));
    total += ratio;
  }
  if (total === 0 || !Number.isSafeInteger(total))
    return E.left(moneyError('invalid-ratios', 'ratios must add up to a positive safe integer'));
  const sign = a.amount < 0 ? -1 : 1;
  const amount = BigInt(Math.abs(a.amount));
  const bigTotal = BigInt(total);
  const shares = ratios.map((ratio) => (amount * BigInt(ratio)) / bigTotal);
  const remainders = ratios.map((ratio, index) => ({ index, rest: (amount * BigInt(ratio)) % bigTotal }));
  let left = amount - shares.reduce((acc, share) => acc + share, 0n);
  remainders.sort((x, y) => (y.rest > x.rest ? 1 : y.rest < x.rest ? -1 : x.index - y.index));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return E.right(shares.map((share) => ({ amount: sign * Number(share) || 0, currency: a.currency })));
};

/**
 * A percentage of money in basis points (2000 = 20%), rounded half away from
 * zero to the minor unit. Used for VAT included in a price.
 */
export const percentage = (a: Money, basisPoints: number): E.Either<MoneyError, Money> => {
  if (!Number.isSafeInteger(basisPoints))
    return E.left(moneyError('invalid-amount', `basis points must be an integer, got ${basisPoints}`));
  return checked(roundDiv(BigInt(a.amount) * BigInt(basisPoints), 10_000n), a.currency);
};

/** Tax included in a gross amount at a rate in basis points: gross * r / (10000 + r). */
export const includedTax = (gross: Money, basisPoints: number): E.Either<MoneyError, Money> => {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0)
    return E.left(moneyError('invalid-amount', `basis points must be a non-negative integer, got ${basisPoints}`));
  return checked(roundDiv(BigInt(gross.amount) * BigInt(basisPoints), 10_000n + BigInt(basisPoints)), gross.currency);
};

const roundDiv = (numerator: bigint, denominator: bigint): number => {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (2n * d);
  return Number(negative ? -quotient : quotient);
};

/** "19.99 EUR", "1 500 JPY" is left to the UI; this is the plain, exact form. */
export const format = (a: Money): string => {
  const exponent = minorUnitExponent(a.currency) ?? 2;
  const negative = a.amount < 0;
  const digits = Math.abs(a.amount)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction} ${a.currency}`;
};
