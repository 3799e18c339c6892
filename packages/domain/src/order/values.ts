import * as t from 'io-ts';
import { MoneyCodec, NonEmptyString, NonNegativeInt, PositiveInt, refine } from '@ordersource/core';

/**
 * Value types an order is made of, each with its io-ts codec. Types are
 * derived from the codecs so the boundary and the model cannot drift apart.
 */

/**
 * VAT rate of a line. The named codes cover 54-FZ (none, 0%, 10%, 20%, the 22%
 * standard rate in force in Russia since 2026, and the calculated 10/110,
 * 20/120 rates the fiscal receipts need, REC-2) and common EU rates;
 * `{ basisPoints }` is the generic form for any other country. Every named
 * code is also a receipt VAT code (`receipts/kinds.ts`), so lines pass into
 * receipts unchanged.
 */
export const VatCodeCodec = t.keyof(
  {
    none: null,
    vat0: null,
    vat5: null,
    vat7: null,
    vat10: null,
    vat20: null,
    vat22: null,
    vat10_110: null,
    vat20_120: null,
  },
  'VatCode',
);
export type VatCode = t.TypeOf<typeof VatCodeCodec>;
export const VatRateCodec = t.union(
  [VatCodeCodec, t.strict({ basisPoints: NonNegativeInt }, 'VatBasisPoints')],
  'VatRate',
);
export type VatRate = t.TypeOf<typeof VatRateCodec>;

/** Basis points of a VAT rate (10/110 and 20/120 are the 10% and 20% rates applied to a gross price). */
export const vatBasisPoints = (rate: VatRate): number => {
  if (typeof rate !== 'string') return rate.basisPoints;
  switch (rate) {
    case 'none':
    case 'vat0':
      return 0;
    case 'vat5':
      return 500;
    case 'vat7':
      return 700;
    case 'vat10':
    case 'vat10_110':
      return 1000;
    case 'vat20':
    case 'vat20_120':
      return 2000;
    case 'vat22':
      return 2200;
  }
};

/** physical goods are shipped; digital goods are downloaded (FUL-3); services are rendered. */
export const LineKindCodec = t.keyof({ physical: null, digital: null, service: null }, 'LineKind');
export type LineKind = t.TypeOf<typeof LineKindCodec>;

/** Non-negative money: prices are never below zero. */
const PriceCodec = refine(MoneyCodec, (m) => m.amount >= 0, 'NonNegativeMoney');

/**
 * One order line (ORD-1). `unitPrice` is the gross price per unit (VAT
 * included, as 54-FZ receipts and EU B2C shops show it); the line total is
 * unitPrice x qty.
 *
 * `marked: true` (REC-6, issue 9.5): marked goods, one marking code per unit;
 * the codes are scanned when the units ship (`ShipOrder`, `order/marking.ts`).
 * `markingCode`, the one code a line carried before issue 9.5, is still read
 * from stored events (a one-unit line keeps it as that unit's code) but a
 * command that sends it is refused: one code cannot stand for several units.
 */
export const OrderLineCodec = t.intersection(
  [
    t.strict({
      lineId: NonEmptyString,
      sku: NonEmptyString,
      name: NonEmptyString,
      qty: PositiveInt,
      unitPrice: PriceCodec,
      vatRate: VatRateCodec,
      kind: LineKindCodec,
    }),
    t.exact(t.partial({ marked: t.boolean, markingCode: NonEmptyString, unit: NonEmptyString })),
  ],
  'OrderLine',
);
export type OrderLine = t.TypeOf<typeof OrderLineCodec>;

/** Two-letter ISO 3166 country code, upper case. */
export const CountryCodec = refine(t.string, (s) => /^[A-Z]{2}$/.test(s), 'CountryCode(ISO 3166 alpha-2)');

export const AddressCodec = t.intersection(
  [
    t.strict({ name: NonEmptyString, line1: NonEmptyString, city: NonEmptyString, country: CountryCodec }),
    t.exact(
      t.partial({
        company: t.string,
        line2: t.string,
        postalCode: t.string,
        region: t.string,
        phone: t.string,
      }),
    ),
  ],
  'Address',
);
export type Address = t.TypeOf<typeof AddressCodec>;

