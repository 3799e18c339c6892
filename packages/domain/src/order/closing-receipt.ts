import { handedOver, type Handover } from './handover.js';
import type { OrderState } from './state.js';
import { DEFAULT_CLOSE_ON, type CloseOn } from './close-on.js';

/**
 * REC-8, ORD-9 (issue 9.7): when the closing fiscal receipt goes out, and
 * what that means for edits. The rule belongs to the order, because the
 * order decider must know when its composition becomes final; the receipts
 * stream gets the same rule from the order's events (`from-order-events.ts`).
 */

export const closeOnOf = (state: Pick<OrderState, 'closingReceipt'>): CloseOn =>
  state.closingReceipt ?? DEFAULT_CLOSE_ON;

const DAY_MS = 86_400_000;

/**
 * Where the order stands for edits (ORD-9):
 * - `open`: nothing handed over yet (or only shipped, under a later trigger);
 *   every edit is allowed by the usual rules;
 * - `handed-over`: the goods reached the customer, but the closing receipt
 *   waits for its trigger (a date, N days after delivery): prices may still
 *   be corrected and goods returned; what was handed over cannot change;
 * - `final`: the closing receipt is out (`locked`) or due by now
 *   (`due`: its trigger was reached and `LockOrder` may still be on its way):
 *   the composition can no longer change.
 *
 * `final` errs early, never late: the order refuses an edit whenever the
 * receipts stream may have issued the closing receipt already, so the
 * closing receipt always lists the composition the order has.
 */
export type EditPhase =
  | Readonly<{ phase: 'open' }>
  | Readonly<{ phase: 'handed-over'; handover: Handover; closeOn: CloseOn }>
  | Readonly<{ phase: 'final'; locked: true; lockedAt: string; receiptId?: string }>
  | Readonly<{ phase: 'final'; locked: false; closeOn: CloseOn; handover?: Handover }>;

const due = (closeOn: CloseOn, handover?: Handover): EditPhase => ({
  phase: 'final',
  locked: false,
  closeOn,
  ...(handover === undefined ? {} : { handover }),
});

export const editPhase = (state: OrderState, at: string): EditPhase => {
  if (state.locked !== undefined)
    return {
      phase: 'final',
      locked: true,
      lockedAt: state.locked.at,
      ...(state.locked.receiptId === undefined ? {} : { receiptId: state.locked.receiptId }),
    };
  const closeOn = closeOnOf(state);
  const handover = handedOver(state);
  // The courier took the money: the receipts policy settles with that payment, whatever the trigger.
  if (handover === 'paid-on-delivery') return due(closeOn, handover);
  // The goods left the shop (the receipts' "shipped" handover), or reached the customer.
  const left = handover !== undefined || state.shippedOutAt !== undefined;
  const window: EditPhase = handover === undefined ? { phase: 'open' } : { phase: 'handed-over', handover, closeOn };
  switch (closeOn.trigger) {
    case 'shipment':
      return left ? due(closeOn, handover) : window;
    case 'delivery':
      return handover !== undefined ? due(closeOn, handover) : window;
    case 'date':
      return left && Date.parse(at) >= Date.parse(closeOn.at) ? due(closeOn, handover) : window;
    case 'days-after-delivery': {
      const since = state.handedOverAt;
      if (handover === undefined || since === undefined) return window;
      return Date.parse(at) >= Date.parse(since) + closeOn.days * DAY_MS ? due(closeOn, handover) : window;
    }
  }
};
