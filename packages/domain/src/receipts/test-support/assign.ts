import type { AssignRefundGoods } from '../commands.js';
import { unitCodesOf } from '../model.js';
import { script } from '../script.js';
import { simulate, type Simulation } from '../simulate.js';
import type { ReceiptsState } from '../state.js';

/**
 * Issue 9 (laws): what an admin does with every refund recorded with no goods
 * named: names goods still with the customer, line by line, unit by unit (a
 * marked unit by a code not returned yet), until they are worth the refund's
 * money, and sends `AssignRefundGoods`. A refund for which the goods left do
 * not suffice (an earlier assignment took them) stays open.
 */
export const assignOpenRefunds = (state: ReceiptsState, at: string): Simulation => {
  let current = state;
  const s = script(state.orderId ?? 'law', { kind: 'admin', id: 'admin' });
  const events: Simulation['events'][number][] = [];
  const outcomes: Simulation['outcomes'][number][] = [];
  for (const [movementId, open] of Object.entries(state.unassignedRefunds ?? {})) {
    if (open.assignedReceiptId !== undefined) continue;
    const lines: AssignRefundGoods['data']['lines'][number][] = [];
    let value = 0;
    for (const line of current.lines) {
      if (value >= open.amount) break;
      const left = line.quantity - (current.returnedQuantities[line.lineId] ?? 0);
      const back = current.returnedCodes?.[line.lineId] ?? [];
      const codes = unitCodesOf(line).filter((code) => !back.includes(code));
      let qty = 0;
      while (qty < left && value < open.amount) {
        qty += 1;
        value += line.price.amount;
      }
      if (qty === 0) continue;
      const marked = line.subject === 'marked-goods' || codes.length > 0;
      lines.push({ lineId: line.lineId, qty, ...(marked ? { markingCodes: codes.slice(0, qty) } : {}) });
    }
    if (value < open.amount || lines.length === 0) continue;
    const run = simulate([s.assignGoods(at, movementId, lines)], current);
    current = run.state;
    events.push(...run.events);
    outcomes.push(...run.outcomes);
  }
  return { state: current, events, outcomes };
};
