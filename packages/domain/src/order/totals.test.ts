import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DomainError, Money } from '@ordersource/core';
import { command, eur, sampleCheckout, sampleLines } from './examples.js';
import { netTotals, unitSplit } from './net-prices.js';
import { refusal } from './test-support/decide.js';
import { computeTotals, orderTotals } from './totals.js';

const rub = (amount: number): Money => ({ amount, currency: 'RUB' });
const MAX = Number.MAX_SAFE_INTEGER;
const where = (result: E.Either<DomainError, unknown>): unknown =>
  E.isLeft(result) ? [result.left.code, result.left.details?.['path'], result.left.details?.['rule']] : 'right';

describe('issue 8.6: order totals refuse any intermediate outside the safe integer range', () => {
  it('ORD-1: subtotal 2^53-1 + shipping 2 - discount 2 is refused at the shipping fee, not rounded to 2^53-2', () => {
    // In floating point (2^53 - 1) + 2 - 2 is 2^53 - 2: a checkout stating that total was accepted.
    expect(MAX + 2 - 2).toBe(MAX - 1);
    expect(where(orderTotals('RUB', [{ unitPrice: rub(MAX), qty: 1 }], rub(2), rub(2)))).toEqual([
      'money',
      'shippingFee',
      'subtotal + shippingFee within the safe integer range',
    ]);
  });

  it('ORD-1: the decider refuses a checkout stating 2^53-2 for lines of 2^53-1 + shipping 2 - discount 2', () => {
    const lines = [{ ...sampleLines[0]!, qty: 1, unitPrice: eur(MAX) }];
    const checkout = sampleCheckout({ lines, shippingFee: eur(2), discount: eur(2) });
    expect([checkout.subtotal.amount, checkout.total.amount]).toEqual([MAX, MAX - 1]); // the float sum the storefront stated
    expect(refusal([], command('PlaceOrder', checkout, '2026-12-01T10:00:00Z'))).toBe('money');
  });

  it('ORD-1: a line total, a running subtotal and a total below the safe range each name their input', () => {
    expect(where(orderTotals('RUB', [{ unitPrice: rub(2 ** 52), qty: 2 }], rub(0), rub(0)))).toEqual([
      'money',
      'lines.0',
      'unitPrice x qty within the safe integer range',
    ]);
    const half = { unitPrice: rub(2 ** 52), qty: 1 };
    expect(where(orderTotals('RUB', [half, half], rub(0), rub(0)))).toEqual([
      'money',
      'lines',
      'subtotal within the safe integer range',
    ]);
    expect(where(orderTotals('RUB', [{ unitPrice: rub(MAX), qty: 1 }], rub(0), rub(-1)))).toEqual([
      'money',
      'discount',
      'subtotal + shippingFee - discount within the safe integer range',
    ]);
    expect(where(orderTotals('RUB', [{ unitPrice: { amount: 1, currency: 'EUR' }, qty: 1 }], rub(0), rub(0)))).toEqual([
      'currency-mismatch',
      'lines.0.unitPrice.currency',
      'same currency as the order (RUB)',
    ]);
    expect(where(orderTotals('RUB', [], { amount: 0, currency: 'EUR' }, rub(0)))).toEqual([
      'currency-mismatch',
      'shippingFee.currency',
      'same currency as the order (RUB)',
    ]);
  });

  it('ORD-1: the largest safe total is computed exactly; a discount above subtotal + shipping is negative-total', () => {
    expect(orderTotals('RUB', [{ unitPrice: rub(MAX - 2), qty: 1 }], rub(2), rub(0))).toEqual(
      E.right({ subtotal: rub(MAX - 2), total: rub(MAX) }),
    );
    expect(where(computeTotals('RUB', [{ unitPrice: rub(100), qty: 1 }], rub(0), rub(101)))).toEqual([
      'negative-total',
      undefined,
      undefined,
    ]);
  });

  it('law: a Right exactly when every intermediate is safe, and then the exact totals (1,000 random orders)', () => {
    const amount = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: MAX }));
    const line = fc.record({
      unitPrice: amount.map(rub),
      qty: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 ** 30 })),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), amount, amount, (lines, shipping, discount) => {
        const safe = (value: bigint): boolean => value <= BigInt(MAX) && value >= BigInt(Number.MIN_SAFE_INTEGER);
        let subtotal = 0n;
        let ok = true;
        for (const entry of lines) {
          const total = BigInt(entry.unitPrice.amount) * BigInt(entry.qty);
          subtotal += total;
          ok &&= safe(total) && safe(subtotal);
        }
        const withShipping = subtotal + BigInt(shipping);
        const total = withShipping - BigInt(discount);
        ok &&= safe(withShipping) && safe(total);
        const result = orderTotals('RUB', lines, rub(shipping), rub(discount));
        expect(E.isRight(result)).toBe(ok);
        if (E.isRight(result)) {
          expect(BigInt(result.right.subtotal.amount)).toBe(subtotal);
          expect(BigInt(result.right.total.amount)).toBe(total);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('issue 8.6: net prices stay exact near the safe limit', () => {
  it('PAY-5: unitSplit is exact over the whole safe range (law over 1,000 totals and quantities)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 1, max: 10_000 }), (total, qty) => {
        const split = unitSplit(total, qty);
        expect(BigInt(split.unit) * BigInt(qty) + BigInt(split.dear)).toBe(BigInt(total));
        expect(split.dear >= 0 && split.dear < qty && split.cheap + split.dear === qty).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('PAY-5: a line whose gross total is unsafe is a refusal naming the line, not a wrong net price', () => {
    const result = netTotals('RUB', [{ unitPrice: rub(2 ** 52), qty: 3 }], 0, 10);
    expect(E.isLeft(result) && result.left.details?.['path']).toBe('lines.0');
    const sum = netTotals(
      'RUB',
      [
        { unitPrice: rub(2 ** 52), qty: 1 },
        { unitPrice: rub(2 ** 52), qty: 1 },
      ],
      0,
      10,
    );
    expect(E.isLeft(sum) && sum.left.details?.['path']).toBe('lines');
    const fee = netTotals('RUB', [], Number.NaN, 0);
    expect(E.isLeft(fee) && fee.left.details?.['path']).toBe('shippingFee');
  });
});