/** A BCP 47-ish language tag: "en", "vi", "zh-Hant", "fr-FR". */
export const LanguageCodec = refine(t.string, (s) => /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(s), 'LanguageTag');

/** The buyer (ORD-1). `companyId` makes the order visible to every contact of that company (CUS-2). */
export const CustomerCodec = t.intersection(
  [
    t.strict({ id: NonEmptyString, name: NonEmptyString }),
    t.exact(
      t.partial({
        group: NonEmptyString,
        email: NonEmptyString,
        phone: NonEmptyString,
        language: LanguageCodec,
        companyId: NonEmptyString,
      }),
    ),
  ],
  'Customer',
);
export type Customer = t.TypeOf<typeof CustomerCodec>;

export const ShippingMethodCodec = t.strict({ code: NonEmptyString, name: NonEmptyString }, 'ShippingMethod');
export type ShippingMethod = t.TypeOf<typeof ShippingMethodCodec>;

/**
 * How a payment method collects money. `online` goes through a provider
 * (PAY-1); `offline` (bank transfer, in store) is confirmed by an admin
 * (PAY-4); cash/card on delivery lets the order ship unpaid (ORD-8).
 */
export const PaymentKindCodec = t.keyof(
  { online: null, offline: null, cash_on_delivery: null, card_on_delivery: null },
  'PaymentKind',
);
export type PaymentKind = t.TypeOf<typeof PaymentKindCodec>;

/** When an authorization is captured: by the provider at once, by hand, or after delivery (PAY-1, FUL-4). */
export const CaptureModeCodec = t.keyof({ automatic: null, manual: null, after_delivery: null }, 'CaptureMode');
export type CaptureMode = t.TypeOf<typeof CaptureModeCodec>;

/**
 * `creditTerms` (issue 9.6, ORD-8): the method lets the order ship before it
 * is paid (B2B net terms, invoice on account, bank transfer on credit); the
 * handover then produces the credit receipts (1214=6, then 1214=7 when the
 * money comes, REC-2).
 */
export const PaymentMethodCodec = t.intersection(
  [
    t.strict({ code: NonEmptyString, name: NonEmptyString, kind: PaymentKindCodec, capture: CaptureModeCodec }),
    t.exact(t.partial({ creditTerms: t.boolean })),
  ],
  'PaymentMethod',
);
export type PaymentMethod = t.TypeOf<typeof PaymentMethodCodec>;

/** Where a payment link is shared (PAY-3); any link may also be shown as a QR code. */
export const PaymentChannelCodec = t.keyof(
  { checkout: null, email: null, sms: null, telegram: null, whatsapp: null, vk: null, qr: null, sbp: null },
  'PaymentChannel',
);
export type PaymentChannel = t.TypeOf<typeof PaymentChannelCodec>;

/**
 * The customer-notification decision attached to a change (ORD-4, FUL-1,
 * NOT-2). Recording it is the domain's job; sending is an adapter's.
 */
export const NotifyCodec = t.intersection(
  [
    t.strict({ email: t.boolean, sms: t.boolean }),
    t.exact(t.partial({ language: LanguageCodec, keepCopy: t.boolean })),
  ],
  'Notify',
);
export type Notify = t.TypeOf<typeof NotifyCodec>;

/** Optional remarks every status change may carry (ORD-5): an admin note, whether the customer sees it, who to notify. */
export const ChangeNoteProps = {
  note: t.string,
  noteVisibleToCustomer: t.boolean,
  notify: NotifyCodec,
};
export const ChangeNoteCodec = t.exact(t.partial(ChangeNoteProps), 'ChangeNote');
export type ChangeNote = t.TypeOf<typeof ChangeNoteCodec>;

/** Copy only the change-note fields that are present (exactOptionalPropertyTypes: never write undefined). */
export const changeNoteOf = (source: ChangeNote): ChangeNote => {
  const out: { note?: string; noteVisibleToCustomer?: boolean; notify?: Notify } = {};
  if (source.note !== undefined) out.note = source.note;
  if (source.noteVisibleToCustomer !== undefined) out.noteVisibleToCustomer = source.noteVisibleToCustomer;
  if (source.notify !== undefined) out.notify = source.notify;
  return out;
};
