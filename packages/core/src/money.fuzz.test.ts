import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decode } from './codec.js';
import { currencies, isCurrency } from './currencies.js';
import * as money from './money.js';
import { MoneyCodec, NonNegativeMoneyCodec, PositiveMoneyCodec } from './money.js';
import type { Money, MoneyError } from './money.js';

/**
 * Fuzz laws for every money function (issue 8.6 and the "fuzz every boundary"
 * bullet of issue 8): whatever arrives at run time, nothing throws (except
 * `unsafe`, whose purpose is to), a Left names the argument and the rule, a
 * Right is valid money, and the arithmetic is exact where it answers.
 */

const RUNS = 1_000;
const HUGE = 'x'.repeat(5_000_000);

/** Numbers that broke money before: NaN, -0, 1e400 (Infinity), 2^53, 2^60, fractions. */
const crafted = fc.constantFrom<unknown>(
  Number.NaN,
  -0,
  0,
  Number.POSITIVE_INFINITY, // what 1e400 parses to
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 - 1,
  2 ** 60,
  1.5,
  -0.5,
  Number.EPSILON,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  10n,
  2n ** 64n,
  null,
  undefined,
  '',
  '100',
  'EUR',
  'RUR',
  'eur',
  '__proto__',
  HUGE,
  '\u0000',
  '\ud800',
  [],
  {},
  { toString: 'not a function', valueOf: 1 },
  Object.create(null) as unknown,
);

const anything = fc.anything({
  withBigInt: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withObjectString: true,
  withDate: true,
  maxDepth: 3,
});

const hostile = fc.oneof(crafted, anything);
const safeInt = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, 1, -1, Number.MAX_SAFE_INTEGER));
const currency = fc.constantFrom(...currencies());

/** Valid money, almost-money (one bad field) and anything at all. */
const moneyish: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ amount: safeInt, currency }),
  fc.record({ amount: fc.oneof(safeInt, hostile), currency: fc.oneof(currency, hostile) }),
  fc.record({ amount: safeInt, currency, extra: hostile }),
  hostile,
);
const integerish: fc.Arbitrary<unknown> = fc.oneof(safeInt, fc.integer({ min: 0, max: 100_000 }), hostile);
const listOf = (item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(fc.array(item, { maxLength: 8 }), hostile);

const ARGUMENTS = new Set([
  'a',
  'b',
  'gross',
  'factor',
  'basisPoints',
  'ratios',
  'items',
  'currency',
  'amount',
  'result',
]);

/** Valid money as an argument: -0 is accepted as 0 (`of(-0, 'EUR')` is zero). */
const isValidMoney = (value: unknown): value is Money => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { amount, currency: code } = value as { amount?: unknown; currency?: unknown };
  return typeof amount === 'number' && Number.isSafeInteger(amount) && isCurrency(code);
};

/** Valid money as a result: also never -0, and nothing but amount and currency. */
const isResultMoney = (value: unknown): boolean =>
  isValidMoney(value) && !Object.is(value.amount, -0) && Object.keys(value).sort().join() === 'amount,currency';

/** A Left names a real argument (its root: `items.3.amount` -> `items`) and a rule, and says both. */
const expectNamedLeft = (error: MoneyError): void => {
  expect(error.kind).toBe('money');
  expect(ARGUMENTS.has(error.argument.split('.')[0] ?? '')).toBe(true);
  expect(error.rule.length).toBeGreaterThan(0);
  expect(error.message.startsWith(`${error.argument}: must be ${error.rule}`)).toBe(true);
  expect(error.message.length).toBeLessThan(400);
};

const expectEither = (result: unknown, right: (value: unknown) => void): void => {
  const either = result as E.Either<MoneyError, unknown>;
  expect(E.isLeft(either) || E.isRight(either)).toBe(true);
  if (E.isLeft(either)) expectNamedLeft(either.left);
  else right(either.right);
};

const expectMoney = (value: unknown): void => expect(isResultMoney(value)).toBe(true);

const as = <T>(value: unknown): T => value as T;

