import type * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  commandCodec,
  decodeByType,
  IsoInstant,
  NonEmptyString,
  PositiveMoneyCodec,
  type Command,
  type ValidationError,
} from '@ordersource/core';
import { CreditFundCodec, CreditSourceCodec } from './values.js';

/**
 * Issue 17: the commands of a credit account, decoded at the boundary with
 * io-ts. Every one names the account's customer (the stream is hers) and an
 * id of its own (`creditId`, `spendId`): sending it again changes nothing.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

export const IssueCreditData = t.intersection([
  t.strict({
    customerId: NonEmptyString,
    creditId: NonEmptyString,
    amount: PositiveMoneyCodec,
    source: CreditSourceCodec,
  }),
  optional({ expiresAt: IsoInstant, note: t.string }),
]);
/**
 * Pay `amount` of an order's payment `paymentId` from the balance; refused beyond it. `fund` limits the grants
 * drawn on: `money` (credit the customer paid for: refunds, changes), a tender whose receipts are advances;
 * `goodwill` (credit given for nothing), a discount on the order. Omitted: any grant (older commands).
 */
export const SpendCreditData = t.intersection([
  t.strict({
    customerId: NonEmptyString,
    spendId: NonEmptyString,
    amount: PositiveMoneyCodec,
    orderId: NonEmptyString,
    paymentId: NonEmptyString,
  }),
  optional({ fund: CreditFundCodec }),
]);
/** Give a spend back whole (the order refused the payment, or it was never used). */
export const ReleaseCreditSpendData = t.strict({
  customerId: NonEmptyString,
  spendId: NonEmptyString,
  reason: t.string,
});
/**
 * Take back what is left of a grant (all of it when `amount` is omitted); never more than is left.
 * `shortfall: 'record'` (the system's, for a fact such as a reversed refund): take what is left, up to
 * `amount`, and record the rest as the customer's debt (`unrecovered`) instead of refusing; the balance
 * never goes below zero.
 */
export const ReverseCreditData = t.intersection([
  t.strict({ customerId: NonEmptyString, creditId: NonEmptyString, reason: NonEmptyString }),
  optional({ amount: PositiveMoneyCodec, shortfall: t.literal('record') }),
]);
/** Sent by a timer at the grant's `expiresAt` (`dueAt`); an obsolete plan records nothing. */
export const ExpireCreditData = t.strict({ customerId: NonEmptyString, creditId: NonEmptyString, dueAt: IsoInstant });

export const CreditCommandCodec = t.union(
  [
    commandCodec('IssueCredit', IssueCreditData),
    commandCodec('SpendCredit', SpendCreditData),
    commandCodec('ReleaseCreditSpend', ReleaseCreditSpendData),
    commandCodec('ReverseCredit', ReverseCreditData),
    commandCodec('ExpireCredit', ExpireCreditData),
  ],
  'CreditCommand',
);

type D<C extends t.Any> = t.TypeOf<C>;
export type CreditCommand =
  | Command<'IssueCredit', D<typeof IssueCreditData>>
  | Command<'SpendCredit', D<typeof SpendCreditData>>
  | Command<'ReleaseCreditSpend', D<typeof ReleaseCreditSpendData>>
  | Command<'ReverseCredit', D<typeof ReverseCreditData>>
  | Command<'ExpireCredit', D<typeof ExpireCreditData>>;

/** Decode a credit command from outside: every failing field named with its rule, unknown fields refused. */
export const decodeCreditCommand: (input: unknown) => E.Either<ValidationError, CreditCommand> = decodeByType(
  'credit command',
  CreditCommandCodec.types as unknown as t.Type<CreditCommand, unknown, unknown>[],
  'CreditCommandType',
);
