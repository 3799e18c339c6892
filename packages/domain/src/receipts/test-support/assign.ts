import type { AssignRefundGoods } from '../commands.js';
import { unitCodesOf } from '../model.js';
import { script } from '../script.js';
import { simulate, type Simulation } from '../simulate.js';
import { unassignedLeft, type ReceiptsState } from '../state.js';

type Named = AssignRefundGoods['data']['lines'][number];

/** Units of each line still with the customer, cheapest first; a marked unit with a code not returned yet. */
const unitsLeft = (state: ReceiptsState): { lineId: string; price: number; code?: string }[] =>
  state.lines
    .flatMap((line) => {
      const left = line.quantity - (state.returnedQuantities[line.lineId] ?? 0);
      const back = state.returnedCodes?.[line.lineId] ?? [];
      const codes = unitCodesOf(line).filter((code) => !back.includes(code));
      const marked = line.subject === 'marked-goods' || codes.length > 0;
      return Array.from({ length: Math.max(0, left) }, (_, i) => ({
        lineId: line.lineId,
        price: line.price.amount,
        ...(marked && codes[i] !== undefined ? { code: codes[i] } : {}),
      }));
    })
    .filter((unit) => unit.price > 0)
    .sort((a, b) => a.price - b.price);

const namesOf = (units: readonly { lineId: string; code?: string }[]): Named[] => {
  const byLine = new Map<string, { qty: number; codes: string[] }>();
  for (const unit of units) {
    const entry = byLine.get(unit.lineId) ?? { qty: 0, codes: [] };
    entry.qty += 1;
    if (unit.code !== undefined) entry.codes.push(unit.code);
    byLine.set(unit.lineId, entry);
  }
  return [...byLine].map(([lineId, { qty, codes }]) => ({
    lineId,
    qty,
    ...(codes.length === 0 ? {} : { markingCodes: codes }),
  }));
};

/**
 * Issue 9 (laws): what an admin does with every refund recorded with no goods
 * named: names goods still with the customer worth at most the money not
 * assigned yet (returned at their value), and when no unit fits, one unit for
 * the rest (priced pro rata), until the money or the goods run out. Each step
 * is one `AssignRefundGoods`.
 */
export const assignOpenRefunds = (state: ReceiptsState, at: string): Simulation => {
  let current = state;
  const s = script(state.orderId ?? 'law', { kind: 'admin', id: 'admin' });
  const events: Simulation['events'][number][] = [];
  const outcomes: Simulation['outcomes'][number][] = [];
  for (const movementId of Object.keys(state.unassignedRefunds ?? {})) {
    for (;;) {
      const open = current.unassignedRefunds?.[movementId];
      const left = open === undefined ? 0 : unassignedLeft(open);
      const units = unitsLeft(current);
      if (left === 0 || units.length === 0) break;
      const fitting: typeof units = [];
      let value = 0;
      for (const unit of units)
        if (value + unit.price <= left) {
          fitting.push(unit);
          value += unit.price;
        }
      const run = simulate(
        [s.assignGoods(at, movementId, namesOf(fitting.length > 0 ? fitting : [units[0]!]))],
        current,
      );
      current = run.state;
      events.push(...run.events);
      outcomes.push(...run.outcomes);
      if (run.outcomes.some((o) => o.result._tag === 'Left')) break;
    }
  }
  return { state: current, events, outcomes };
};
