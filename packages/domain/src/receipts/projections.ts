import { createEnvelopeDecoder, type Envelope, type Money, type Projection } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Draft } from 'immer';
import { ReceiptsEventCodec, type ReceiptsEvent } from './events.js';
import {
  isClosingKind,
  isPrepaymentKind,
  type Operation,
  type PaymentMethodTag,
  type ReceiptKind,
  type VatCode,
} from './kinds.js';
import { newMoneyOf, type Receipt } from './receipt.js';
import type { ReceiptStatus } from './state.js';
import { receiptVat } from './vat.js';

/**
 * Read models over receipts streams: the receipts register (per order and per
 * day, with totals by VAT rate) and the reconciliation of money against
 * receipts (money received, money returned, advances not yet offset).
 */

/**
 * Gross amount and the VAT included in it, in minor units: `vat` is the receipt
 * total for the rate (tags 1102..1107, rounded once from `gross`), `positionsVat`
 * the sum of the positions' own VAT (tag 1200); see vat.ts.
 */
export type VatTotal = { gross: number; vat: number; positionsVat: number };

export type RegisterRow = {
  receiptId: string;
  orderId: string;
  /** Calendar day of `issuedAt` as written (its own offset), YYYY-MM-DD. */
  day: string;
  kind: ReceiptKind;
  /** Tag 1214. */
  paymentMethod: PaymentMethodTag;
  /** Tag 1054. */
  operation: Operation;
  total: Money;
  /** Cash + electronic: money that changed hands with this receipt. */
  newMoney: Money;
  byVat: Partial<Record<VatCode, VatTotal>>;
  status: ReceiptStatus;
  fiscalSign?: string;
};

export type DaySummary = {
  currency: string;
  receipts: number;
  /** Totals of income and income-return receipts (what the register's shift report shows). */
  income: number;
  incomeReturn: number;
  byKind: Partial<Record<ReceiptKind, number>>;
  /** Signed: returns subtract. */
  byVat: Partial<Record<VatCode, VatTotal>>;
};

export type ReceiptsRegister = {
  byOrder: Record<string, RegisterRow[]>;
  /** day -> currency -> summary. */
  byDay: Record<string, Record<string, DaySummary>>;
  /** receiptId -> [orderId, index in byOrder], to update status rows. */
  index: Record<string, { orderId: string; position: number }>;
};

const decode = createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec);
const filter = { streamPrefix: 'receipts-' };

/**
 * Gross and included VAT per rate, as the register states them (vat.ts). The
 * decider only issues receipts whose items add up to a safe total, so
 * `receiptVat` cannot fail here; were it to, the row shows no VAT rather than a
 * wrong figure.
 */
export const vatTotalsOf = (receipt: Receipt): Partial<Record<VatCode, VatTotal>> => {
  const lines = receiptVat(receipt.items);
  const totals: Partial<Record<VatCode, VatTotal>> = {};
  if (E.isLeft(lines)) return totals;
  for (const line of lines.right)
    totals[line.rate] = { gross: line.gross.amount, vat: line.vat.amount, positionsVat: line.positionsVat.amount };
  return totals;
};

const rowOf = (receipt: Receipt): RegisterRow => ({
  receiptId: receipt.receiptId,
  orderId: receipt.orderId,
  day: receipt.issuedAt.slice(0, 10),
  kind: receipt.kind,
  paymentMethod: receipt.paymentMethod,
  operation: receipt.operation,
  total: receipt.total,
  newMoney: { amount: newMoneyOf(receipt), currency: receipt.total.currency },
  byVat: vatTotalsOf(receipt),
  status: 'pending',
});

const addToDay = (draft: Draft<ReceiptsRegister>, row: RegisterRow): void => {
  const days = (draft.byDay[row.day] ??= {});
  const summary = (days[row.total.currency] ??= {
    currency: row.total.currency,
    receipts: 0,
    income: 0,
    incomeReturn: 0,
    byKind: {},
    byVat: {},
  });
  const sign = row.operation === 'income' ? 1 : -1;
  summary.receipts += 1;
  if (row.operation === 'income') summary.income += row.total.amount;
  else summary.incomeReturn += row.total.amount;
  summary.byKind[row.kind] = (summary.byKind[row.kind] ?? 0) + 1;
  for (const [vat, total] of Object.entries(row.byVat) as [VatCode, VatTotal][]) {
    const entry = (summary.byVat[vat] ??= { gross: 0, vat: 0, positionsVat: 0 });
    entry.gross += sign * total.gross;
    entry.vat += sign * total.vat;
    entry.positionsVat += sign * total.positionsVat;
  }
};

export const receiptsRegisterProjection: Projection<ReceiptsRegister, ReceiptsEvent> = {
  name: 'receipts-register',
  initialState: { byOrder: {}, byDay: {}, index: {} },
  decode,
  filter,
  evolve: (draft, envelope: Envelope<ReceiptsEvent>) => {
    const event = envelope.event;
    switch (event.type) {
      case 'ReceiptIssued': {
        const row = rowOf(event.data.receipt);
        if (draft.index[row.receiptId] !== undefined) return;
        const rows = (draft.byOrder[row.orderId] ??= []);
        draft.index[row.receiptId] = { orderId: row.orderId, position: rows.length };
        rows.push(structuredCloneRow(row));
        addToDay(draft, row);
        return;
      }
      case 'ReceiptAccepted':
      case 'ReceiptRejected':
      case 'ReceiptCorrected': {
        const at = draft.index[event.data.receiptId];
        const row = at === undefined ? undefined : draft.byOrder[at.orderId]?.[at.position];
        if (row === undefined) return;
        if (event.type === 'ReceiptAccepted') {
          row.status = 'accepted';
          row.fiscalSign = event.data.fiscalSign;
        } else row.status = event.type === 'ReceiptRejected' ? 'rejected' : 'pending';
        return;
      }
      default:
        return;
    }
  },
};

