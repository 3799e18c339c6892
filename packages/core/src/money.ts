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
  code:
    'currency-mismatch' | 'overflow' | 'invalid-amount' | 'unknown-currency' | 'invalid-ratios' | 'invalid-argument';
  /** Which argument broke the rule: `a`, `b.currency`, `items.3.amount`, `factor`, `ratios.2`, `result`. */
  argument: string;
  /** The rule it broke, e.g. "a safe integer of minor units". */
  rule: string;
  message: string;
}>;

// Arguments may be anything at run time (a BigInt, null, a 5 MB string, an
// object whose `toString` is not a function): describing one must not throw.
const show = (value: unknown): string => {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case 'undefined':
    case 'boolean':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
  }
};

/** `got` is what arrived, when there is one to show (a result that overflowed has none). */
const moneyError = (code: MoneyError['code'], argument: string, rule: string, ...got: [unknown?]): MoneyError => ({
  kind: 'money',
  code,
  argument,
  rule,
  message: `${argument}: must be ${rule}${got.length > 0 ? ` (got ${show(got[0])})` : ''}`,
});

const SAFE_AMOUNT = 'a safe integer of minor units';
const SAFE_RESULT = 'within the safe integer range';

/** A Money argument as it arrived: an object with a known currency and a safe integer amount. */
const valid = (value: unknown, argument: string): E.Either<MoneyError, Money> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return E.left(moneyError('invalid-argument', argument, 'money: { amount, currency }', value));
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  if (!isCurrency(currency))
    return E.left(moneyError('unknown-currency', `${argument}.currency`, 'an ISO 4217 currency code', currency));
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount))
    return E.left(moneyError('invalid-amount', `${argument}.amount`, SAFE_AMOUNT, amount));
  // A fresh value: no -0 (it equals 0 and JSON cannot carry it), no extra keys.
  return E.right({ amount: amount || 0, currency });
};

/** An integer parameter (factor, ratio, basis points): safe, and not -0 (a sign that means nothing). */
const integerArgument = (value: unknown, argument: string, rule: string, min?: number): E.Either<MoneyError, number> =>
  typeof value === 'number' &&
  Number.isSafeInteger(value) &&
  !Object.is(value, -0) &&
  (min === undefined || value >= min)
    ? E.right(value)
    : E.left(moneyError('invalid-amount', argument, rule, value));

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

/**
 * Every function below takes its arguments as they may arrive at run time, not
 * only as typed: anything that is not valid money (a float amount, NaN, an
 * unknown currency, null, a BigInt) gives a `Left` naming the argument and the
 * rule; nothing throws except `unsafe`, whose purpose is to. Results are
 * checked against the safe integer range and never -0.
 */

export const of = (amount: number, currency: string): E.Either<MoneyError, Money> => {
  if (!isCurrency(currency))
    return E.left(moneyError('unknown-currency', 'currency', 'an ISO 4217 currency code', currency));
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount))
    return E.left(moneyError('invalid-amount', 'amount', SAFE_AMOUNT, amount));
  return E.right({ amount: amount || 0, currency });
};

