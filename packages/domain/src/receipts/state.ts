import { defaultConfig, type ReceiptLine, type ReceiptsConfig } from './model.js';
import type { Means } from './kinds.js';
import type { Receipt } from './receipt.js';

/**
 * What the receipts side knows about one order: its current composition, the
 * receipts issued and where they stand with the register, and the running
 * money account the policy decides from.
 */

export type ReceiptStatus = 'pending' | 'accepted' | 'rejected';

export type ReceiptRecord = {
  receipt: Receipt;
  /** Bumped by each correction; the register sees (receiptId, revision). */
  revision: number;
  status: ReceiptStatus;
  /** Register answers received for the current revision. */
  attempts: number;
  fiscalSign?: string;
  documentNumber?: number;
  /** Marking codes the register verified: printed with [M+] (REC-6). */
  acceptedMarks: string[];
  rejection?: { reason: string; retryable: boolean };
};

/** Money taken before handover and not yet offset by a closing receipt or returned, in minor units. */
export type Outstanding = { receiptId: string; remaining: number };

/** A refund whose goods are not named yet (issue 9): its money, in minor units, and its means. */
export type UnassignedRefund = {
  /** The money the refund gave back with no goods named (beyond the advances it returned). */
  amount: number;
  means: Means;
  /** Of it, what admins assigned to goods so far, and the income-return receipts that did. */
  assigned: number;
  receiptIds: string[];
  /** Of it, what came back to the shop since (the provider reversed the refund): no goods to name for it. */
  reversed?: number;
  /** Of it, what no goods are left to name for (later returns took them): unreceipted, as beyond the receipts. */
  unreceipted?: number;
};

/** What is still unassigned of one refund. */
export const unassignedLeft = (entry: UnassignedRefund): number =>
  entry.amount - entry.assigned - (entry.reversed ?? 0) - (entry.unreceipted ?? 0);

export type ReceiptsState = {
  orderId: string | null;
  currency: string | null;
  config: ReceiptsConfig;
  lines: ReceiptLine[];
  /** The composition changed after a receipt: the next payment is an advance (REC-3). */
  changedAfterReceipt: boolean;
  handedOver: boolean;
  /** When the goods were first handed over, shipped or delivered (REC-8: a trigger changed after it); absent in older states. */
  handedOverAt?: string;
  /**
   * REC-4: lineId -> units settled before the closing receipt (a mixed order's digital lines, at payment) and not
   * returned since. Units, not lines: a settled line whose quantity is raised later leaves the extra units to settle.
   * Absent in older states.
   */
  settledUnits?: Record<string, number>;
  /** When the goods first reached the customer (REC-8 "N days after delivery"); absent in older states. */
  deliveredAt?: string;
  /** Set once the closing receipt is issued; from then on the order is locked (REC-5, ORD-9). */
  closingReceiptId: string | null;
  /** Advances and prepayments not yet offset, oldest first. */
  outstanding: Outstanding[];
  /** Goods handed over but not paid (tag 1216), in minor units. */
  credit: number;
  /** New money received and returned, in minor units. */
  received: number;
  returned: number;
  /**
   * Issue 9 (PAY-5, REC-7): money refunded beyond what return receipts could cover (more went back than this
   * order took in) and not yet put right by new money, in minor units. Shown to admins; absent in older states.
   */
  unreceiptedRefund?: number;
  /**
   * Issue 9 (PAY-5, REC-7): refunds after the closing receipt that named no goods (a provider or dashboard refund)
   * beyond the advances not offset: movementId -> the money no receipt returned yet and how it went back.
   * `assigned`: what admins named goods for so far (`AssignRefundGoods`, one or more). Absent in older states.
   */
  unassignedRefunds?: Record<string, UnassignedRefund>;
  /** lineId -> quantity returned: after settlement, or before it (the closing receipt then leaves them out). */
  returnedQuantities: Record<string, number>;
  /** REC-6 (issue 9.5): lineId -> marking codes of the marked units returned. Absent in older states. */
  returnedCodes?: Record<string, string[]>;
  /** "payment:<id>" | "refund:<id>" | "handover:<id>" | "date:<at>" -> receipt ids it caused. */
  causes: Record<string, string[]>;
  receipts: Record<string, ReceiptRecord>;
  /** Receipt ids in issue order. */
  issued: string[];
};

