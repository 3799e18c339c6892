import {
  commandCodec,
  decodeByType,
  IsoInstant,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  PositiveMoneyCodec,
  refine,
  type Command,
  type ValidationError,
} from '@ordersource/core';
import type * as E from 'fp-ts/lib/Either.js';
import type { Money } from '@ordersource/core';
import * as t from 'io-ts';
import { ChannelCodec, MeansCodec, type Channel, type Means } from './kinds.js';
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
import { ReceiptItemCodec, type ReceiptItem } from './receipt.js';
import { ReadonlyMarkingCodesCodec } from '../order/marking.js';
import { RegisterResponseCodec, type RegisterResponse } from './register.js';
import { RecordCreditReceiptCodec, type RecordCreditReceipt } from './store-credit-decide.js';

/**
 * Commands to a receipts stream. The Record* commands carry the facts of the
 * policy's input model (`model.ts`); a reactor derives them from order events
 * (`from-order-events.ts`), with ids derived from the causing event.
 */

export type ConfigureReceipts = Command<'ConfigureReceipts', Readonly<{ orderId: string; config: ReceiptsConfig }>>;

export type RecordComposition = Command<
  'RecordComposition',
  Readonly<{ orderId: string; changeId: string; lines: readonly ReceiptLine[] }>
>;

/** `reverses` (issue 9): the refund movement this money reverses (a refund reversed by the provider). */
export type RecordPayment = Command<
  'RecordPayment',
  Readonly<{ movementId: string; amount: Money; means: Means; channel: Channel; reverses?: string }>
>;

export type RecordRefund = Command<
  'RecordRefund',
  Readonly<{ movementId: string; amount: Money; means: Means; lines?: readonly ReturnedLine[] }>
>;

export type RecordHandover = Command<'RecordHandover', Readonly<{ handoverId: string; stage: HandoverStage }>>;

/** REC-8 (issue 9.7): the order's closing-receipt trigger (from the order's events); only `closeOn` changes. */
export type SetClosingTrigger = Command<'SetClosingTrigger', Readonly<{ closeOn: CloseOn }>>;

/** Sent by a scheduler when the configured closing date comes (REC-8); names the date it was scheduled for. */
export type ReachClosingDate = Command<'ReachClosingDate', Readonly<{ closingDate: string }>>;

export type RecordRegisterResponse = Command<
  'RecordRegisterResponse',
  Readonly<{ receiptId: string; revision: number; response: RegisterResponse }>
>;

export type CorrectReceipt = Command<
  'CorrectReceipt',
  Readonly<{ receiptId: string; items: readonly ReceiptItem[]; reason: string }>
>;

/**
 * Issue 9 (PAY-5, REC-7), an admin's: the goods a refund recorded with none
 * named (`RefundGoodsUnassigned`) gave back. `lineId` is a receipt position's
 * line id (the order line, or `<lineId>~1` for its kopeck-dearer units);
 * `markingCodes` name a marked line's units (REC-6). Issues the income-return
 * receipt for those goods for exactly the refund's money not assigned yet
 * (priced pro rata when they are worth more); goods worth less return at their
 * value and the rest stays open for another assignment.
 */
export type AssignRefundGoods = Command<
  'AssignRefundGoods',
  Readonly<{
    movementId: string;
    lines: readonly Readonly<{ lineId: string; qty: number; markingCodes?: readonly string[] }>[];
  }>
>;

const AssignedLineCodec = t.intersection(
  [
    t.strict({ lineId: NonEmptyString, qty: PositiveInt }),
    t.exact(t.partial({ markingCodes: ReadonlyMarkingCodesCodec })),
  ],
  'AssignedLine',
);

/** At least one line: an assignment names the goods that came back. */
const AssignedLinesCodec = refine(
  t.readonlyArray(AssignedLineCodec),
  (lines) => lines.length > 0,
  'AtLeastOneLine(an assignment names the goods that came back)',
);

export type ReceiptsCommand =
  | ConfigureReceipts
  | RecordComposition
  | RecordPayment
  | RecordRefund
  | RecordHandover
  | SetClosingTrigger
  | ReachClosingDate
  | RecordRegisterResponse
  | CorrectReceipt
  /** Issue 17: a store-credit account's receipt (`store-credit-decide.ts`). */
  | RecordCreditReceipt
  | AssignRefundGoods;

export const ReceiptsCommandCodec = t.union(
  [
    commandCodec('ConfigureReceipts', t.strict({ orderId: NonEmptyString, config: ReceiptsConfigCodec })),
    commandCodec(
      'RecordComposition',
      t.strict({ orderId: NonEmptyString, changeId: NonEmptyString, lines: t.readonlyArray(ReceiptLineCodec) }),
    ),
    commandCodec(
      'RecordPayment',
      t.intersection([
        t.strict({ movementId: NonEmptyString, amount: PositiveMoneyCodec, means: MeansCodec, channel: ChannelCodec }),
        t.exact(t.partial({ reverses: NonEmptyString })),
      ]),
    ),
    commandCodec(
      'RecordRefund',
      t.intersection([
        t.strict({ movementId: NonEmptyString, amount: PositiveMoneyCodec, means: MeansCodec }),
        t.exact(t.partial({ lines: t.readonlyArray(ReturnedLineCodec) })),
      ]),
    ),
    commandCodec('RecordHandover', t.strict({ handoverId: NonEmptyString, stage: HandoverStageCodec })),
    commandCodec('SetClosingTrigger', t.strict({ closeOn: CloseOnCodec })),
    commandCodec('ReachClosingDate', t.strict({ closingDate: IsoInstant })),
    commandCodec(
      'RecordRegisterResponse',
      t.strict({ receiptId: NonEmptyString, revision: NonNegativeInt, response: RegisterResponseCodec }),
    ),
    commandCodec(
      'CorrectReceipt',
      t.strict({ receiptId: NonEmptyString, items: t.readonlyArray(ReceiptItemCodec), reason: NonEmptyString }),
    ),
    RecordCreditReceiptCodec,
    commandCodec('AssignRefundGoods', t.strict({ movementId: NonEmptyString, lines: AssignedLinesCodec })),
  ],
  'ReceiptsCommand',
);

/**
 * Decode a receipts command from outside: every failing field named, every
 * unknown key named (issue 8.3); never throws, whatever the input.
 */
export const decodeReceiptsCommand: (input: unknown) => E.Either<ValidationError, ReceiptsCommand> = decodeByType(
  'receipts command',
  ReceiptsCommandCodec.types as unknown as readonly t.Type<ReceiptsCommand, unknown, unknown>[],
  'ReceiptsCommandType',
);
