import * as t from 'io-ts';
import {
  commandCodec,
  decodeByType,
  IsoInstant,
  NonEmptyString,
  PositiveMoneyCodec,
  type Command,
} from '@ordersource/core';
import { CustomerCodec } from '../order/values.js';
import { PlanCodec } from './events.js';

/**
 * Commands of a subscription stream, decoded at the boundary with
 * `decodeSubscriptionCommand` (every failing field named with its rule).
 */

/** SUB-2: confirming a quotation for a subscription product starts the subscription. */
export const StartSubscriptionData = t.intersection([
  t.strict({
    subscriptionId: NonEmptyString,
    customer: CustomerCodec,
    plan: PlanCodec,
    recurringAmount: PositiveMoneyCodec,
  }),
  t.exact(t.partial({ quotationId: NonEmptyString })),
]);

export const InvoiceSubscriptionData = t.strict({
  invoiceId: NonEmptyString,
  amount: PositiveMoneyCodec,
  periodStart: IsoInstant,
  periodEnd: IsoInstant,
});

export const PaySubscriptionInvoiceData = t.strict({ invoiceId: NonEmptyString, amount: PositiveMoneyCodec });

/**
 * SUB-3/SUB-4: `reasonCode` picks a configured close reason; `reasonText` is
 * an admin's free text (a customer must pick a code). Exactly one is given.
 */
export const CloseSubscriptionData = t.exact(t.partial({ reasonCode: NonEmptyString, reasonText: NonEmptyString }));

export const SubscriptionCommandCodec = t.union(
  [
    commandCodec('StartSubscription', StartSubscriptionData),
    commandCodec('InvoiceSubscription', InvoiceSubscriptionData),
    commandCodec('PaySubscriptionInvoice', PaySubscriptionInvoiceData),
    commandCodec('CloseSubscription', CloseSubscriptionData),
  ],
  'SubscriptionCommand',
);

export type SubscriptionCommand =
  | Command<'StartSubscription', t.TypeOf<typeof StartSubscriptionData>>
  | Command<'InvoiceSubscription', t.TypeOf<typeof InvoiceSubscriptionData>>
  | Command<'PaySubscriptionInvoice', t.TypeOf<typeof PaySubscriptionInvoiceData>>
  | Command<'CloseSubscription', t.TypeOf<typeof CloseSubscriptionData>>;

/** Unknown keys are named as unknown fields (issue 8.3); never throws, whatever the input. */
export const decodeSubscriptionCommand = decodeByType(
  'subscription command',
  SubscriptionCommandCodec.types as unknown as readonly t.Type<SubscriptionCommand, unknown, unknown>[],
  'SubscriptionCommandType',
);
