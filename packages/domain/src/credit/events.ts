import * as t from 'io-ts';
import { eventCodec, IsoInstant, MoneyCodec, NonEmptyString, type Event } from '@ordersource/core';
import { CreditSourceCodec } from './values.js';

/** Issue 17: the events of a credit account stream (`credit-<customerId>`). Amounts are positive minor units. */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

export const CreditIssuedData = t.intersection(
  [
    t.strict({
      at: IsoInstant,
      customerId: NonEmptyString,
      creditId: NonEmptyString,
      amount: MoneyCodec,
      source: CreditSourceCodec,
    }),
    optional({ expiresAt: IsoInstant, note: t.string }),
  ],
  'CreditIssuedData',
);

/** Which grants a spend drew on, and how much of each: a release gives exactly that back. */
export const CreditDrawCodec = t.strict({ creditId: NonEmptyString, amount: t.number }, 'CreditDraw');

export const CreditSpentData = t.strict(
  {
    at: IsoInstant,
    spendId: NonEmptyString,
    amount: MoneyCodec,
    orderId: NonEmptyString,
    paymentId: NonEmptyString,
    from: t.array(CreditDrawCodec),
  },
  'CreditSpentData',
);
export const CreditSpendReleasedData = t.strict(
  { at: IsoInstant, spendId: NonEmptyString, amount: MoneyCodec, reason: t.string },
  'CreditSpendReleasedData',
);
/** `unrecovered` (added later): what the reversal should have taken back but was spent already: her debt. */
export const CreditReversedData = t.intersection(
  [
    t.strict({ at: IsoInstant, creditId: NonEmptyString, amount: MoneyCodec, reason: NonEmptyString }),
    optional({ unrecovered: MoneyCodec }),
  ],
  'CreditReversedData',
);
export const CreditExpiredData = t.strict(
  { at: IsoInstant, creditId: NonEmptyString, amount: MoneyCodec },
  'CreditExpiredData',
);

export const CreditEventCodec = t.union(
  [
    eventCodec('CreditIssued', CreditIssuedData),
    eventCodec('CreditSpent', CreditSpentData),
    eventCodec('CreditSpendReleased', CreditSpendReleasedData),
    eventCodec('CreditReversed', CreditReversedData),
    eventCodec('CreditExpired', CreditExpiredData),
  ],
  'CreditEvent',
);

type D<C extends t.Any> = t.TypeOf<C>;
export type CreditEvent =
  | Event<'CreditIssued', D<typeof CreditIssuedData>>
  | Event<'CreditSpent', D<typeof CreditSpentData>>
  | Event<'CreditSpendReleased', D<typeof CreditSpendReleasedData>>
  | Event<'CreditReversed', D<typeof CreditReversedData>>
  | Event<'CreditExpired', D<typeof CreditExpiredData>>;