describe('money fuzz: never throws, a Left names the argument and the rule (issue 8.6)', () => {
  it('of, zero, unsafe: a Right is valid money; unsafe throws exactly when of is a Left', () => {
    fc.assert(
      fc.property(integerish, fc.oneof(currency, hostile), (amount, code) => {
        const result = money.of(as(amount), as(code));
        expectEither(result, expectMoney);
        expectEither(money.zero(as(code)), expectMoney);
        if (E.isLeft(result)) expect(() => money.unsafe(as(amount), as(code))).toThrow(result.left.message);
        else expect(money.unsafe(as(amount), as(code))).toEqual(result.right);
      }),
      { numRuns: RUNS },
    );
  });

  it('add, subtract, compare, min, equals and the predicates', () => {
    fc.assert(
      fc.property(moneyish, moneyish, (a, b) => {
        expectEither(money.add(as(a), as(b)), expectMoney);
        expectEither(money.subtract(as(a), as(b)), expectMoney);
        expectEither(money.compare(as(a), as(b)), (order) => expect([-1, 0, 1]).toContain(order));
        expectEither(money.min(as(a), as(b)), expectMoney);
        expectEither(money.negate(as(a)), expectMoney);
        for (const answer of [
          money.equals(as(a), as(b)),
          money.isZero(as(a)),
          money.isPositive(as(a)),
          money.isNegative(as(a)),
        ])
          expect(typeof answer).toBe('boolean');
        if (!isValidMoney(a))
          expect([money.isZero(as(a)), money.isPositive(as(a)), money.isNegative(as(a))]).toEqual([
            false,
            false,
            false,
          ]);
      }),
      { numRuns: RUNS },
    );
  });

  it('multiply, percentage, includedTax, allocate and sum', () => {
    fc.assert(
      fc.property(
        moneyish,
        integerish,
        listOf(integerish),
        fc.oneof(currency, hostile),
        listOf(moneyish),
        (a, n, ratios, code, items) => {
          expectEither(money.multiply(as(a), as(n)), expectMoney);
          expectEither(money.percentage(as(a), as(n)), expectMoney);
          expectEither(money.includedTax(as(a), as(n)), expectMoney);
          expectEither(money.allocate(as(a), as(ratios)), (parts) => {
            expect(Array.isArray(parts)).toBe(true);
            (parts as unknown[]).forEach(expectMoney);
          });
          expectEither(money.sum(as(code), as(items)), expectMoney);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('format never throws and prints either an exact amount or a marker naming the rule', () => {
    fc.assert(
      fc.property(moneyish, (a) => {
        const text = money.format(as(a));
        expect(typeof text).toBe('string');
        if (isValidMoney(a)) expect(text).toMatch(/^-?\d+(\.\d+)? [A-Z]{3}$/);
        else expect(text).toMatch(/^\[invalid money: (a|a\.amount|a\.currency): must be .+\]$/);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('money fuzz: the codecs at the boundary', () => {
  it('MoneyCodec, NonNegativeMoneyCodec, PositiveMoneyCodec: never throw; a Right is exactly what of accepts, in range', () => {
    fc.assert(
      fc.property(moneyish, (input) => {
        const checks = [
          [MoneyCodec, () => true],
          [NonNegativeMoneyCodec, (amount: number) => amount >= 0],
          [PositiveMoneyCodec, (amount: number) => amount > 0],
        ] as const;
        for (const [codec, inRange] of checks) {
          const decoded = decode(codec)(input);
          const extraKeys =
            isValidMoney(input) && Object.keys(input).some((key) => key !== 'amount' && key !== 'currency');
          if (E.isRight(decoded)) {
            expect(E.isRight(money.of(decoded.right.amount, decoded.right.currency))).toBe(true);
            expect(inRange(decoded.right.amount)).toBe(true);
          } else {
            expect(decoded.left.issues.length).toBeGreaterThan(0);
            // Valid money in range is refused only for keys the codec does not declare.
            if (isValidMoney(input) && inRange(input.amount)) expect(extraKeys).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

const MIN = BigInt(Number.MIN_SAFE_INTEGER);
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const inRange = (value: bigint): boolean => value >= MIN && value <= MAX;
const roundHalfAway = (numerator: bigint, denominator: bigint): bigint => {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = (2n * n + denominator) / (2n * denominator);
  return negative ? -quotient : quotient;
};
const anyMoney = fc.record({ amount: fc.maxSafeInteger().map((x) => x || 0), currency: fc.constant('RUB') });

describe('money fuzz: where valid inputs get an answer, it is exact', () => {
  it('add, subtract, multiply: a Right equals the exact result, a Left is an overflow of the result', () => {
    fc.assert(
      fc.property(
        anyMoney,
        anyMoney,
        fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger()),
        (a, b, n) => {
          const cases: [E.Either<MoneyError, Money>, bigint][] = [
            [money.add(a, b), BigInt(a.amount) + BigInt(b.amount)],
            [money.subtract(a, b), BigInt(a.amount) - BigInt(b.amount)],
            [money.multiply(a, n || 0), BigInt(a.amount) * BigInt(n || 0)],
          ];
          for (const [result, exact] of cases)
            if (inRange(exact)) expect(result).toEqual(E.right({ amount: Number(exact), currency: 'RUB' }));
            else expect(E.isLeft(result) && [result.left.code, result.left.argument]).toEqual(['overflow', 'result']);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('percentage and includedTax give safe integers, rounded half away from zero from the exact quotient', () => {
    fc.assert(
      fc.property(
        anyMoney,
        fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.maxSafeInteger().map(Math.abs)),
        (a, bp) => {
          const exactShare = roundHalfAway(BigInt(a.amount) * BigInt(bp), 10_000n);
          const share = money.percentage(a, bp);
          if (inRange(exactShare)) expect(share).toEqual(E.right({ amount: Number(exactShare) || 0, currency: 'RUB' }));
          else expect(E.isLeft(share) && share.left.code).toBe('overflow');
          const tax = money.includedTax(a, bp);
          // Included tax is at most the gross: always an answer.
          expect(tax).toEqual(
            E.right({
              amount: Number(roundHalfAway(BigInt(a.amount) * BigInt(bp), 10_000n + BigInt(bp))) || 0,
              currency: 'RUB',
            }),
          );
          if (E.isRight(tax)) expect(Number.isSafeInteger(tax.right.amount)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('allocate: parts always sum exactly to the whole, each within one unit of its share', () => {
    const ratios = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 2 ** 40 })), {
        minLength: 1,
        maxLength: 20,
      })
      .filter((list) => list.some((ratio) => ratio > 0));
    fc.assert(
      fc.property(anyMoney, ratios, (a, list) => {
        const parts = money.allocate(a, list);
        if (E.isLeft(parts)) throw new Error(parts.left.message);
        expect(parts.right.reduce((acc, part) => acc + BigInt(part.amount), 0n)).toBe(BigInt(a.amount));
        const total = BigInt(list.reduce((x, y) => x + y, 0));
        parts.right.forEach((part, i) => {
          expect(Number.isSafeInteger(part.amount) && !Object.is(part.amount, -0)).toBe(true);
          const diff = BigInt(part.amount) * total - BigInt(a.amount) * BigInt(list[i]!);
          expect(diff < 0n ? -diff : diff).toBeLessThan(total);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
