import * as t from 'io-ts';
import { MoneyCodec, NonEmptyString, NonNegativeInt, PositiveInt } from '@ordersource/core';
import { CustomerCodec, OrderLineCodec, PaymentChannelCodec, PaymentMethodCodec } from '../order/values.js';

/**
 * Issue 17: the values of an order change. A change is a staged set of
 * actions on one order (Medusa's order change, Shopify's calculated order),
 * of one kind: an edit of the composition, a return, an exchange (a return
 * plus new items) or a claim (damaged or missing goods).
 */

export const ChangeKindCodec = t.keyof({ edit: null, return: null, exchange: null, claim: null }, 'ChangeKind');
export type ChangeKind = t.TypeOf<typeof ChangeKindCodec>;

/** A claim is settled by a replacement shipment at no charge or by a refund. */
export const ClaimResolutionCodec = t.keyof({ replace: null, refund: null }, 'ClaimResolution');
export type ClaimResolution = t.TypeOf<typeof ClaimResolutionCodec>;

/**
 * What the change was made from: the order as it stood when the change began
 * (taken by `basisOf` from the order stream, never from the customer). The
 * change decider checks staged actions against it; the order decider checks
 * them again when the confirmed change is applied.
 */
export const ChangeBasisCodec = t.strict(
  {
    orderId: NonEmptyString,
    orderNumber: NonEmptyString,
    /** The order stream's version the change was made from (time travel: `orderAtVersion`). */
    orderVersion: NonNegativeInt,
    customer: CustomerCodec,
    currency: NonEmptyString,
    lines: t.array(OrderLineCodec),
    shippingFee: MoneyCodec,
    discount: MoneyCodec,
    /** lineId -> units shipped, delivered and already refunded as returned. */
    shipped: t.record(t.string, NonNegativeInt),
    delivered: t.record(t.string, NonNegativeInt),
    returned: t.record(t.string, NonNegativeInt),
    /** ORD-9: the composition is final (closing receipt due or issued): only returns, exchanges and claims. */
    locked: t.boolean,
    paymentMethod: PaymentMethodCodec,
  },
  'ChangeBasis',
);
export type ChangeBasis = t.TypeOf<typeof ChangeBasisCodec>;

/**
 * One returned (or claimed) item: units of an order line, with the reason
 * code and, for marked goods, the marking code of each unit that comes back
 * (`units`, one per unit), so the return names exactly which units came back.
 */
export const ReturnItemCodec = t.intersection(
  [
    t.strict({ lineId: NonEmptyString, qty: PositiveInt, reason: NonEmptyString }),
    t.exact(t.partial({ units: t.array(NonEmptyString), note: t.string })),
  ],
  'ReturnItem',
);
export type ReturnItem = t.TypeOf<typeof ReturnItemCodec>;

/** Inspection outcome of received units: restock them (inventory port) or not. */
export const ItemConditionCodec = t.keyof({ sellable: null, damaged: null, missing: null }, 'ItemCondition');
export type ItemCondition = t.TypeOf<typeof ItemConditionCodec>;

/**
 * Received units of a line. `units` (REC-6): the marking codes of the units
 * that arrived, needed when fewer marked units arrive than the return named
 * (which of them came back decides the income-return receipt's positions).
 */
export const ReceivedItemCodec = t.intersection(
  [
    t.strict({ lineId: NonEmptyString, qty: PositiveInt, condition: ItemConditionCodec, restock: t.boolean }),
    t.exact(t.partial({ units: t.array(NonEmptyString) })),
  ],
  'ReceivedItem',
);
export type ReceivedItem = t.TypeOf<typeof ReceivedItemCodec>;

/** How the balance a committed edit leaves is asked for: a payment link sent on this channel. */
export const PaymentLinkCodec = t.intersection(
  [t.strict({ channel: PaymentChannelCodec }), t.exact(t.partial({ url: NonEmptyString, expiresAt: NonEmptyString }))],
  'PaymentLink',
);
export type PaymentLink = t.TypeOf<typeof PaymentLinkCodec>;

/** Staged edits (kind edit) and the new items of an exchange (kind exchange, `add-line` only). */
export const EditActionCodec = t.union(
  [
    t.strict({ action: t.literal('add-line'), line: OrderLineCodec }),
    t.strict({ action: t.literal('remove-line'), lineId: NonEmptyString }),
    t.strict({ action: t.literal('change-quantity'), lineId: NonEmptyString, qty: PositiveInt }),
    t.strict({ action: t.literal('change-shipping'), shippingFee: MoneyCodec, discount: MoneyCodec }),
  ],
  'EditAction',
);
export type EditAction = t.TypeOf<typeof EditActionCodec>;
