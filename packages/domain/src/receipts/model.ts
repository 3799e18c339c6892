import { NonEmptyString, PositiveInt, NonNegativeMoneyCodec, PositiveMoneyCodec, wrapping } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Money } from '@ordersource/core';
import * as t from 'io-ts';
import { ReadonlyMarkingCodesCodec } from '../order/marking.js';
import { CloseOnCodec, type CloseOn } from '../order/close-on.js';
import {
  ChannelCodec,
  MeansCodec,
  PaymentSubjectCodec,
  VatCodeCodec,
  type Channel,
  type Means,
  type PaymentSubject,
  type VatCode,
} from './kinds.js';

/**
 * The receipts policy's own input model: what it needs to know about an order,
 * independent of how the order domain spells it (`from-order-events.ts` maps
 * one onto the other). Facts are what happened; the policy says which receipt
 * each one owes (REC-1).
 */

/** What kind of thing a line sells. Digital goods may settle at payment (REC-4). */
export type LineKind = 'physical' | 'digital' | 'service';
export const LineKindCodec = t.keyof({ physical: null, digital: null, service: null }, 'LineKind');

/** One position of the order's composition, as it must reach the receipt (REC-2, REC-6). */
export type ReceiptLine = Readonly<{
  lineId: string;
  name: string;
  quantity: number;
  /** Unit of measure as printed, e.g. "шт", "кг", "услуга". */
  unit: string;
  /** Price of one unit after discounts, gross of VAT. */
  price: Money;
  vat: VatCode;
  subject: PaymentSubject;
  kind: LineKind;
  /**
   * REC-6 (issue 9.5): the marking codes of the line's units known so far,
   * one per unit, scanned at packing; the closing receipt needs all of them
   * and lists one position per unit with its code.
   */
  markingCodes?: readonly string[];
  /** The one code a line carried before issue 9.5; read from stored events (a one-unit line's code). */
  markingCode?: string;
}>;

const ReceiptLineShape: t.Type<ReceiptLine, ReceiptLine, unknown> = t.intersection(
  [
    t.strict({
      lineId: NonEmptyString,
      name: NonEmptyString,
      quantity: PositiveInt,
      unit: NonEmptyString,
      price: NonNegativeMoneyCodec,
      vat: VatCodeCodec,
      subject: PaymentSubjectCodec,
      kind: LineKindCodec,
    }),
    t.exact(t.partial({ markingCodes: ReadonlyMarkingCodesCodec, markingCode: NonEmptyString })),
  ],
  'ReceiptLine',
);

/** A line's codes name its units: never more codes than units (REC-6). */
export const ReceiptLineCodec: t.Type<ReceiptLine, ReceiptLine, unknown> = wrapping(
  new t.Type<ReceiptLine, ReceiptLine, unknown>(
    'ReceiptLine',
    (u): u is ReceiptLine => ReceiptLineShape.is(u) && (u.markingCodes?.length ?? 0) <= u.quantity,
    (u, c) => {
      // An empty key keeps the intersection's members out of the field path.
      const base = ReceiptLineShape.validate(u, t.appendContext(c, '', ReceiptLineShape, u));
      if (E.isLeft(base) || (base.right.markingCodes?.length ?? 0) <= base.right.quantity) return base;
      return t.failure(
        base.right.markingCodes,
        t.appendContext(c, 'markingCodes', t.unknown, base.right.markingCodes),
        'at most one marking code per unit of quantity (REC-6)',
      );
    },
    ReceiptLineShape.encode,
  ),
  ReceiptLineShape,
);

/** The codes of a line's units as far as known: `markingCodes`, or a one-unit legacy line's `markingCode`. */
export const unitCodesOf = (line: ReceiptLine): readonly string[] =>
  line.markingCodes ?? (line.markingCode !== undefined && line.quantity === 1 ? [line.markingCode] : []);

/** Marked goods: the subject says so, or the line carries codes. */
export const isMarkedLine = (line: ReceiptLine): boolean =>
  line.subject === 'marked-goods' || line.markingCodes !== undefined || line.markingCode !== undefined;

/** When the closing receipt goes out (REC-8): the order's rule (`order/close-on.ts`), the same type. */
export { CloseOnCodec, type CloseOn } from '../order/close-on.js';

