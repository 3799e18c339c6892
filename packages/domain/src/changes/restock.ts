import { derivedId } from '@ordersource/core';
import type { OrderChangeState } from './state.js';

/** Units the shop takes back into stock (inventory port). */
export type RestockLine = Readonly<{ lineId: string; sku: string; qty: number }>;

export type RestockRequest = Readonly<{
  restockId: string;
  orderId: string;
  changeId: string;
  lines: readonly RestockLine[];
}>;

/** The received units the shop chose to restock, with their SKUs (from the change's basis). */
export const restockLinesOf = (change: OrderChangeState): RestockLine[] => {
  const skuOf = (lineId: string) => change.basis?.lines.find((l) => l.lineId === lineId)?.sku ?? lineId;
  return change.received
    .filter((item) => item.restock)
    .map((item) => ({ lineId: item.lineId, sku: skuOf(item.lineId), qty: item.qty }));
};

/**
 * Issue 17: what the inventory port is asked once a change is applied, and
 * only then: the order took the refund (`OrderChangeApplied`), so goods are
 * never restocked for a change the order refused (`failed`) or that was
 * called off. Undefined when nothing is owed. `restockId` derives from the
 * change alone, so every re-delivery of the applied event asks the same
 * restock (the port is idempotent by it: at least once per `restockId`).
 */
export const restockOf = (change: OrderChangeState): RestockRequest | undefined => {
  if (change.status !== 'applied' || change.basis === null) return undefined;
  const lines = restockLinesOf(change);
  if (lines.length === 0) return undefined;
  return {
    restockId: derivedId('order-change-restock', change.changeId),
    orderId: change.basis.orderId,
    changeId: change.changeId,
    lines,
  };
};
