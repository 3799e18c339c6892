import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { moneyArb, positiveMoneyArb } from '../../testing/src/index.js';
import { decode } from './codec.js';
import * as money from './money.js';
import { MoneyCodec, NonNegativeMoneyCodec, PositiveMoneyCodec, type Money } from './money.js';

const eur = (amount: number): Money => money.unsafe(amount, 'EUR');
const ok = <A>(result: E.Either<money.MoneyError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected a value, got ${result.left.code}: ${result.left.message}`);
  return result.right;
};
const code = (result: E.Either<money.MoneyError, unknown>): string | undefined =>
  E.isLeft(result) ? result.left.code : undefined;

describe('money: construction', () => {
  it('of accepts integer minor units in a known currency', () => {
    expect(money.of(1999, 'EUR')).toEqual(E.right({ amount: 1999, currency: 'EUR' }));
    expect(money.of(-5, 'JPY')).toEqual(E.right({ amount: -5, currency: 'JPY' }));
    expect(money.of(Number.MAX_SAFE_INTEGER, 'RUB')).toEqual(
      E.right({ amount: Number.MAX_SAFE_INTEGER, currency: 'RUB' }),
    );
  });

  it('of rejects floats, NaN, infinities, unsafe integers and unknown currencies', () => {
    for (const amount of [19.99, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1])
      expect(code(money.of(amount, 'EUR')), String(amount)).toBe('invalid-amount');
    for (const currency of ['RUR', 'EURO', 'eur', '', 'XXX'])
      expect(code(money.of(100, currency)), currency).toBe('unknown-currency');
    expect(() => money.unsafe(1.5, 'EUR')).toThrow('safe integer');
    expect(() => money.unsafe(1, 'RUR')).toThrow('currency: must be an ISO 4217 currency code');
  });

  it('codecs reject floats, unknown currencies and the wrong sign, naming the rule', () => {
    expect(E.isRight(decode(MoneyCodec)({ amount: -1, currency: 'EUR' }))).toBe(true);
    const float = decode(MoneyCodec)({ amount: 1.5, currency: 'RUR' });
    expect(E.isLeft(float) && float.left.issues.map((i) => `${i.path}:${i.rule}`)).toEqual([
      'amount:SafeInteger',
      'currency:Currency(ISO 4217)',
    ]);
    const negative = decode(NonNegativeMoneyCodec)({ amount: -1, currency: 'EUR' });
    expect(E.isLeft(negative) && negative.left.issues[0]?.rule).toBe('NonNegativeInteger');
    const zero = decode(PositiveMoneyCodec)({ amount: 0, currency: 'EUR' });
    expect(E.isLeft(zero) && zero.left.issues[0]?.rule).toBe('PositiveInteger');
    expect(decode(MoneyCodec)({ amount: '100', currency: 'EUR' })._tag).toBe('Left');
  });
});

describe('money: arithmetic', () => {
  it('add and subtract are inverse and never lose a unit (property)', () => {
    fc.assert(
      fc.property(moneyArb({ currency: 'EUR' }), moneyArb({ currency: 'EUR' }), (a, b) => {
        const sum = ok(money.add(a, b));
        expect(sum.amount).toBe(a.amount + b.amount);
        expect(ok(money.subtract(sum, b))).toEqual(a);
        expect(ok(money.add(b, a))).toEqual(sum);
      }),
    );
  });

  it('sum of a list equals adding one by one; the empty list is zero', () => {
    fc.assert(
      fc.property(fc.array(moneyArb({ currency: 'RUB' }), { maxLength: 20 }), (items) => {
        const expected = items.reduce((acc, item) => ok(money.add(acc, item)), ok(money.zero('RUB')));
        expect(ok(money.sum('RUB', items))).toEqual(expected);
      }),
    );
    expect(ok(money.sum('EUR', []))).toEqual({ amount: 0, currency: 'EUR' });
  });

  it('mixing currencies is a currency-mismatch error in every operation', () => {
    const usd = money.unsafe(100, 'USD');
    expect(code(money.add(eur(1), usd))).toBe('currency-mismatch');
    expect(code(money.subtract(eur(1), usd))).toBe('currency-mismatch');
    expect(code(money.compare(eur(1), usd))).toBe('currency-mismatch');
    expect(code(money.min(eur(1), usd))).toBe('currency-mismatch');
    expect(code(money.sum('EUR', [eur(1), usd]))).toBe('currency-mismatch');
    expect(money.equals(eur(100), usd)).toBe(false);
  });

  it('leaving the safe integer range is an overflow error, never a wrong number', () => {
    const max = eur(Number.MAX_SAFE_INTEGER);
    expect(code(money.add(max, eur(1)))).toBe('overflow');
    expect(code(money.subtract(eur(Number.MIN_SAFE_INTEGER), eur(1)))).toBe('overflow');
    expect(code(money.multiply(max, 2))).toBe('overflow');
    expect(code(money.sum('EUR', [max, eur(1)]))).toBe('overflow');
    expect(code(money.percentage(max, 20_000))).toBe('overflow');
    expect(ok(money.add(max, eur(-1))).amount).toBe(Number.MAX_SAFE_INTEGER - 1);
    fc.assert(
      fc.property(
        moneyArb({ currency: 'EUR', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        moneyArb({ currency: 'EUR', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (a, b) => {
          const exact = BigInt(a.amount) + BigInt(b.amount);
          const safe = exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= BigInt(Number.MIN_SAFE_INTEGER);
          const result = money.add(a, b);
          expect(E.isRight(result) ? BigInt(result.right.amount) : 'overflow').toBe(safe ? exact : 'overflow');
        },
      ),
    );
  });

  it('multiply takes integer factors only', () => {
    expect(ok(money.multiply(eur(1999), 3))).toEqual(eur(5997));
    expect(ok(money.multiply(eur(1999), 0))).toEqual(eur(0));
    expect(code(money.multiply(eur(1999), 1.5))).toBe('invalid-amount');
  });

  it('compare, min, negate and predicates', () => {
    expect(ok(money.compare(eur(1), eur(2)))).toBe(-1);
    expect(ok(money.compare(eur(2), eur(2)))).toBe(0);
    expect(ok(money.compare(eur(3), eur(2)))).toBe(1);
    expect(ok(money.min(eur(3), eur(2)))).toEqual(eur(2));
    expect(ok(money.negate(eur(5)))).toEqual(eur(-5));
    expect(Object.is(ok(money.negate(eur(0))).amount, 0)).toBe(true);
    expect(ok(money.negate(eur(Number.MIN_SAFE_INTEGER))).amount).toBe(Number.MAX_SAFE_INTEGER);
    expect([money.isZero(eur(0)), money.isPositive(eur(1)), money.isNegative(eur(-1))]).toEqual([true, true, true]);
  });
});

describe('money: allocate', () => {
  it('splits 1.00 three ways as 0.34 + 0.33 + 0.33 and follows the ratios', () => {
    expect(ok(money.allocate(eur(100), [1, 1, 1])).map((m) => m.amount)).toEqual([34, 33, 33]);
    expect(ok(money.allocate(eur(-100), [1, 1, 1])).map((m) => m.amount)).toEqual([-34, -33, -33]);
    expect(ok(money.allocate(eur(5), [3, 7])).map((m) => m.amount)).toEqual([2, 3]); // 1.5 + 3.5: tie to the earlier part
    expect(ok(money.allocate(eur(10), [1, 2, 3])).map((m) => m.amount)).toEqual([2, 3, 5]); // 1.67 3.33 5
    expect(ok(money.allocate(eur(10), [0, 1])).map((m) => m.amount)).toEqual([0, 10]);
    expect(ok(money.allocate(eur(0), [1, 2])).every((m) => Object.is(m.amount, 0))).toBe(true);
  });

  it('never loses or invents a unit, and each part is within one unit of its exact share (property)', () => {
    fc.assert(
      fc.property(
        moneyArb({ currency: 'EUR', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 })
          .filter((r) => r.some((x) => x > 0)),
        (a, ratios) => {
          const parts = ok(money.allocate(a, ratios));
          expect(parts).toHaveLength(ratios.length);
          expect(parts.every((p) => p.currency === 'EUR' && Number.isSafeInteger(p.amount))).toBe(true);
          expect(parts.reduce((acc, p) => acc + BigInt(p.amount), 0n)).toBe(BigInt(a.amount));
          const total = BigInt(ratios.reduce((x, y) => x + y, 0));
          parts.forEach((part, i) => {
            const exactTimesTotal = BigInt(a.amount) * BigInt(ratios[i]!);
            const diff = BigInt(part.amount) * total - exactTimesTotal;
            expect(diff < 0n ? -diff : diff).toBeLessThan(total);
            if (ratios[i] === 0) expect(part.amount).toBe(0);
          });
        },
      ),
    );
  });

  it('rejects empty, negative, fractional or all-zero ratios', () => {
    expect(code(money.allocate(eur(100), []))).toBe('invalid-ratios');
    expect(code(money.allocate(eur(100), [1, -1]))).toBe('invalid-ratios');
    expect(code(money.allocate(eur(100), [0.5, 0.5]))).toBe('invalid-ratios');
    expect(code(money.allocate(eur(100), [0, 0]))).toBe('invalid-ratios');
  });
});

describe('money: percentages and included tax', () => {
  it('percentage rounds half away from zero to the minor unit', () => {
    expect(ok(money.percentage(eur(1999), 2000))).toEqual(eur(400)); // 399.8
    expect(ok(money.percentage(eur(1), 5000))).toEqual(eur(1)); // 0.5
    expect(ok(money.percentage(eur(-1), 5000))).toEqual(eur(-1)); // -0.5
    expect(ok(money.percentage(eur(3), 5000))).toEqual(eur(2)); // 1.5
    expect(ok(money.percentage(eur(1), 4999))).toEqual(eur(0)); // 0.4999
    expect(ok(money.percentage(eur(10000), 1))).toEqual(eur(1)); // 0.01%
    expect(ok(money.percentage(eur(100), 0))).toEqual(eur(0));
    expect(code(money.percentage(eur(100), 12.5))).toBe('invalid-amount');
  });

  it('includedTax is gross * r / (1 + r), rounded half away from zero', () => {
    expect(ok(money.includedTax(eur(12000), 2000))).toEqual(eur(2000)); // 120.00 incl. 20% VAT -> 20.00
    expect(ok(money.includedTax(eur(1000), 2000))).toEqual(eur(167)); // 166.67
    expect(ok(money.includedTax(eur(1000), 1000))).toEqual(eur(91)); // 90.909
    expect(ok(money.includedTax(eur(11), 1000))).toEqual(eur(1)); // exactly 1.0
    expect(ok(money.includedTax(eur(-1000), 2000))).toEqual(eur(-167));
    expect(ok(money.includedTax(eur(1000), 0))).toEqual(eur(0));
    expect(code(money.includedTax(eur(1000), -1))).toBe('invalid-amount');
    expect(code(money.includedTax(eur(1000), 0.5))).toBe('invalid-amount');
  });

  it('included tax never exceeds the gross and is within half a unit of the exact value (property)', () => {
    fc.assert(
      fc.property(positiveMoneyArb({ currency: 'RUB' }), fc.integer({ min: 0, max: 100_000 }), (gross, bp) => {
        const tax = ok(money.includedTax(gross, bp));
        expect(tax.amount).toBeGreaterThanOrEqual(0);
        expect(tax.amount).toBeLessThanOrEqual(gross.amount);
        const denominator = BigInt(10_000 + bp);
        const twiceError = 2n * (BigInt(tax.amount) * denominator - BigInt(gross.amount) * BigInt(bp));
        expect(twiceError < 0n ? -twiceError : twiceError).toBeLessThanOrEqual(denominator);
      }),
    );
  });
});

describe('money: format', () => {
  it('prints the exact amount with the currency minor unit', () => {
    expect(money.format(eur(1999))).toBe('19.99 EUR');
    expect(money.format(eur(5))).toBe('0.05 EUR');
    expect(money.format(eur(0))).toBe('0.00 EUR');
    expect(money.format(eur(-1999))).toBe('-19.99 EUR');
    expect(money.format(eur(-5))).toBe('-0.05 EUR');
    expect(money.format(money.unsafe(1500, 'JPY'))).toBe('1500 JPY');
    expect(money.format(money.unsafe(1234, 'KWD'))).toBe('1.234 KWD');
    expect(money.format(money.unsafe(123456, 'RUB'))).toBe('1234.56 RUB');
    expect(money.format(money.unsafe(Number.MAX_SAFE_INTEGER, 'USD'))).toBe('90071992547409.91 USD');
  });

  it('round-trips through a decimal parse for every currency (property)', () => {
    fc.assert(
      fc.property(moneyArb(), (m) => {
        const [number, currency] = money.format(m).split(' ');
        expect(currency).toBe(m.currency);
        const digits = number!.replace('.', '');
        expect(BigInt(digits)).toBe(BigInt(m.amount));
      }),
    );
  });
});

/** What arrives at run time need not be what the types say (JSON, a cast, a bug upstream). */
const loose = <T>(value: unknown): T => value as T;
const rule = (result: E.Either<money.MoneyError, unknown>): string | undefined =>
  E.isLeft(result) ? `${result.left.code} ${result.left.argument}: ${result.left.rule}` : undefined;

describe('issue 8.6: money edges', () => {
  const half = loose<Money>({ amount: 1.5, currency: 'EUR' });

  it('a non-integer amount is a Left naming the argument in allocate, percentage and includedTax, not a throw', () => {
    expect(rule(money.allocate(half, [1, 1]))).toBe('invalid-amount a.amount: a safe integer of minor units');
    expect(rule(money.percentage(half, 2000))).toBe('invalid-amount a.amount: a safe integer of minor units');
    expect(rule(money.includedTax(half, 2000))).toBe('invalid-amount gross.amount: a safe integer of minor units');
    expect(E.isLeft(money.includedTax(half, 2000)) && money.includedTax(half, 2000)).toMatchObject({
      left: { message: 'gross.amount: must be a safe integer of minor units (got 1.5)' },
    });
  });

  it('format renders invalid money as a marker naming the rule, never as "1..5 EUR"', () => {
    expect(money.format(half)).toBe('[invalid money: a.amount: must be a safe integer of minor units (got 1.5)]');
    expect(money.format(loose<Money>({ amount: 100, currency: 'RUR' }))).toBe(
      '[invalid money: a.currency: must be an ISO 4217 currency code (got "RUR")]',
    );
    expect(money.format(loose<Money>(null))).toBe('[invalid money: a: must be money: { amount, currency } (got null)]');
    expect(money.format(loose<Money>({ amount: 10n, currency: 'EUR' }))).toContain('(got 10n)');
  });

  it('allocate of 2^60 is a Left, not unsafe parts; parts of the largest safe amount are safe and exact', () => {
    expect(rule(money.allocate(loose<Money>({ amount: 2 ** 60, currency: 'EUR' }), [1, 2]))).toBe(
      'invalid-amount a.amount: a safe integer of minor units',
    );
    const parts = ok(money.allocate(eur(Number.MAX_SAFE_INTEGER), [1, 2, 3]));
    expect(parts.every((part) => Number.isSafeInteger(part.amount))).toBe(true);
    expect(parts.reduce((acc, part) => acc + BigInt(part.amount), 0n)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('NaN, Infinity, -0 and fractions as factors, ratios or basis points are Lefts naming them', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, -0, 0.5, 2 ** 53])
      expect(rule(money.multiply(eur(100), bad)), String(bad)).toBe('invalid-amount factor: a safe integer (not -0)');
    expect(rule(money.allocate(eur(100), [1, Number.NaN]))).toBe(
      'invalid-ratios ratios.1: a non-negative safe integer (not -0)',
    );
    expect(rule(money.allocate(eur(100), [-0, 1]))).toBe(
      'invalid-ratios ratios.0: a non-negative safe integer (not -0)',
    );
    expect(rule(money.allocate(eur(100), [0, 0]))).toBe('invalid-ratios ratios: ratios with at least one above zero');
    expect(rule(money.allocate(eur(100), [Number.MAX_SAFE_INTEGER, 1]))).toBe(
      'invalid-ratios ratios: ratios adding up to a total within the safe integer range',
    );
    expect(rule(money.allocate(eur(100), loose<number[]>('1,1')))).toBe(
      'invalid-ratios ratios: a non-empty array of ratios',
    );
    expect(rule(money.percentage(eur(100), -0))).toBe(
      'invalid-amount basisPoints: a safe integer of basis points (not -0)',
    );
    expect(rule(money.includedTax(eur(100), Infinity))).toBe(
      'invalid-amount basisPoints: a non-negative safe integer of basis points (not -0)',
    );
  });

  it('unsafe or mixed inputs name the argument in every function; results never are -0', () => {
    const big = loose<Money>({ amount: 2 ** 53, currency: 'EUR' });
    expect(rule(money.add(eur(1), big))).toBe('invalid-amount b.amount: a safe integer of minor units');
    expect(rule(money.subtract(big, eur(1)))).toBe('invalid-amount a.amount: a safe integer of minor units');
    expect(rule(money.compare(eur(1), money.unsafe(1, 'USD')))).toBe(
      'currency-mismatch b.currency: the currency of a (EUR)',
    );
    expect(rule(money.sum('EUR', [eur(1), big]))).toBe('invalid-amount items.1.amount: a safe integer of minor units');
    expect(rule(money.sum('EUR', [eur(Number.MAX_SAFE_INTEGER), eur(1), eur(-1)]))).toBe(
      'overflow items.1: a running total within the safe integer range',
    );
    expect(rule(money.sum('EUR', loose<Money[]>(null)))).toBe('invalid-argument items: an array of money');
    expect(rule(money.zero('XXX'))).toBe('unknown-currency currency: an ISO 4217 currency code');
    expect(rule(money.negate(big))).toBe('invalid-amount a.amount: a safe integer of minor units');
    expect(rule(money.min(eur(1), loose<Money>(undefined)))).toBe('invalid-argument b: money: { amount, currency }');
    expect(Object.is(ok(money.multiply(eur(0), -1)).amount, 0)).toBe(true);
    expect(Object.is(ok(money.percentage(eur(-1), 1)).amount, 0)).toBe(true);
    expect(Object.is(ok(money.of(-0, 'EUR')).amount, 0)).toBe(true);
    expect([money.isZero(big), money.isPositive(big), money.equals(big, big)]).toEqual([false, false, false]);
  });
});
