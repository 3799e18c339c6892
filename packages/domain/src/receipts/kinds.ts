import * as t from 'io-ts';

/**
 * The fiscal vocabulary of 54-FZ receipts (REC-2), as small closed sets with
 * their tag values. Names are ours; numbers are the law's (FFD 1.05 / 1.2).
 */

/** Tag 1054, operation type ("признак расчета"): we issue income (приход) and its return. */
export type Operation = 'income' | 'income-return';
export const OperationCodec = t.keyof({ income: null, 'income-return': null }, 'Operation');
export const OPERATION_TAG: Readonly<Record<Operation, number>> = { income: 1, 'income-return': 2 };

/**
 * Tag 1214, payment method ("признак способа расчета"), REC-2:
 * 1 full prepayment, 2 partial prepayment, 3 advance, 4 full settlement,
 * 5 partial settlement and credit, 6 handover on credit, 7 credit repayment.
 */
export type PaymentMethodTag = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const PaymentMethodTagCodec = t.union(
  [t.literal(1), t.literal(2), t.literal(3), t.literal(4), t.literal(5), t.literal(6), t.literal(7)],
  'PaymentMethodTag(1214)',
);

/** The receipt kinds we issue; each has exactly one tag 1214 value. */
export type ReceiptKind =
  'prepayment' | 'advance' | 'full-settlement' | 'partial-settlement-credit' | 'credit-handover' | 'credit-repayment';
export const ReceiptKindCodec = t.keyof(
  {
    prepayment: null,
    advance: null,
    'full-settlement': null,
    'partial-settlement-credit': null,
    'credit-handover': null,
    'credit-repayment': null,
  },
  'ReceiptKind',
);
export const KIND_TAG: Readonly<Record<ReceiptKind, PaymentMethodTag>> = {
  prepayment: 1,
  advance: 3,
  'full-settlement': 4,
  'partial-settlement-credit': 5,
  'credit-handover': 6,
  'credit-repayment': 7,
};

/** Kinds that take money before the goods are handed over: a closing receipt offsets them (REC-5). */
export const isPrepaymentKind = (kind: ReceiptKind): boolean => kind === 'prepayment' || kind === 'advance';

/** Kinds that hand the goods over: the closing receipt of an order (REC-5). */
export const isClosingKind = (kind: ReceiptKind): boolean =>
  kind === 'full-settlement' || kind === 'partial-settlement-credit' || kind === 'credit-handover';

/**
 * VAT codes (tag 1199). `vatNN` are the rates for a sale; `vatNN_1NN` are the
 * calculated rates the tax code requires on prepayments and advances
 * (art. 164 p. 4 NK RF). 22% applies from 2026; 5% and 7% to simplified-tax sellers.
 */
export type VatCode =
  | 'none'
  | 'vat0'
  | 'vat5'
  | 'vat7'
  | 'vat10'
  | 'vat20'
  | 'vat22'
  | 'vat5_105'
  | 'vat7_107'
  | 'vat10_110'
  | 'vat20_120'
  | 'vat22_122';
export const VatCodeCodec = t.keyof(
  {
    none: null,
    vat0: null,
    vat5: null,
    vat7: null,
    vat10: null,
    vat20: null,
    vat22: null,
    vat5_105: null,
    vat7_107: null,
    vat10_110: null,
    vat20_120: null,
    vat22_122: null,
  },
  'VatCode',
);

/** Rate in basis points; a calculated rate r/(100+r) is the tax included at rate r. */
export const VAT_BASIS_POINTS: Readonly<Record<VatCode, number>> = {
  none: 0,
  vat0: 0,
  vat5: 500,
  vat7: 700,
  vat10: 1000,
  vat20: 2000,
  vat22: 2200,
  vat5_105: 500,
  vat7_107: 700,
  vat10_110: 1000,
  vat20_120: 2000,
  vat22_122: 2200,
};

/** The rate to print on money taken before handover (prepayment, advance). */
export const CALCULATED_VAT: Readonly<Record<VatCode, VatCode>> = {
  none: 'none',
  vat0: 'vat0',
  vat5: 'vat5_105',
  vat7: 'vat7_107',
  vat10: 'vat10_110',
  vat20: 'vat20_120',
  vat22: 'vat22_122',
  vat5_105: 'vat5_105',
  vat7_107: 'vat7_107',
  vat10_110: 'vat10_110',
  vat20_120: 'vat20_120',
  vat22_122: 'vat22_122',
};

/** The sale rate behind a calculated one (a closing receipt prints the sale rate). */
export const SALE_VAT: Readonly<Record<VatCode, VatCode>> = {
  none: 'none',
  vat0: 'vat0',
  vat5: 'vat5',
  vat7: 'vat7',
  vat10: 'vat10',
  vat20: 'vat20',
  vat22: 'vat22',
  vat5_105: 'vat5',
  vat7_107: 'vat7',
  vat10_110: 'vat10',
  vat20_120: 'vat20',
  vat22_122: 'vat22',
};

/** Tag 1212, payment subject ("признак предмета расчета"). */
export type PaymentSubject =
  'goods' | 'excise-goods' | 'work' | 'service' | 'payment' | 'marked-goods' | 'marked-excise-goods' | 'other';
export const PaymentSubjectCodec = t.keyof(
  {
    goods: null,
    'excise-goods': null,
    work: null,
    service: null,
    payment: null,
    'marked-goods': null,
    'marked-excise-goods': null,
    other: null,
  },
  'PaymentSubject',
);
export const SUBJECT_TAG: Readonly<Record<PaymentSubject, number>> = {
  goods: 1,
  'excise-goods': 2,
  work: 3,
  service: 4,
  payment: 10,
  'marked-excise-goods': 31,
  'marked-goods': 33,
  other: 13,
};

/** How new money moved: cash (tag 1031) or electronic: card, bank, SBP (tag 1081). */
export type Means = 'cash' | 'electronic';
export const MeansCodec = t.keyof({ cash: null, electronic: null }, 'Means');

/** Where the money was taken. Courier and store hand the goods over at the same moment. */
export type Channel = 'online' | 'transfer' | 'courier' | 'store';
export const ChannelCodec = t.keyof({ online: null, transfer: null, courier: null, store: null }, 'Channel');

/** Position names for receipts that list no goods (REC-2: an advance lists no items). */
export const ADVANCE_ITEM_NAME = 'Аванс';
export const CREDIT_REPAYMENT_ITEM_NAME = 'Оплата кредита';
