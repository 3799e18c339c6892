import { roundDiv } from './period.js';

/**
 * Proration in integer minor units (Stripe's proration, Odoo's "prorated
 * upsell"): a plan change at `at` inside the period [start, end) credits the
 * unused part of the old amount and charges the unused part of the new one.
 * Each amount is split once, with one rounding, into the part used before
 * `at` and the part left after it, and the left part is what is credited or
 * charged, so `used + unused === amount` always: no minor unit is created or
 * lost, whatever the amounts and instants.
 */

export type Split = Readonly<{ used: number; unused: number }>;

/** Split `amount` at `at` in [start, end): unused = amount x (end - at) / (end - start), rounded half up. */
export const splitAt = (amount: number, start: string, at: string, end: string): Split => {
  const total = BigInt(Date.parse(end) - Date.parse(start));
  const left = BigInt(Math.min(Math.max(Date.parse(end) - Date.parse(at), 0), Date.parse(end) - Date.parse(start)));
  if (total <= 0n) return { used: amount, unused: 0 };
  const unused = Number(roundDiv(BigInt(amount) * left, total));
  return { used: amount - unused, unused };
};

export type ProrationResult = Readonly<{
  credit: number;
  charge: number;
  /** charge - credit, exactly: > 0 is invoiced now, < 0 goes to the credit balance. */
  net: number;
}>;

/** Credit the old amount's unused part, charge the new amount's, over the rest of [start, end). */
export const prorate = (
  oldAmount: number,
  newAmount: number,
  start: string,
  at: string,
  end: string,
): ProrationResult => {
  const credit = splitAt(oldAmount, start, at, end).unused;
  const charge = splitAt(newAmount, start, at, end).unused;
  return { credit, charge, net: charge - credit };
};
