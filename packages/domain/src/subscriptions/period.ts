import type { BillingPeriod } from './events.js';

/**
 * Billing-period arithmetic on UTC instants. Periods are counted from an
 * anchor (Stripe's billing_cycle_anchor): period n ends at anchor + (n+1)
 * periods, each computed from the anchor rather than from the last end, so a
 * month that was clamped (31 Jan -> 28 Feb) does not drag the next ones
 * (-> 31 Mar, not 28 Mar).
 */

const DAY = 86_400_000;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** `iso` plus `n` billing units, as an ISO instant (month ends clamp to the shorter month). */
export const addUnits = (iso: string, unit: BillingPeriod['unit'], n: number): string => {
  const ms = Date.parse(iso);
  if (unit === 'day') return new Date(ms + n * DAY).toISOString();
  if (unit === 'week') return new Date(ms + 7 * n * DAY).toISOString();
  const d = new Date(ms);
  const months = unit === 'month' ? n : 12 * n;
  const total = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()),
  ).toISOString();
};

/** The end of the `index`-th period (0-based) counted from `anchor`. */
export const periodEndFrom = (anchor: string, period: BillingPeriod, index: number): string =>
  addUnits(anchor, period.unit, period.count * (index + 1));

/** The start of the `index`-th period counted from `anchor`. */
export const periodStartFrom = (anchor: string, period: BillingPeriod, index: number): string =>
  index === 0 ? new Date(Date.parse(anchor)).toISOString() : periodEndFrom(anchor, period, index - 1);

/** The same instant, normalised to `toISOString` (so keys and comparisons agree). */
export const instant = (iso: string): string => new Date(Date.parse(iso)).toISOString();

export const plusHours = (iso: string, hours: number): string =>
  new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

export const plusDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY).toISOString();

export const isBefore = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);
export const notAfter = (a: string, b: string): boolean => Date.parse(a) <= Date.parse(b);
export const sameInstant = (a: string, b: string): boolean => Date.parse(a) === Date.parse(b);

/** Periods per year of a billing period, as a fraction num/den (MRR normalisation). */
const perYear = (period: BillingPeriod): readonly [bigint, bigint] => {
  const count = BigInt(period.count);
  switch (period.unit) {
    case 'day':
      return [365n, count];
    case 'week':
      return [52n, count];
    case 'month':
      return [12n, count];
    case 'year':
      return [1n, count];
  }
};

/** Round num/den half up (den > 0, num >= 0), in bigint so no product loses precision. */
export const roundDiv = (num: bigint, den: bigint): bigint => (2n * num + den) / (2n * den);

/**
 * MRR of one price: what it bills per period, normalised to a month
 * (x periods-per-year / 12), rounded half up to a minor unit. A year of 12,000
 * is 1,000 a month; a week of 700 is 3,033 (700 x 52 / 12).
 */
export const monthlyNormalised = (amount: number, period: BillingPeriod): number => {
  const [num, den] = perYear(period);
  return Number(roundDiv(BigInt(amount) * num, den * 12n));
};