export type ReceiptsConfig = Readonly<{
  closeOn: CloseOn;
  /** Licences and other digital goods handed over right after payment settle at once (REC-4). */
  digitalSettlesOnPayment: boolean;
  /** VAT printed on an advance; default: the calculated rate of the highest rate in the order. */
  advanceVat?: VatCode;
}>;

export const ReceiptsConfigCodec: t.Type<ReceiptsConfig, ReceiptsConfig, unknown> = t.intersection(
  [
    t.strict({ closeOn: CloseOnCodec, digitalSettlesOnPayment: t.boolean }),
    t.exact(t.partial({ advanceVat: VatCodeCodec })),
  ],
  'ReceiptsConfig',
);

export const defaultConfig: ReceiptsConfig = { closeOn: { trigger: 'delivery' }, digitalSettlesOnPayment: true };

/** Money came in. `movementId` names this one movement; a receipt is owed once per movement. */
export type PaymentFact = Readonly<{
  kind: 'payment';
  movementId: string;
  amount: Money;
  means: Means;
  channel: Channel;
  /** Issue 9: the refund (its movement id) this money reverses, when it is a refund that came back. */
  reverses?: string;
}>;

/**
 * A quantity of one line given back (a return of goods after settlement); for
 * marked goods, which units: their codes (REC-6, one per unit returned).
 */
export type ReturnedLine = Readonly<{ lineId: string; quantity: number; markingCodes?: readonly string[] }>;
export const ReturnedLineCodec: t.Type<ReturnedLine, ReturnedLine, unknown> = t.intersection(
  [
    t.strict({ lineId: NonEmptyString, quantity: PositiveInt }),
    t.exact(t.partial({ markingCodes: ReadonlyMarkingCodesCodec })),
  ],
  'ReturnedLine',
);

/** Money went back to the customer (REC-7); after settlement, with the goods returned. */
export type RefundFact = Readonly<{
  kind: 'refund';
  movementId: string;
  amount: Money;
  means: Means;
  lines?: readonly ReturnedLine[];
}>;

/** The goods left the shop (shipped) or reached the customer (delivered). */
export type HandoverStage = 'shipped' | 'delivered';
export const HandoverStageCodec = t.keyof({ shipped: null, delivered: null }, 'HandoverStage');

export type HandoverFact = Readonly<{ kind: 'handover'; handoverId: string; stage: HandoverStage }>;

/** The configured closing date has come (REC-8, trigger 'date'); sent by a scheduler. */
export type DateReachedFact = Readonly<{ kind: 'date-reached' }>;

export type Fact = PaymentFact | RefundFact | HandoverFact | DateReachedFact;

export const PaymentFactCodec: t.Type<PaymentFact, PaymentFact, unknown> = t.intersection(
  [
    t.strict({
      kind: t.literal('payment'),
      movementId: NonEmptyString,
      amount: PositiveMoneyCodec,
      means: MeansCodec,
      channel: ChannelCodec,
    }),
    t.exact(t.partial({ reverses: NonEmptyString })),
  ],
  'PaymentFact',
);

export const RefundFactCodec: t.Type<RefundFact, RefundFact, unknown> = t.intersection(
  [
    t.strict({ kind: t.literal('refund'), movementId: NonEmptyString, amount: PositiveMoneyCodec, means: MeansCodec }),
    t.exact(t.partial({ lines: t.readonlyArray(ReturnedLineCodec) })),
  ],
  'RefundFact',
);

export const HandoverFactCodec: t.Type<HandoverFact, HandoverFact, unknown> = t.strict(
  { kind: t.literal('handover'), handoverId: NonEmptyString, stage: HandoverStageCodec },
  'HandoverFact',
);

export const DateReachedFactCodec: t.Type<DateReachedFact, DateReachedFact, unknown> = t.strict(
  { kind: t.literal('date-reached') },
  'DateReachedFact',
);

export const FactCodec: t.Type<Fact, Fact, unknown> = t.union(
  [PaymentFactCodec, RefundFactCodec, HandoverFactCodec, DateReachedFactCodec],
  'Fact',
);
