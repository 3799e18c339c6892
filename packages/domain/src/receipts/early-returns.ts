import type { ReturnedLine } from './model.js';
import { settledUnitsOf, type ReceiptsState } from './state.js';

/**
 * REC-4, REC-7: goods that come back before the closing receipt, split into
 * units settled at payment (a mixed order's digital lines) and units not
 * settled yet. Settled units come back first: they were paid in full when
 * they were settled, so their return gives back exactly their money as
 * settled goods (tag 1214 = 4); the units not settled yet (a quantity raised
 * after the settlement, REC-3) return the advance and leave the closing
 * receipt, which then settles, with credit if need be, what the customer kept.
 */
export type EarlyReturn = Readonly<{
  /** Units settled at payment, returned as settled goods. */
  settled: readonly ReturnedLine[];
  /** Units not settled yet: their money returns the advance, and the closing receipt leaves them out. */
  open: readonly ReturnedLine[];
}>;

export const splitEarlyReturn = (state: ReceiptsState, lines: readonly ReturnedLine[]): EarlyReturn => {
  const left = new Map<string, number>();
  const settled: ReturnedLine[] = [];
  const open: ReturnedLine[] = [];
  for (const entry of lines) {
    const kept = left.get(entry.lineId) ?? settledUnitsOf(state, entry.lineId);
    const fromSettled = Math.min(entry.quantity, kept);
    left.set(entry.lineId, kept - fromSettled);
    const rest = entry.quantity - fromSettled;
    if (fromSettled > 0) settled.push({ lineId: entry.lineId, quantity: fromSettled });
    if (rest > 0) open.push(fromSettled === 0 ? entry : { ...entry, quantity: rest });
  }
  return { settled, open };
};
