import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prorate, splitAt } from './proration.js';

/** The proration rule on its own: 1,000 random amounts and instants. */

const base = Date.parse('2027-01-01T00:00:00Z');
const instants = fc
  .tuple(
    fc.integer({ min: 0, max: 400 * 86_400_000 }),
    fc.integer({ min: 1, max: 400 * 86_400_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([offset, length, f]) => ({
    start: new Date(base + offset).toISOString(),
    at: new Date(base + offset + Math.floor(length * f)).toISOString(),
    end: new Date(base + offset + length).toISOString(),
  }));
const amount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

describe('proration in integer minor units', () => {
  it('used + unused is the amount exactly, both whole and not negative; the credit and charge net exactly', () => {
    fc.assert(
      fc.property(amount, amount, instants, (a, b, { start, at, end }) => {
        const split = splitAt(a, start, at, end);
        expect(Number.isSafeInteger(split.used) && Number.isSafeInteger(split.unused)).toBe(true);
        expect(split.used + split.unused).toBe(a);
        expect(split.unused).toBeGreaterThanOrEqual(0);
        expect(split.used).toBeGreaterThanOrEqual(0);
        const p = prorate(a, b, start, at, end);
        expect(p.net).toBe(p.charge - p.credit);
        expect(p.credit).toBe(split.unused);
      }),
      { numRuns: 1000 },
    );
  });

  it('a later change credits no more than an earlier one (what was charged covers what is credited back)', () => {
    fc.assert(
      fc.property(amount, instants, fc.double({ min: 0, max: 1, noNaN: true }), (a, { start, at, end }, f) => {
        const later = new Date(Date.parse(at) + Math.floor((Date.parse(end) - Date.parse(at)) * f)).toISOString();
        expect(splitAt(a, start, later, end).unused).toBeLessThanOrEqual(splitAt(a, start, at, end).unused);
      }),
      { numRuns: 1000 },
    );
  });

  it('examples: half a 30-day period of 1,001 leaves 501 (half up); at the start all, at the end nothing', () => {
    const s = '2027-04-01T00:00:00Z';
    const e = '2027-05-01T00:00:00Z';
    expect(splitAt(1_001, s, '2027-04-16T00:00:00Z', e)).toEqual({ used: 500, unused: 501 });
    expect(splitAt(1_001, s, s, e)).toEqual({ used: 0, unused: 1_001 });
    expect(splitAt(1_001, s, e, e)).toEqual({ used: 1_001, unused: 0 });
  });
});