export const initialReceiptsState: ReceiptsState = {
  orderId: null,
  currency: null,
  config: defaultConfig,
  lines: [],
  changedAfterReceipt: false,
  handedOver: false,
  closingReceiptId: null,
  outstanding: [],
  credit: 0,
  received: 0,
  returned: 0,
  returnedQuantities: {},
  causes: {},
  receipts: {},
  issued: [],
};

export const causeKey = (kind: string, id: string): string => `${kind}:${id}`;

export const isClosed = (state: ReceiptsState): boolean => state.closingReceiptId !== null;

export const outstandingTotal = (state: Pick<ReceiptsState, 'outstanding'>): number =>
  state.outstanding.reduce((sum, entry) => sum + entry.remaining, 0);

/** Issue 9: money refunded with no goods named and not assigned to goods yet, in minor units. */
export const openUnassigned = (state: Pick<ReceiptsState, 'unassignedRefunds'>): number =>
  Object.values(state.unassignedRefunds ?? {}).reduce((sum, entry) => sum + unassignedLeft(entry), 0);

/** Goods settled and not returned yet, at their settled prices (issue 9: what an unassigned refund may name). */
export const goodsLeft = (state: ReceiptsState): number =>
  state.lines.reduce(
    (sum, line) => sum + line.price.amount * Math.max(0, line.quantity - (state.returnedQuantities[line.lineId] ?? 0)),
    0,
  );

export const goodsTotal = (lines: readonly ReceiptLine[]): number =>
  lines.reduce((sum, line) => sum + line.price.amount * line.quantity, 0);

/** REC-4: units of a line settled at payment and still with the customer. */
export const settledUnitsOf = (state: Pick<ReceiptsState, 'settledUnits'>, lineId: string): number =>
  state.settledUnits?.[lineId] ?? 0;

/**
 * What the closing receipt still has to settle: the composition without the
 * units settled early (REC-4) and without the units returned before it (a
 * return window, REC-8). Before any of those, the composition itself.
 */
export const openLines = (state: ReceiptsState): ReceiptLine[] => {
  const out: ReceiptLine[] = [];
  for (const line of state.lines) {
    // Each unit counts once: a settled unit that came back leaves `settledUnits` and is in `returnedQuantities`.
    const quantity = line.quantity - (state.returnedQuantities[line.lineId] ?? 0) - settledUnitsOf(state, line.lineId);
    if (quantity <= 0) continue;
    if (quantity === line.quantity) {
      out.push(line);
      continue;
    }
    // REC-6: a marked unit that came back leaves the closing receipt by its code.
    const back = state.returnedCodes?.[line.lineId];
    const codes =
      line.markingCodes === undefined || back === undefined
        ? line.markingCodes
        : line.markingCodes.filter((code) => !back.includes(code));
    out.push({ ...line, quantity, ...(codes === undefined ? {} : { markingCodes: codes }) });
  }
  return out;
};

const DAY_MS = 86_400_000;

/**
 * REC-8: when a closing receipt configured for a later date goes out: the
 * configured date, or N days after delivery. Undefined when the trigger is a
 * handover, the order is closed already, or the goods have not been handed
 * over yet (the closing receipt then goes out at the handover, if later).
 */
export const closingDateOf = (state: ReceiptsState): string | undefined => {
  const closeOn = state.config.closeOn;
  // Everything came back before the closing receipt: there is nothing left to settle.
  if (isClosed(state) || !state.handedOver || openLines(state).length === 0) return undefined;
  switch (closeOn.trigger) {
    case 'date':
      return closeOn.at;
    case 'days-after-delivery':
      return state.deliveredAt === undefined
        ? undefined
        : new Date(Date.parse(state.deliveredAt) + closeOn.days * DAY_MS).toISOString();
    // A handover closes at once under these; still open here means the trigger changed after the handover
    // (issue 9.7): the closing receipt is due now, from the timer.
    case 'shipment':
      return state.handedOverAt ?? state.deliveredAt;
    case 'delivery':
      return state.deliveredAt;
  }
};
