import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { VAT_BASIS_POINTS, type VatCode } from './kinds.js';
import type { Receipt, ReceiptItem } from './receipt.js';
import { renderReceipt } from './render.js';
import { seedScenarios } from './scenarios.js';
import { simulate } from './simulate.js';
import { positionVat, receiptVat, unitVat } from './vat.js';

const rub = (amount: number) => ({ amount, currency: 'RUB' });
const item = (price: number, quantity: number, vat: VatCode): Pick<ReceiptItem, 'price' | 'amount' | 'vat'> => ({
  price: rub(price),
  amount: rub(price * quantity),
  vat,
});
const ok = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** The reference: VAT included in `gross` at `bp` basis points, rounded half up, in exact integers. */
const includedVat = (gross: bigint, bp: number): bigint => {
  const denominator = BigInt(10_000 + bp);
  return (2n * gross * BigInt(bp) + denominator) / (2n * denominator);
};

const closingOf7000 = (): Receipt => {
  const scenario = seedScenarios.find((candidate) => candidate.name === 'advance-advance-delivery')!;
  const run = simulate(scenario.commands);
  const receipts = run.state.issued.map((id) => run.state.receipts[id]!.receipt);
  return receipts.find((receipt) => receipt.kind === 'full-settlement')!;
};

describe('issue 8.8 / REC-2: VAT per position (tag 1200) and per receipt (tags 1102..1107)', () => {
  it('REC-2: the 7,000.00 closing receipt states 833.33 + 333.33 per position and 1,166.67 for the rate', () => {
    const closing = closingOf7000();
    expect(closing.items.map((position) => [position.amount.amount, ok(positionVat(position)).amount])).toEqual([
      [500_000, 83_333], // 5,000.00 x 20/120 = 833.333...
      [200_000, 33_333], // 4 x 500.00 x 20/120 = 333.333...
    ]);
    expect(ok(receiptVat(closing.items))).toEqual([
      {
        rate: 'vat20',
        tag: 1102,
        positions: 2,
        gross: rub(700_000),
        vat: rub(116_667), // 7,000.00 x 20/120 = 1,166.666...: rounded once
        positionsVat: rub(116_666), // the sum of the two tag 1200 values
      },
    ]);
    const text = renderReceipt(closing);
    expect(text).toContain('НДС 20% 833.33 RUB');
    expect(text).toContain('СУММА НДС 20% (1102) 1166.67 RUB');
  });

  it('REC-2: an advance at the calculated rate: one position, both levels agree (tag 1106)', () => {
    const advance = [item(500_000, 1, 'vat20_120')];
    expect(ok(receiptVat(advance))).toEqual([
      { rate: 'vat20_120', tag: 1106, positions: 1, gross: rub(500_000), vat: rub(83_333), positionsVat: rub(83_333) },
    ]);
  });

  it('REC-2: tag 1198 is the VAT of one unit; times the quantity it need not equal tag 1200', () => {
    const socks = item(50_001, 3, 'vat20'); // 500.01 x 3 = 1,500.03
    expect(ok(unitVat(socks)).amount).toBe(8_334); // 83.335 -> 83.34
    expect(ok(positionVat(socks)).amount).toBe(25_001); // 250.005 -> 250.01, not 3 x 83.34 = 250.02
  });

  it('REC-2: 0% and no VAT carry the sum of their positions (tags 1104, 1105), no VAT; rates keep first-seen order', () => {
    const lines = ok(receiptVat([item(1_000, 2, 'none'), item(300, 1, 'vat0'), item(700, 1, 'none')]));
    expect(lines.map((line) => [line.rate, line.tag, line.gross.amount, line.vat.amount])).toEqual([
      ['none', 1105, 2_700, 0],
      ['vat0', 1104, 300, 0],
    ]);
    const modern = ok(receiptVat([item(12_200, 1, 'vat22'), item(10_700, 1, 'vat7_107')]));
    expect(modern.map((line) => [line.rate, line.tag, line.vat.amount])).toEqual([
      ['vat22', undefined, 2_200],
      ['vat7_107', undefined, 700],
    ]);
  });

  it('a receipt whose rate total leaves the safe range, or mixes currencies, is an error value, never a wrong figure', () => {
    const huge = item(Number.MAX_SAFE_INTEGER, 1, 'vat20');
    const overflow = receiptVat([huge, item(1, 1, 'vat20')]);
    expect(E.isLeft(overflow) && overflow.left.code).toBe('overflow');
    const mixed = receiptVat([
      item(100, 1, 'vat20'),
      { ...item(100, 1, 'vat20'), amount: { amount: 100, currency: 'EUR' } },
    ]);
    expect(E.isLeft(mixed) && mixed.left.code).toBe('currency-mismatch');
  });
});

const VAT_CODES = Object.keys(VAT_BASIS_POINTS) as VatCode[];

const itemArb: fc.Arbitrary<Pick<ReceiptItem, 'price' | 'amount' | 'vat'>> = fc
  .record({
    price: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000_000 })),
    quantity: fc.integer({ min: 1, max: 50 }),
    vat: fc.constantFrom(...VAT_CODES),
  })
  .map(({ price, quantity, vat }) => item(price, quantity, vat));

/** Receipts with few rates, so that several positions share one. */
const receiptArb = fc.array(itemArb, { minLength: 1, maxLength: 15 });

describe('issue 8.8: the VAT law over random receipts', () => {
  it('per rate, VAT = round(rate VAT of the sum of the positions), each 1200 = round(its own), |sum of 1200s - rate VAT| <= floor(n / 2)', () => {
    let differing = 0;
    let atBound = 0;
    fc.assert(
      fc.property(receiptArb, (items) => {
        const lines = ok(receiptVat(items));
        // Every position is counted at exactly one rate.
        expect(lines.reduce((sum, line) => sum + line.positions, 0)).toBe(items.length);
        expect(new Set(lines.map((line) => line.rate)).size).toBe(lines.length);
        for (const line of lines) {
          const group = items.filter((position) => position.vat === line.rate);
          const bp = VAT_BASIS_POINTS[line.rate];
          const gross = group.reduce((sum, position) => sum + BigInt(position.amount.amount), 0n);
          expect(line.positions).toBe(group.length);
          expect(BigInt(line.gross.amount)).toBe(gross);
          expect(BigInt(line.vat.amount)).toBe(includedVat(gross, bp));
          const own = group.map((position) => includedVat(BigInt(position.amount.amount), bp));
          group.forEach((position, i) => expect(BigInt(ok(positionVat(position)).amount)).toBe(own[i]));
          expect(BigInt(line.positionsVat.amount)).toBe(own.reduce((sum, value) => sum + value, 0n));
          const gap = Math.abs(line.positionsVat.amount - line.vat.amount);
          expect(gap).toBeLessThanOrEqual(Math.floor(line.positions / 2));
          if (bp === 0) expect([line.vat.amount, line.positionsVat.amount]).toEqual([0, 0]);
          if (gap > 0) differing += 1;
          if (gap > 0 && gap === Math.floor(line.positions / 2)) atBound += 1;
        }
      }),
      { numRuns: 1_000 },
    );
    // Not vacuous: the two levels do differ, and the bound is reached. Unseeded on purpose: over seeds 1-12 these
    // ran 227-273 rate lines differing and 213-261 at the bound, so a run with none is out of reach.
    expect(differing).toBeGreaterThan(0);
    expect(atBound).toBeGreaterThan(0);
    console.info(
      `VAT law: 1,000 receipts, ${differing} rate lines where the sum of 1200s differs (${atBound} at the bound)`,
    );
  });
});
