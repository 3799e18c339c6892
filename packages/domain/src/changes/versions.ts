import { rehydrate, type Envelope } from '@ordersource/core';
import { orderDecider } from '../order/decider.js';
import type { OrderEvent } from '../order/events.js';
import type { OrderState } from '../order/state.js';
import { renderOrderSummaryText } from '../order/projections/order-summary.js';

/**
 * Issue 17: order versions. Every committed change is a run of events on the
 * order stream caused by its commands (`<changeId>:apply:<n>`); the version
 * after that run is the order's version for that change, and its state and
 * summary are the fold of the stream up to it (the kernel's time travel).
 */

export type OrderVersion = Readonly<{ changeId: string | null; version: number; at: string }>;

/** The versions of one order: its placement, then one per change that touched it (in stream order). */
export const orderVersionsOf = (history: readonly Envelope<OrderEvent>[]): OrderVersion[] => {
  const out: OrderVersion[] = [];
  history.forEach((envelope, index) => {
    const cause = envelope.causationId ?? '';
    const at = cause.indexOf(':apply:');
    const changeId = at > 0 ? cause.slice(0, at) : null;
    const last = out[out.length - 1];
    if (index === 0) out.push({ changeId: null, version: 0, at: envelope.occurredAt });
    else if (changeId !== null) {
      if (last !== undefined && last.changeId === changeId) out[out.length - 1] = { ...last, version: index };
      else out.push({ changeId, version: index, at: envelope.occurredAt });
    }
  });
  return out;
};

/** The order as it stood at `version` (0-based stream version, inclusive). */
export const orderAtVersion = (history: readonly Envelope<OrderEvent>[], version: number): OrderState =>
  rehydrate(
    orderDecider,
    history.slice(0, version + 1).map((e) => e.event),
  );

/** The plain-text summary of the order at `version` (the order-summary projection's renderer). */
export const orderSummaryAtVersion = (history: readonly Envelope<OrderEvent>[], version: number): string =>
  renderOrderSummaryText(orderAtVersion(history, version));
