import * as t from 'io-ts';
import { NonEmptyString } from '@ordersource/core';
import type { PaymentMethod } from '../order/values.js';

/**
 * Issue 17: store credit. A customer's credit account is its own stream,
 * `credit-<customerId>`, with a balance per currency that never goes below
 * zero. Credit comes from a refund (or an order change) whose destination is
 * the account instead of the original tender, or from goodwill; it is spent
 * as a tender on an order (`STORE_CREDIT`).
 */

export const CREDIT_CATEGORY = 'credit';
export const creditAccountStreamId = (customerId: string): string => `${CREDIT_CATEGORY}-${customerId}`;

/** Where a refund's money goes: back to the tender it came from, or onto the customer's credit account. */
export const RefundDestinationCodec = t.keyof({ original: null, 'store-credit': null }, 'RefundDestination');
export type RefundDestination = t.TypeOf<typeof RefundDestinationCodec>;

/** Why credit was issued: a refund of an order, an applied order change, or goodwill (no money behind it). */
export const CreditSourceCodec = t.union(
  [
    t.strict({ kind: t.literal('refund'), orderId: NonEmptyString, refundId: NonEmptyString }),
    t.strict({ kind: t.literal('change'), orderId: NonEmptyString, changeId: NonEmptyString }),
    t.strict({ kind: t.literal('goodwill'), reason: NonEmptyString }),
  ],
  'CreditSource',
);
export type CreditSource = t.TypeOf<typeof CreditSourceCodec>;

/**
 * What a grant is worth to the fiscal receipts (54-FZ): `money` the customer
 * paid (a refund or a change sent to credit: the shop holds it as her
 * advance), or `goodwill` given for nothing (no money received, so no
 * receipt; spent, it lowers the price: a discount).
 */
export const CreditFundCodec = t.keyof({ money: null, goodwill: null }, 'CreditFund');
export type CreditFund = t.TypeOf<typeof CreditFundCodec>;
export const fundOf = (source: CreditSource): CreditFund => (source.kind === 'goodwill' ? 'goodwill' : 'money');

/**
 * The tender of store credit on an order: a payment request confirmed by the
 * system once the account gave the money (`planCreditPayment`). Offline, so
 * no provider is asked; manual, so nothing captures it but that confirmation.
 */
export const STORE_CREDIT: PaymentMethod = {
  code: 'store-credit',
  name: 'Store credit',
  kind: 'offline',
  capture: 'manual',
};

export const isStoreCredit = (method: PaymentMethod | undefined): boolean => method?.code === STORE_CREDIT.code;
