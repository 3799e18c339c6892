import {
  eventCodec,
  IsoInstant,
  NonEmptyString,
  NonNegativeInt,
  NonNegativeMoneyCodec,
  PositiveInt,
  PositiveMoneyCodec,
  type Money,
} from '@ordersource/core';
import * as t from 'io-ts';
import {
  CloseOnCodec,
  HandoverStageCodec,
  ReceiptLineCodec,
  ReceiptsConfigCodec,
  ReturnedLineCodec,
  type CloseOn,
  type HandoverStage,
  type ReceiptLine,
  type ReceiptsConfig,
  type ReturnedLine,
} from './model.js';
import { MeansCodec, type Means } from './kinds.js';
import { ReceiptCodec, ReceiptItemCodec, type Receipt, type ReceiptItem } from './receipt.js';

/** Events of a receipts stream (`receipts-<orderId>`), one stream per order. */

export type ReceiptsConfigured = Readonly<{
  type: 'ReceiptsConfigured';
  data: Readonly<{ orderId: string; config: ReceiptsConfig }>;
}>;

/** The order's composition as it now stands (placed, or changed before the closing receipt). */
export type CompositionRecorded = Readonly<{
  type: 'CompositionRecorded';
  data: Readonly<{ orderId: string; changeId: string; lines: readonly ReceiptLine[] }>;
}>;

export type HandoverRecorded = Readonly<{
  type: 'HandoverRecorded';
  /** `at`: when it was recorded (added for the closing date "N days after delivery", REC-8); older events lack it. */
  data: Readonly<{ handoverId: string; stage: HandoverStage; at?: string }>;
}>;

/** REC-8 (issue 9.7): the order's closing-receipt trigger, as the order decided it. */
export type ClosingTriggerSet = Readonly<{ type: 'ClosingTriggerSet'; data: Readonly<{ closeOn: CloseOn }> }>;

/**
 * Goods came back before the closing receipt (a return window, REC-8): the
 * closing receipt lists the composition without them; the money went back
 * as a return of the advance.
 */
export type ReturnRecorded = Readonly<{
  type: 'ReturnRecorded';
  data: Readonly<{ movementId: string; lines: readonly ReturnedLine[] }>;
}>;

/**
 * A receipt is owed and ready for the register. `partial`: a full-settlement
 * receipt for some lines only (REC-4: the digital lines of a mixed order,
 * handed over at payment); it does not close the order.
 */
export type ReceiptIssued = Readonly<{
  type: 'ReceiptIssued';
  data: Readonly<{ receipt: Receipt; partial?: true }>;
}>;

export type ReceiptAccepted = Readonly<{
  type: 'ReceiptAccepted';
  data: Readonly<{
    receiptId: string;
    revision: number;
    fiscalSign: string;
    documentNumber: number;
    acceptedMarks: readonly string[];
  }>;
}>;

export type ReceiptRejected = Readonly<{
  type: 'ReceiptRejected';
  data: Readonly<{ receiptId: string; revision: number; reason: string; retryable: boolean }>;
}>;

/** An operator fixed a rejected receipt's positions (never its money); it goes out again as a new revision. */
export type ReceiptCorrected = Readonly<{
  type: 'ReceiptCorrected';
  data: Readonly<{ receiptId: string; revision: number; items: readonly ReceiptItem[]; reason: string }>;
}>;

/**
 * Issue 9 (PAY-5, REC-7): a refund went beyond what its return receipts may
 * give back (54-FZ: a return gives back what a settlement took in). The
 * receipts for `receipted` are issued beside this event; `unreceipted` is
 * recorded, flagged for admins, and put right by later money.
 */
export type RefundBeyondReceipts = Readonly<{
  type: 'RefundBeyondReceipts';
  data: Readonly<{ orderId: string; movementId: string; refund: Money; receipted: Money; unreceipted: Money }>;
}>;

/** Issue 9: new money that puts an unreceipted refund right (no receipt: none took it in); the rest is receipted. */
export type UnreceiptedRefundRepaid = Readonly<{
  type: 'UnreceiptedRefundRepaid';
  data: Readonly<{ orderId: string; movementId: string; amount: Money }>;
}>;

/**
 * Issue 9 (PAY-5, REC-7): after the closing receipt a refund named no goods (a provider or dashboard refund,
 * `external`) and gave back more than the advances not offset. A refund is a fact: its money is recorded here,
 * open, shown in the reconciliation, until an admin names the goods (`AssignRefundGoods`); no receipt guesses them.
 */
export type RefundGoodsUnassigned = Readonly<{
  type: 'RefundGoodsUnassigned';
  data: Readonly<{ orderId: string; movementId: string; amount: Money; means: Means }>;
}>;

/**
 * Issue 9: an admin named the goods of an unassigned refund; the income-return receipt `receiptId` for `amount`
 * of its money follows (all that was left, or the goods' value when less: the rest stays unassigned).
 */
export type RefundGoodsAssigned = Readonly<{
  type: 'RefundGoodsAssigned';
  data: Readonly<{
    orderId: string;
    movementId: string;
    amount: Money;
    receiptId: string;
    lines: readonly ReturnedLine[];
  }>;
}>;

