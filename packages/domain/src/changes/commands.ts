import type * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  commandCodec,
  decodeByType,
  MoneyCodec,
  NonEmptyString,
  NonNegativeInt,
  type Command,
  type ValidationError,
} from '@ordersource/core';
import {
  ChangeBasisCodec,
  ChangeKindCodec,
  ClaimResolutionCodec,
  EditActionCodec,
  PaymentLinkCodec,
  ReceivedItemCodec,
  ReturnItemCodec,
} from './values.js';
import { RefundDestinationCodec } from '../credit/values.js';

/** Issue 17: the commands of an order-change stream, decoded at the boundary with io-ts. */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

/**
 * Begin a change. `basis` is the order as it stands, taken by `basisOf` from
 * the order stream on the server (a portal builds this command itself: a
 * customer never sends a basis).
 */
export const BeginOrderChangeData = t.intersection([
  t.strict({ changeId: NonEmptyString, kind: ChangeKindCodec, basis: ChangeBasisCodec }),
  optional({ resolution: ClaimResolutionCodec, note: t.string }),
]);
export const StageActionData = t.strict({ action: EditActionCodec });
export const StageItemData = t.strict({ item: ReturnItemCodec });
export const RequestOrderChangeData = optional({ note: t.string });
/** Shopify's commit: notify the customer or not, a staff note, the balance's payment link. */
export const ConfirmOrderChangeData = optional({
  notifyCustomer: t.boolean,
  staffNote: t.string,
  note: t.string,
  paymentLink: PaymentLinkCodec,
  /** Issue 17: where the money of a return, claim or edit goes back: the original tender (default) or store credit. */
  refundTo: RefundDestinationCodec,
  /** Issue 17: a return or a refunded claim gives back the shipping fee too (the shop's choice; REC-7). */
  refundShipping: t.boolean,
});
export const DeclineOrderChangeData = t.strict({ reason: NonEmptyString });
export const CancelOrderChangeData = t.strict({ reason: NonEmptyString });
export const ReceiveReturnData = t.strict({ items: t.array(ReceivedItemCodec) });
/** Sent by the change reactor once the order commands of a confirmed change were handled. */
export const RecordChangeAppliedData = t.intersection([
  t.strict({ basedOnVersion: NonNegativeInt, commandIds: t.array(NonEmptyString) }),
  optional({ exchangeOrderId: NonEmptyString, credited: MoneyCodec }),
]);
/**
 * The order refused the plan, or one of its commands when they were sent
 * (the order moved meanwhile): `appliedCommandIds` names those it had taken
 * before the refusal, so the shop can see and put right a partial change.
 */
export const RecordChangeFailedData = t.intersection([
  t.strict({ code: NonEmptyString, message: t.string }),
  optional({ appliedCommandIds: t.array(NonEmptyString) }),
]);

export const OrderChangeCommandCodec = t.union(
  [
    commandCodec('BeginOrderChange', BeginOrderChangeData),
    commandCodec('StageChangeAction', StageActionData),
    commandCodec('StageReturnItem', StageItemData),
    commandCodec('RequestOrderChange', RequestOrderChangeData),
    commandCodec('ConfirmOrderChange', ConfirmOrderChangeData),
    commandCodec('DeclineOrderChange', DeclineOrderChangeData),
    commandCodec('CancelOrderChange', CancelOrderChangeData),
    commandCodec('ReceiveReturn', ReceiveReturnData),
    commandCodec('RecordChangeApplied', RecordChangeAppliedData),
    commandCodec('RecordChangeFailed', RecordChangeFailedData),
  ],
  'OrderChangeCommand',
);

type D<C extends t.Any> = t.TypeOf<C>;
export type OrderChangeCommand =
  | Command<'BeginOrderChange', D<typeof BeginOrderChangeData>>
  | Command<'StageChangeAction', D<typeof StageActionData>>
  | Command<'StageReturnItem', D<typeof StageItemData>>
  | Command<'RequestOrderChange', D<typeof RequestOrderChangeData>>
  | Command<'ConfirmOrderChange', D<typeof ConfirmOrderChangeData>>
  | Command<'DeclineOrderChange', D<typeof DeclineOrderChangeData>>
  | Command<'CancelOrderChange', D<typeof CancelOrderChangeData>>
  | Command<'ReceiveReturn', D<typeof ReceiveReturnData>>
  | Command<'RecordChangeApplied', D<typeof RecordChangeAppliedData>>
  | Command<'RecordChangeFailed', D<typeof RecordChangeFailedData>>;

/** Decode a change command from outside: every failing field named with its rule, unknown fields refused. */
export const decodeOrderChangeCommand: (input: unknown) => E.Either<ValidationError, OrderChangeCommand> = decodeByType(
  'order change command',
  OrderChangeCommandCodec.types as unknown as t.Type<OrderChangeCommand, unknown, unknown>[],
  'OrderChangeCommandType',
);