/** Rows hold fresh objects only: stored payloads are frozen and shared. */
const structuredCloneRow = (row: RegisterRow): RegisterRow => ({
  ...row,
  total: { ...row.total },
  newMoney: { ...row.newMoney },
});

/** Money against receipts, per order (minor units in the order's currency). */
export type Reconciliation = {
  orderId: string;
  currency: string;
  moneyReceived: number;
  moneyReturned: number;
  /** Advances and prepayments neither offset by a closing receipt nor returned. */
  advancesNotOffset: number;
  /** Offset by closing receipts so far. */
  offset: number;
  /** Goods handed over on credit and not yet repaid. */
  credit: number;
  closed: boolean;
  /**
   * Issue 9: money refunded beyond what return receipts could cover and not yet put right (`RefundBeyondReceipts`,
   * `UnreceiptedRefundRepaid`): an admin's flag. Money received − money returned − this = what the provider says.
   */
  unreceiptedRefund: number;
  /**
   * Issue 9 (PAY-5, REC-7): money refunded after the closing receipt with no goods named (`RefundGoodsUnassigned`)
   * and not yet assigned to goods (`AssignRefundGoods`): movementId -> amount, and their sum. Money received − money
   * returned − unreceipted − this = what the provider says.
   */
  unassignedRefund: number;
  unassignedRefunds: Record<string, number>;
};

const emptyEntry = (orderId: string, currency: string): Reconciliation => ({
  orderId,
  currency,
  moneyReceived: 0,
  moneyReturned: 0,
  advancesNotOffset: 0,
  offset: 0,
  credit: 0,
  closed: false,
  unreceiptedRefund: 0,
  unassignedRefund: 0,
  unassignedRefunds: {},
});

export type ReconciliationView = Record<string, Reconciliation>;

/** `partial`: a full settlement of some lines only (REC-4, a mixed order's digital lines): the order stays open. */
export const reconcile = (
  draft: Draft<ReconciliationView> | ReconciliationView,
  receipt: Receipt,
  partial = false,
): void => {
  const entry = (draft[receipt.orderId] ??= emptyEntry(receipt.orderId, receipt.total.currency));
  const fresh = newMoneyOf(receipt);
  const consumed = receipt.offsets.reduce((sum, offset) => sum + offset.amount.amount, 0);
  entry.advancesNotOffset -= consumed;
  if (receipt.operation === 'income-return') {
    entry.moneyReturned += fresh;
    return;
  }
  entry.moneyReceived += fresh;
  if (isPrepaymentKind(receipt.kind)) entry.advancesNotOffset += receipt.total.amount;
  if (isClosingKind(receipt.kind)) {
    entry.offset += consumed;
    entry.credit += receipt.payments.credit.amount;
    if (!partial) entry.closed = true;
  }
  if (receipt.kind === 'credit-repayment') entry.credit -= receipt.total.amount;
};

export const reconciliationProjection: Projection<ReconciliationView, ReceiptsEvent> = {
  name: 'receipts-reconciliation',
  initialState: {},
  decode,
  filter,
  evolve: (draft, envelope) => {
    const event = envelope.event;
    if (event.type === 'ReceiptIssued') reconcile(draft, event.data.receipt, event.data.partial === true);
    if (event.type === 'RefundBeyondReceipts' || event.type === 'UnreceiptedRefundRepaid') {
      const amount = event.type === 'RefundBeyondReceipts' ? event.data.unreceipted : event.data.amount;
      const entry = (draft[event.data.orderId] ??= emptyEntry(event.data.orderId, amount.currency));
      entry.unreceiptedRefund =
        event.type === 'RefundBeyondReceipts'
          ? entry.unreceiptedRefund + amount.amount
          : Math.max(0, entry.unreceiptedRefund - amount.amount);
    }
    if (event.type === 'RefundGoodsUnassigned') {
      const entry = (draft[event.data.orderId] ??= emptyEntry(event.data.orderId, event.data.amount.currency));
      entry.unassignedRefund += event.data.amount.amount;
      (entry.unassignedRefunds ??= {})[event.data.movementId] = event.data.amount.amount;
    }
    if (
      event.type === 'RefundGoodsAssigned' ||
      event.type === 'UnassignedRefundReversed' ||
      event.type === 'UnassignedRefundUnreceipted'
    ) {
      const refund = event.type === 'UnassignedRefundReversed' ? event.data.refundMovementId : event.data.movementId;
      const entry = draft[event.data.orderId];
      const open = entry?.unassignedRefunds?.[refund];
      if (entry === undefined || open === undefined) return;
      const settled = Math.min(open, event.data.amount.amount);
      entry.unassignedRefund -= settled;
      if (event.type === 'UnassignedRefundUnreceipted') entry.unreceiptedRefund += settled;
      if (open === settled) delete entry.unassignedRefunds[refund];
      else entry.unassignedRefunds[refund] = open - settled;
    }
  },
};