/** Build money from trusted constants (tests, examples); throws on a bad literal. */
export const unsafe = (amount: number, currency: string): Money => {
  const result = of(amount, currency);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

export const zero = (currency: string): E.Either<MoneyError, Money> => of(0, currency);

// `|| 0` turns a -0 result into 0: JSON cannot carry -0 and equality tests trip on it.
const checked = (amount: number, currency: string): E.Either<MoneyError, Money> =>
  Number.isSafeInteger(amount)
    ? E.right({ amount: amount || 0, currency })
    : E.left(moneyError('overflow', 'result', SAFE_RESULT));

/** Both arguments valid and in one currency. */
const pair = (a: unknown, b: unknown): E.Either<MoneyError, readonly [Money, Money]> => {
  const left = valid(a, 'a');
  if (E.isLeft(left)) return left;
  const right = valid(b, 'b');
  if (E.isLeft(right)) return right;
  return left.right.currency === right.right.currency
    ? E.right([left.right, right.right])
    : E.left(
        moneyError(
          'currency-mismatch',
          'b.currency',
          `the currency of a (${left.right.currency})`,
          right.right.currency,
        ),
      );
};

export const add = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.flatMap(pair(a, b), ([x, y]) => checked(x.amount + y.amount, x.currency));

export const subtract = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.flatMap(pair(a, b), ([x, y]) => checked(x.amount - y.amount, x.currency));

/** Unit price times a quantity (integer). */
export const multiply = (a: Money, factor: number): E.Either<MoneyError, Money> =>
  E.flatMap(valid(a, 'a'), (x) =>
    E.flatMap(integerArgument(factor, 'factor', 'a safe integer (not -0)'), (n) => checked(x.amount * n, x.currency)),
  );

export const negate = (a: Money): E.Either<MoneyError, Money> =>
  E.map((x: Money): Money => ({ amount: x.amount === 0 ? 0 : -x.amount, currency: x.currency }))(valid(a, 'a'));

/**
 * Sum of a list in one currency; the empty list sums to zero of that currency.
 * Every running total must stay in the safe range, not only the last.
 */
export const sum = (currency: string, items: readonly Money[]): E.Either<MoneyError, Money> => {
  if (!isCurrency(currency))
    return E.left(moneyError('unknown-currency', 'currency', 'an ISO 4217 currency code', currency));
  if (!Array.isArray(items)) return E.left(moneyError('invalid-argument', 'items', 'an array of money', items));
  let total = 0;
  for (let index = 0; index < items.length; index++) {
    const item = valid(items[index], `items.${index}`);
    if (E.isLeft(item)) return item;
    if (item.right.currency !== currency)
      return E.left(
        moneyError(
          'currency-mismatch',
          `items.${index}.currency`,
          `the currency of the sum (${currency})`,
          item.right.currency,
        ),
      );
    total += item.right.amount;
    if (!Number.isSafeInteger(total))
      return E.left(moneyError('overflow', `items.${index}`, `a running total ${SAFE_RESULT}`));
  }
  return E.right({ amount: total || 0, currency });
};

/** -1, 0 or 1; an error when currencies differ. */
export const compare = (a: Money, b: Money): E.Either<MoneyError, -1 | 0 | 1> =>
  E.map(([x, y]: readonly [Money, Money]): -1 | 0 | 1 => (x.amount < y.amount ? -1 : x.amount > y.amount ? 1 : 0))(
    pair(a, b),
  );

/** Predicates answer `false` for anything that is not valid money. */
const is = (a: unknown, test: (amount: number) => boolean): boolean => {
  const x = valid(a, 'a');
  return E.isRight(x) && test(x.right.amount);
};
export const equals = (a: Money, b: Money): boolean => {
  const both = pair(a, b);
  return E.isRight(both) && both.right[0].amount === both.right[1].amount;
};
export const isZero = (a: Money): boolean => is(a, (amount) => amount === 0);
export const isPositive = (a: Money): boolean => is(a, (amount) => amount > 0);
export const isNegative = (a: Money): boolean => is(a, (amount) => amount < 0);
export const min = (a: Money, b: Money): E.Either<MoneyError, Money> =>
  E.map(([x, y]: readonly [Money, Money]) => (x.amount <= y.amount ? x : y))(pair(a, b));

/**
 * Split money by integer ratios without losing a minor unit: each part gets
 * its floor share and the remainder goes, one unit at a time, to the parts
 * with the largest fractional remainders (ties to the earlier part).
 * allocate(100 EUR-cents, [1, 1, 1]) = [34, 33, 33]. Negative amounts split
 * symmetrically. Every part is at most the whole, so it is a safe integer.
 */
export const allocate = (a: Money, ratios: readonly number[]): E.Either<MoneyError, Money[]> => {
  const whole = valid(a, 'a');
  if (E.isLeft(whole)) return whole;
  if (!Array.isArray(ratios) || ratios.length === 0)
    return E.left(moneyError('invalid-ratios', 'ratios', 'a non-empty array of ratios', ratios));
  let total = 0;
  const parts: number[] = [];
  for (let index = 0; index < ratios.length; index++) {
    const ratio = integerArgument(ratios[index], `ratios.${index}`, 'a non-negative safe integer (not -0)', 0);
    if (E.isLeft(ratio)) return E.left({ ...ratio.left, code: 'invalid-ratios' });
    parts.push(ratio.right);
    total += ratio.right;
    if (!Number.isSafeInteger(total))
      return E.left(moneyError('invalid-ratios', 'ratios', `ratios adding up to a total ${SAFE_RESULT}`));
  }
  if (total === 0) return E.left(moneyError('invalid-ratios', 'ratios', 'ratios with at least one above zero'));
  const sign = whole.right.amount < 0 ? -1 : 1;
  const amount = BigInt(Math.abs(whole.right.amount));
  const bigTotal = BigInt(total);
  const shares = parts.map((ratio) => (amount * BigInt(ratio)) / bigTotal);
  const remainders = parts.map((ratio, index) => ({ index, rest: (amount * BigInt(ratio)) % bigTotal }));
  let left = amount - shares.reduce((acc, share) => acc + share, 0n);
  remainders.sort((x, y) => (y.rest > x.rest ? 1 : y.rest < x.rest ? -1 : x.index - y.index));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return E.right(shares.map((share) => ({ amount: sign * Number(share) || 0, currency: whole.right.currency })));
};

/**
 * A percentage of money in basis points (2000 = 20%), rounded half away from
 * zero to the minor unit.
 */
export const percentage = (a: Money, basisPoints: number): E.Either<MoneyError, Money> =>
  E.flatMap(valid(a, 'a'), (x) =>
    E.flatMap(integerArgument(basisPoints, 'basisPoints', 'a safe integer of basis points (not -0)'), (bp) =>
      checked(roundDiv(BigInt(x.amount) * BigInt(bp), 10_000n), x.currency),
    ),
  );

/** Tax included in a gross amount at a rate in basis points: gross * r / (10000 + r). Used for VAT. */
export const includedTax = (gross: Money, basisPoints: number): E.Either<MoneyError, Money> =>
  E.flatMap(valid(gross, 'gross'), (x) =>
    E.flatMap(
      integerArgument(basisPoints, 'basisPoints', 'a non-negative safe integer of basis points (not -0)', 0),
      (bp) => checked(roundDiv(BigInt(x.amount) * BigInt(bp), 10_000n + BigInt(bp)), x.currency),
    ),
  );

const roundDiv = (numerator: bigint, denominator: bigint): number => {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (2n * d);
  return Number(negative ? -quotient : quotient);
};

/**
 * "19.99 EUR": the plain, exact form ("1 500 JPY" is left to the UI). Never
 * throws: what is not valid money renders as a marker naming the rule, e.g.
 * `[invalid money: a.amount: must be a safe integer of minor units (got 1.5)]`,
 * never as digits that look like an amount.
 */
export const format = (a: Money): string => {
  const checkedMoney = valid(a, 'a');
  if (E.isLeft(checkedMoney)) return `[invalid money: ${checkedMoney.left.message}]`;
  const { amount, currency } = checkedMoney.right;
  const exponent = minorUnitExponent(currency) ?? 0;
  const negative = amount < 0;
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
};
