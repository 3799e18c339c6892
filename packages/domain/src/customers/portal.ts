import type * as E from 'fp-ts/lib/Either.js';
import type { Actor, DomainError } from '@ordersource/core';
import { authorize } from '../order/access.js';
import type { OrderCommandType } from '../order/commands.js';
import { customerFulfillmentStatus } from '../order/projections/customer-orders.js';
import { orderListItem, type OrderListItem, type OrdersModel } from '../order/projections/orders.js';
import type { OrderState } from '../order/state.js';
import type { RegisterRow } from '../receipts/projections.js';
import type { SubscriptionState } from '../subscriptions/state.js';
import { accessVia, type Directory, type Via } from './directory.js';

/**
 * CUS-2 "My Account" (seed 000): my orders, my company's orders, my
 * subscriptions, my receipts. Every list is filtered by `accessVia` (CUS-3),
 * so nobody reads what is not theirs; `mayActOnOrder` is the same rule for
 * commands. What a customer sees of an order leaves out the shop's fraud
 * signals.
 */

export type PortalOrder = Readonly<{
  orderId: string;
  orderNumber: string;
  placedAt: string;
  via: Via;
  status: OrderListItem['status'];
  paymentStatus: OrderListItem['paymentStatus'];
  fulfillmentStatus: OrderListItem['fulfillmentStatus'];
  total: OrderListItem['total'];
  balanceDue: number;
}>;

const portalOrder = (directory: Directory, actor: Actor, state: OrderState): PortalOrder | undefined => {
  if (state.details === null || state.status === 'discarded') return undefined;
  const via = accessVia(directory, actor, state.details.customer, state.details.orderId);
  const item = via === undefined ? undefined : orderListItem(state);
  if (via === undefined || item === undefined) return undefined;
  return {
    orderId: item.orderId,
    orderNumber: item.orderNumber,
    placedAt: item.placedAt,
    via,
    status: item.status,
    paymentStatus: item.paymentStatus,
    fulfillmentStatus: customerFulfillmentStatus(state),
    total: item.total,
    balanceDue: item.balanceDue,
  };
};

const newestFirst = (a: PortalOrder, b: PortalOrder): number => Date.parse(b.placedAt) - Date.parse(a.placedAt);

const visible = (orders: OrdersModel, directory: Directory, actor: Actor): PortalOrder[] =>
  Object.values(orders.orders)
    .map((state) => portalOrder(directory, actor, state))
    .filter((order): order is PortalOrder => order !== undefined)
    .sort(newestFirst);

/** CUS-2: her own orders, and the guest orders her account took over. */
export const myOrders = (orders: OrdersModel, directory: Directory, actor: Actor): PortalOrder[] =>
  visible(orders, directory, actor).filter((order) => order.via !== 'company');

/** CUS-2: the orders of the companies she is a contact of (now), other than her own. */
export const myCompanyOrders = (orders: OrdersModel, directory: Directory, actor: Actor): PortalOrder[] =>
  visible(orders, directory, actor).filter((order) => order.via === 'company');

/** CUS-2: subscriptions she or her company holds. */
export const mySubscriptions = (
  subscriptions: Readonly<Record<string, SubscriptionState>>,
  directory: Directory,
  actor: Actor,
): Array<Readonly<{ subscriptionId: string; via: Via; status: SubscriptionState['status'] }>> =>
  Object.entries(subscriptions).flatMap(([subscriptionId, state]) => {
    const via = state.customer === null ? undefined : accessVia(directory, actor, state.customer);
    return via === undefined ? [] : [{ subscriptionId, via, status: state.status }];
  });

/** CUS-2: the fiscal receipts of the orders she may see. */
export const myReceipts = (
  receipts: Readonly<Record<string, readonly RegisterRow[]>>,
  orders: OrdersModel,
  directory: Directory,
  actor: Actor,
): RegisterRow[] =>
  Object.entries(receipts).flatMap(([orderId, rows]) => {
    const details = orders.orders[orderId]?.details;
    return details !== null && details !== undefined && accessVia(directory, actor, details.customer, orderId)
      ? [...rows]
      : [];
  });

/**
 * CUS-3: `authorize` of access.ts (which commands a customer may send), with
 * ownership read from the directory instead of the session's companyId.
 */
export const mayActOnOrder = (
  directory: Directory,
  actor: Actor,
  type: OrderCommandType,
  state: OrderState,
): E.Either<DomainError, void> =>
  authorize(actor, type, state.details?.customer ?? null, directory, state.details?.orderId);
