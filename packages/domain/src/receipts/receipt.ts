import { IsoInstant, MoneyCodec, NonEmptyString, NonNegativeMoneyCodec, PositiveInt } from '@ordersource/core';
import type { Money } from '@ordersource/core';
import * as t from 'io-ts';
import {
  OperationCodec,
  PaymentMethodTagCodec,
  PaymentSubjectCodec,
  ReceiptKindCodec,
  VatCodeCodec,
  type Operation,
  type PaymentMethodTag,
  type PaymentSubject,
  type ReceiptKind,
  type VatCode,
} from './kinds.js';

/**
 * A fiscal receipt as it goes to the online cash register: every field the
 * register needs, and the accounting links (which earlier receipts it offsets
 * or returns) that let us prove the money adds up.
 */

/** One position on the receipt (tags 1030, 1023, 2108, 1079, 1043, 1199, 1212, 1214, 2000). */
export type ReceiptItem = Readonly<{
  /** The order line it comes from; absent on advance and credit positions. */
  lineId?: string;
  name: string;
  quantity: number;
  unit: string;
  price: Money;
  /** price x quantity. */
  amount: Money;
  vat: VatCode;
  subject: PaymentSubject;
  paymentMethod: PaymentMethodTag;
  /** Passed through byte for byte (REC-6). */
  markingCode?: string;
}>;

export const ReceiptItemCodec: t.Type<ReceiptItem, ReceiptItem, unknown> = t.intersection(
  [
    t.strict({
      name: NonEmptyString,
      quantity: PositiveInt,
      unit: NonEmptyString,
      price: NonNegativeMoneyCodec,
      amount: NonNegativeMoneyCodec,
      vat: VatCodeCodec,
      subject: PaymentSubjectCodec,
      paymentMethod: PaymentMethodTagCodec,
    }),
    t.exact(t.partial({ lineId: NonEmptyString, markingCode: NonEmptyString })),
  ],
  'ReceiptItem',
);

/**
 * How the total was paid: new money (cash 1031, electronic 1081), offset of
 * earlier prepayments (1215) or left on credit (1216). Their sum is the total.
 */
export type ReceiptPayments = Readonly<{ cash: Money; electronic: Money; prepayment: Money; credit: Money }>;

export const ReceiptPaymentsCodec: t.Type<ReceiptPayments, ReceiptPayments, unknown> = t.strict(
  {
    cash: NonNegativeMoneyCodec,
    electronic: NonNegativeMoneyCodec,
    prepayment: NonNegativeMoneyCodec,
    credit: NonNegativeMoneyCodec,
  },
  'ReceiptPayments',
);

/** An earlier advance or prepayment receipt and how much of it this receipt consumes. */
export type Offset = Readonly<{ receiptId: string; amount: Money }>;
export const OffsetCodec: t.Type<Offset, Offset, unknown> = t.strict(
  { receiptId: NonEmptyString, amount: MoneyCodec },
  'Offset',
);

/** What caused the receipt: a money movement, a handover, or the closing date (REC-8). */
export type ReceiptCause = Readonly<{ kind: 'payment' | 'refund' | 'handover' | 'date'; id: string }>;
export const ReceiptCauseCodec: t.Type<ReceiptCause, ReceiptCause, unknown> = t.strict(
  {
    kind: t.keyof({ payment: null, refund: null, handover: null, date: null }),
    id: NonEmptyString,
  },
  'ReceiptCause',
);

export type Receipt = Readonly<{
  /** Stable: derived from the order, the cause and the receipt's role, never random. */
  receiptId: string;
  orderId: string;
  kind: ReceiptKind;
  operation: Operation;
  /** Tag 1214 of the receipt (every item carries the same value). */
  paymentMethod: PaymentMethodTag;
  items: readonly ReceiptItem[];
  total: Money;
  payments: ReceiptPayments;
  /**
   * Earlier advance/prepayment receipts this one consumes: a closing receipt
   * offsets them (REC-5), a return of an advance gives them back (REC-7).
   */
  offsets: readonly Offset[];
  cause: ReceiptCause;
  issuedAt: string;
}>;

export const ReceiptCodec: t.Type<Receipt, Receipt, unknown> = t.strict(
  {
    receiptId: NonEmptyString,
    orderId: NonEmptyString,
    kind: ReceiptKindCodec,
    operation: OperationCodec,
    paymentMethod: PaymentMethodTagCodec,
    items: t.readonlyArray(ReceiptItemCodec),
    total: NonNegativeMoneyCodec,
    payments: ReceiptPaymentsCodec,
    offsets: t.readonlyArray(OffsetCodec),
    cause: ReceiptCauseCodec,
    issuedAt: IsoInstant,
  },
  'Receipt',
);

/** New money on a receipt: what actually changed hands (cash + electronic). */
export const newMoneyOf = (receipt: Receipt): number =>
  receipt.payments.cash.amount + receipt.payments.electronic.amount;

/** Signed new money: positive for income, negative for a return. */
export const signedMoneyOf = (receipt: Receipt): number =>
  receipt.operation === 'income' ? newMoneyOf(receipt) : -newMoneyOf(receipt);

export const itemsTotalOf = (items: readonly ReceiptItem[]): number =>
  items.reduce((sum, item) => sum + item.amount.amount, 0);