/**
 * Issue 9: the provider reversed a refund recorded unassigned (`refundMovementId`): `amount` of it came back with
 * payment `movementId`, no goods to name for it and no receipt (none returned it); the rest of that payment is
 * receipted as usual.
 */
export type UnassignedRefundReversed = Readonly<{
  type: 'UnassignedRefundReversed';
  data: Readonly<{ orderId: string; movementId: string; refundMovementId: string; amount: Money }>;
}>;

/**
 * Issue 9: of a refund recorded unassigned, `amount` can no longer be assigned: the goods still with the
 * customer are worth less than the money unassigned (later returns took them). No return receipt can cover it:
 * it is unreceipted (`unreceiptedRefund`), as a refund beyond the receipts, until new money puts it right.
 */
export type UnassignedRefundUnreceipted = Readonly<{
  type: 'UnassignedRefundUnreceipted';
  data: Readonly<{ orderId: string; movementId: string; amount: Money }>;
}>;

export type ReceiptsEvent =
  | ReceiptsConfigured
  | CompositionRecorded
  | HandoverRecorded
  | ClosingTriggerSet
  | ReturnRecorded
  | ReceiptIssued
  | ReceiptAccepted
  | ReceiptRejected
  | ReceiptCorrected
  | RefundBeyondReceipts
  | UnreceiptedRefundRepaid
  | RefundGoodsUnassigned
  | RefundGoodsAssigned
  | UnassignedRefundReversed
  | UnassignedRefundUnreceipted;

export const ReceiptsEventCodec: t.Type<ReceiptsEvent, unknown, unknown> = t.union(
  [
    eventCodec('ReceiptsConfigured', t.strict({ orderId: NonEmptyString, config: ReceiptsConfigCodec })),
    eventCodec(
      'CompositionRecorded',
      t.strict({ orderId: NonEmptyString, changeId: NonEmptyString, lines: t.readonlyArray(ReceiptLineCodec) }),
    ),
    eventCodec(
      'HandoverRecorded',
      t.intersection([
        t.strict({ handoverId: NonEmptyString, stage: HandoverStageCodec }),
        t.exact(t.partial({ at: IsoInstant })),
      ]),
    ),
    eventCodec('ClosingTriggerSet', t.strict({ closeOn: CloseOnCodec })),
    eventCodec('ReturnRecorded', t.strict({ movementId: NonEmptyString, lines: t.readonlyArray(ReturnedLineCodec) })),
    eventCodec(
      'ReceiptIssued',
      t.intersection([t.strict({ receipt: ReceiptCodec }), t.exact(t.partial({ partial: t.literal(true) }))]),
    ),
    eventCodec(
      'ReceiptAccepted',
      t.strict({
        receiptId: NonEmptyString,
        revision: NonNegativeInt,
        fiscalSign: NonEmptyString,
        documentNumber: PositiveInt,
        acceptedMarks: t.readonlyArray(NonEmptyString),
      }),
    ),
    eventCodec(
      'ReceiptRejected',
      t.strict({ receiptId: NonEmptyString, revision: NonNegativeInt, reason: NonEmptyString, retryable: t.boolean }),
    ),
    eventCodec(
      'ReceiptCorrected',
      t.strict({
        receiptId: NonEmptyString,
        revision: PositiveInt,
        items: t.readonlyArray(ReceiptItemCodec),
        reason: NonEmptyString,
      }),
    ),
    eventCodec(
      'RefundBeyondReceipts',
      t.strict({
        orderId: NonEmptyString,
        movementId: NonEmptyString,
        refund: PositiveMoneyCodec,
        receipted: NonNegativeMoneyCodec,
        unreceipted: PositiveMoneyCodec,
      }),
    ),
    eventCodec(
      'UnreceiptedRefundRepaid',
      t.strict({ orderId: NonEmptyString, movementId: NonEmptyString, amount: PositiveMoneyCodec }),
    ),
    eventCodec(
      'RefundGoodsUnassigned',
      t.strict({ orderId: NonEmptyString, movementId: NonEmptyString, amount: PositiveMoneyCodec, means: MeansCodec }),
    ),
    eventCodec(
      'RefundGoodsAssigned',
      t.strict({
        orderId: NonEmptyString,
        movementId: NonEmptyString,
        amount: PositiveMoneyCodec,
        receiptId: NonEmptyString,
        lines: t.readonlyArray(ReturnedLineCodec),
      }),
    ),
    eventCodec(
      'UnassignedRefundReversed',
      t.strict({
        orderId: NonEmptyString,
        movementId: NonEmptyString,
        refundMovementId: NonEmptyString,
        amount: PositiveMoneyCodec,
      }),
    ),
    eventCodec(
      'UnassignedRefundUnreceipted',
      t.strict({ orderId: NonEmptyString, movementId: NonEmptyString, amount: PositiveMoneyCodec }),
    ),
  ],
  'ReceiptsEvent',
);

export const receiptsStreamId = (orderId: string): string => `receipts-${orderId}`;
