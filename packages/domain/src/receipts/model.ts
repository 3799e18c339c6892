import { NonEmptyString, PositiveInt, NonNegativeMoneyCodec, PositiveMoneyCodec } from '@ordersource/core';
import type { Money } from '@ordersource/core';
import * as t from 'io-ts';
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
  /** Marking code of marked goods; travels into the receipt unchanged (REC-6). */
  markingCode?: string;
}>;

export const ReceiptLineCodec: t.Type<ReceiptLine, ReceiptLine, unknown> = t.intersection(
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
    t.exact(t.partial({ markingCode: NonEmptyString })),
  ],
  'ReceiptLine',
);

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
}>;

/** A quantity of one line given back (a return of goods after settlement). */
export type ReturnedLine = Readonly<{ lineId: string; quantity: number }>;
export const ReturnedLineCodec: t.Type<ReturnedLine, ReturnedLine, unknown> = t.strict(
  { lineId: NonEmptyString, quantity: PositiveInt },
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

export const PaymentFactCodec: t.Type<PaymentFact, PaymentFact, unknown> = t.strict(
  {
    kind: t.literal('payment'),
    movementId: NonEmptyString,
    amount: PositiveMoneyCodec,
    means: MeansCodec,
    channel: ChannelCodec,
  },
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
