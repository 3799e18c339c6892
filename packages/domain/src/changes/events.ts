import * as t from 'io-ts';
import { eventCodec, IsoInstant, MoneyCodec, NonEmptyString, NonNegativeInt, type Event } from '@ordersource/core';
import { RefundDestinationCodec } from '../credit/values.js';
import {
  ChangeBasisCodec,
  ChangeKindCodec,
  ClaimResolutionCodec,
  EditActionCodec,
  PaymentLinkCodec,
  ReceivedItemCodec,
  ReturnItemCodec,
} from './values.js';

/** Issue 17: the events of one order-change stream (`orderChange-<changeId>`). */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));
const withOptional = <P extends t.Props, O extends t.Props>(props: P, extra: O, name: string) =>
  t.intersection([t.strict(props), optional(extra)], name);

export const OrderChangeBegunData = withOptional(
  {
    at: IsoInstant,
    changeId: NonEmptyString,
    kind: ChangeKindCodec,
    basis: ChangeBasisCodec,
    requestedBy: t.keyof({ customer: null, admin: null }),
  },
  { resolution: ClaimResolutionCodec, note: t.string },
  'OrderChangeBegunData',
);
export const OrderChangeActionStagedData = t.strict({ at: IsoInstant, action: EditActionCodec }, 'ActionStaged');
export const OrderChangeItemStagedData = t.strict({ at: IsoInstant, item: ReturnItemCodec }, 'ItemStaged');
export const OrderChangeRequestedData = withOptional({ at: IsoInstant }, { note: t.string }, 'Requested');
export const OrderChangeConfirmedData = withOptional(
  { at: IsoInstant, notifyCustomer: t.boolean },
  {
    staffNote: t.string,
    note: t.string,
    paymentLink: PaymentLinkCodec,
    refundTo: RefundDestinationCodec,
    refundShipping: t.boolean,
  },
  'Confirmed',
);
export const OrderChangeDeclinedData = t.strict({ at: IsoInstant, reason: NonEmptyString }, 'Declined');
export const OrderChangeCanceledData = t.strict({ at: IsoInstant, reason: NonEmptyString }, 'Canceled');
export const ReturnReceivedData = t.strict({ at: IsoInstant, items: t.array(ReceivedItemCodec) }, 'ReturnReceived');
export const OrderChangeAppliedData = withOptional(
  { at: IsoInstant, basedOnVersion: NonNegativeInt, commandIds: t.array(NonEmptyString) },
  { exchangeOrderId: NonEmptyString, credited: MoneyCodec },
  'Applied',
);
export const OrderChangeFailedData = withOptional(
  { at: IsoInstant, code: NonEmptyString, message: t.string },
  { appliedCommandIds: t.array(NonEmptyString) },
  'OrderChangeFailedData',
);

export const OrderChangeEventCodec = t.union(
  [
    eventCodec('OrderChangeBegun', OrderChangeBegunData),
    eventCodec('OrderChangeActionStaged', OrderChangeActionStagedData),
    eventCodec('OrderChangeItemStaged', OrderChangeItemStagedData),
    eventCodec('OrderChangeRequested', OrderChangeRequestedData),
    eventCodec('OrderChangeConfirmed', OrderChangeConfirmedData),
    eventCodec('OrderChangeDeclined', OrderChangeDeclinedData),
    eventCodec('OrderChangeCanceled', OrderChangeCanceledData),
    eventCodec('ReturnReceived', ReturnReceivedData),
    eventCodec('OrderChangeApplied', OrderChangeAppliedData),
    eventCodec('OrderChangeFailed', OrderChangeFailedData),
  ],
  'OrderChangeEvent',
);

type D<C extends t.Any> = t.TypeOf<C>;
export type OrderChangeEvent =
  | Event<'OrderChangeBegun', D<typeof OrderChangeBegunData>>
  | Event<'OrderChangeActionStaged', D<typeof OrderChangeActionStagedData>>
  | Event<'OrderChangeItemStaged', D<typeof OrderChangeItemStagedData>>
  | Event<'OrderChangeRequested', D<typeof OrderChangeRequestedData>>
  | Event<'OrderChangeConfirmed', D<typeof OrderChangeConfirmedData>>
  | Event<'OrderChangeDeclined', D<typeof OrderChangeDeclinedData>>
  | Event<'OrderChangeCanceled', D<typeof OrderChangeCanceledData>>
  | Event<'ReturnReceived', D<typeof ReturnReceivedData>>
  | Event<'OrderChangeApplied', D<typeof OrderChangeAppliedData>>
  | Event<'OrderChangeFailed', D<typeof OrderChangeFailedData>>;

export const ORDER_CHANGE_CATEGORY = 'orderChange';
export const orderChangeStreamId = (changeId: string): string => `${ORDER_CHANGE_CATEGORY}-${changeId}`;
