import type { Money, Projection } from '@ordersource/core';
import {
  isMarkedLine,
  reconciliationProjection,
  unitCodesOf,
  type Means,
  type Reconciliation,
  type ReceiptsEvent,
  type ReceiptsState,
  type ReconciliationView,
} from '@ordersource/domain/receipts';

/**
 * Issue 9 (PAY-5, REC-7): the shop's view of money against receipts. The
 * domain's `reconciliationProjection` folds every receipts stream into one
 * row per order; this read model keeps it (a projection worker of the shop,
 * like the orders list) and adds what an admin needs to act on it: which
 * orders need attention (a refund recorded with no goods named, money
 * refunded beyond any receipt) and since when, oldest first.
 */

export type ReconciliationModel = Readonly<{
  byOrder: ReconciliationView;
  /** orderId -> when it began to need attention: the time of the event that opened it (kept while it stays open). */
  attentionSince: Record<string, string>;
}>;

const STREAM_PREFIX = 'receipts-';

/** An order needs an admin while a refund waits for its goods or money went back with no receipt. */
export const needsAttention = (entry: Reconciliation): boolean =>
  entry.unassignedRefund > 0 || entry.unreceiptedRefund > 0;

export const shopReconciliationProjection: Projection<ReconciliationModel, ReceiptsEvent> = {
  name: 'receipts.reconciliation',
  initialState: { byOrder: {}, attentionSince: {} },
  decode: reconciliationProjection.decode,
  ...(reconciliationProjection.filter === undefined ? {} : { filter: reconciliationProjection.filter }),
  evolve: (draft, envelope) => {
    reconciliationProjection.evolve(draft.byOrder, envelope);
    // Receipts streams are `receipts-<orderId>`; the domain projection keys its rows by the same order id.
    if (!envelope.streamId.startsWith(STREAM_PREFIX)) return;
    const orderId = envelope.streamId.slice(STREAM_PREFIX.length);
    const entry = draft.byOrder[orderId];
    if (entry !== undefined && needsAttention(entry)) draft.attentionSince[orderId] ??= envelope.occurredAt;
    else delete draft.attentionSince[orderId];
  },
};

/** One refund recorded with no goods named, and what of it is still unassigned. */
export type OpenRefund = Readonly<{
  /** `<paymentId>:refund-<refundId>`: what `AssignRefundGoods.movementId` names. */
  movementId: string;
  amount: Money;
  /** How the money went back (the income return is paid with it). */
  means?: Means;
}>;

/** An order an admin has to look at (issue 9): its open refunds and the money refunded beyond any receipt. */
export type ReconciliationAttention = Readonly<{
  orderId: string;
  currency: string;
  /** When it began to need attention. */
  since: string;
  unassignedRefund: Money;
  openRefunds: readonly OpenRefund[];
  /** Money refunded beyond what return receipts could cover and not yet put right: only a flag, nothing to assign. */
  unreceiptedRefund: Money;
}>;

/**
 * A receipt position that can still come back: settled, not returned yet
 * (what `AssignRefundGoods.lines` may name). `lineId` is the position's id:
 * the order line, or `<lineId>~1` for the kopeck-dearer units of a split line.
 */
export type ReturnableGoods = Readonly<{
  lineId: string;
  name: string;
  unit: string;
  price: Money;
  /** Units settled and still with the customer. */
  quantity: number;
  /** REC-6: a marked line's units come back by their codes: the codes not returned yet. Absent for other goods. */
  markingCodes?: readonly string[];
}>;

/** The reconciliation of one order, with what the admin's form needs to assign goods to its refunds. */
export type OrderReconciliation = Reconciliation &
  Readonly<{
    needsAttention: boolean;
    since?: string;
    openRefunds: readonly OpenRefund[];
    /** Goods still with the customer, while a refund waits for its goods (else empty: nothing to assign). */
    returnable: readonly ReturnableGoods[];
  }>;

const money = (amount: number, currency: string): Money => ({ amount, currency });

/** The open refunds of a row, in the order they were recorded; `means` when the receipts state is at hand. */
const openRefundsOf = (entry: Reconciliation, state?: ReceiptsState): OpenRefund[] =>
  Object.entries(entry.unassignedRefunds ?? {})
    .filter(([, amount]) => amount > 0)
    .map(([movementId, amount]) => {
      const means = state?.unassignedRefunds?.[movementId]?.means;
      return { movementId, amount: money(amount, entry.currency), ...(means === undefined ? {} : { means }) };
    });

export const attentionOf = (entry: Reconciliation, since: string): ReconciliationAttention => ({
  orderId: entry.orderId,
  currency: entry.currency,
  since,
  unassignedRefund: money(entry.unassignedRefund, entry.currency),
  openRefunds: openRefundsOf(entry),
  unreceiptedRefund: money(entry.unreceiptedRefund, entry.currency),
});

/** Every order needing attention, the longest waiting first (then by order id). */
export const ordersNeedingAttention = (model: ReconciliationModel): readonly ReconciliationAttention[] =>
  Object.entries(model.attentionSince)
    .flatMap(([orderId, since]) => {
      const entry = model.byOrder[orderId];
      return entry === undefined ? [] : [attentionOf(entry, since)];
    })
    .sort((a, b) => (a.since === b.since ? a.orderId.localeCompare(b.orderId) : a.since < b.since ? -1 : 1));

/**
 * The receipt positions not returned yet, from the order's receipts state:
 * the goods the decider counts as still with the customer (`goodsLeft`), so
 * the goods an unassigned refund may name.
 */
export const returnableGoods = (state: ReceiptsState): readonly ReturnableGoods[] => {
  const out: ReturnableGoods[] = [];
  for (const line of state.lines) {
    const quantity = line.quantity - (state.returnedQuantities[line.lineId] ?? 0);
    if (quantity <= 0) continue;
    const back = new Set(state.returnedCodes?.[line.lineId] ?? []);
    const codes = isMarkedLine(line) ? unitCodesOf(line).filter((code) => !back.has(code)) : undefined;
    out.push({
      lineId: line.lineId,
      name: line.name,
      unit: line.unit,
      price: { ...line.price },
      quantity,
      ...(codes === undefined ? {} : { markingCodes: codes }),
    });
  }
  return out;
};

export const orderReconciliationOf = (
  entry: Reconciliation,
  model: ReconciliationModel,
  state: ReceiptsState,
): OrderReconciliation => {
  const since = model.attentionSince[entry.orderId];
  return {
    ...entry,
    unassignedRefunds: { ...entry.unassignedRefunds },
    needsAttention: needsAttention(entry),
    ...(since === undefined ? {} : { since }),
    openRefunds: openRefundsOf(entry, state),
    returnable: entry.unassignedRefund > 0 ? returnableGoods(state) : [],
  };
};
