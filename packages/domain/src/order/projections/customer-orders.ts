import type { Actor } from '@ordersource/core';
import { emptyDirectory, type Directory } from '../../customers/directory.js';
import { customerMayAccess } from '../access.js';
import type { OrderEventType } from '../events.js';
import type { OrderState } from '../state.js';
import { orderListItem, type OrderListItem, type OrdersModel } from './orders.js';
import { statusHistory, type HistoryEntry, type StatusHistoryModel } from './status-history.js';

/**
 * CUS-2 "my account": a customer's orders, and those of her company when she
 * is a company contact. CUS-3: these queries never return an order of
 * another customer or company; anyone but a customer gets nothing here.
 * Company membership comes from `directory` (customers/directory.ts), never
 * from the session's `actor.companyId`; without one, her own orders only.
 */

const visibleTo = (actor: Actor, state: OrderState, directory: Directory): boolean =>
  state.details !== null &&
  state.status !== 'discarded' &&
  customerMayAccess(actor, state.details.customer, directory, state.details.orderId);

/** What the customer sees of an order: no fraud signals, IPs or internal payment data. */
export type CustomerOrderView = Readonly<{
  orderId: string;
  orderNumber: string;
  placedAt: string;
  status: OrderListItem['status'];
  paymentStatus: OrderListItem['paymentStatus'];
  financialStatus: OrderListItem['financialStatus'];
  fulfillmentStatus: OrderListItem['fulfillmentStatus'];
  total: OrderListItem['total'];
  balanceDue: number;
  lines: OrderState['lines'];
  totals: OrderState['totals'];
  billingAddress: NonNullable<OrderState['details']>['billingAddress'];
  shippingAddress: NonNullable<OrderState['details']>['shippingAddress'];
  shipments: OrderState['fulfillment']['shipments'];
  downloadsUnlocked: boolean;
}>;

/**
 * ORD-7 (issue 10.1): the customer never sees a fraud review as "on hold":
 * a timed review hold shows as processing ('processed'); a hold an admin set
 * by hand (stock loss, a shipping delay) is hers to see.
 */
export const customerFulfillmentStatus = (state: OrderState): OrderListItem['fulfillmentStatus'] =>
  state.fulfillment.status === 'on_hold' && state.fulfillment.hold?.until !== undefined
    ? 'processed'
    : state.fulfillment.status;

const viewOf = (state: OrderState): CustomerOrderView | undefined => {
  const item = orderListItem(state);
  if (item === undefined || state.details === null) return undefined;
  return {
    orderId: item.orderId,
    orderNumber: item.orderNumber,
    placedAt: item.placedAt,
    status: item.status,
    paymentStatus: item.paymentStatus,
    financialStatus: item.financialStatus,
    fulfillmentStatus: customerFulfillmentStatus(state),
    total: item.total,
    balanceDue: item.balanceDue,
    lines: state.lines,
    totals: state.totals,
    billingAddress: state.details.billingAddress,
    shippingAddress: state.details.shippingAddress,
    shipments: state.fulfillment.shipments,
    downloadsUnlocked: state.fulfillment.downloadsUnlocked,
  };
};

/** "My account": newest first. */
export const customerOrders = (
  model: OrdersModel,
  actor: Actor,
  directory: Directory = emptyDirectory,
): CustomerOrderView[] =>
  Object.values(model.orders)
    .filter((state) => visibleTo(actor, state, directory))
    .map(viewOf)
    .filter((view): view is CustomerOrderView => view !== undefined)
    .sort((a, b) => Date.parse(b.placedAt) - Date.parse(a.placedAt));

/** One order of "my account", or undefined when it is not the actor's to see. */
export const customerOrder = (
  model: OrdersModel,
  actor: Actor,
  orderId: string,
  directory: Directory = emptyDirectory,
): CustomerOrderView | undefined => {
  const state = model.orders[orderId];
  return state !== undefined && visibleTo(actor, state, directory) ? viewOf(state) : undefined;
};

/** Bookkeeping a customer does not see in her history, unless the change was sent or shown to her (FUL-1). */
const INTERNAL: ReadonlySet<OrderEventType> = new Set<OrderEventType>([
  'InvoicePaymentReconciled',
  'OrderLocked',
  'FulfillmentHeld',
  'FulfillmentHoldReleased',
  'OrderDiscarded',
]);

/** Pixpa e-mails the customer about a hold when asked: then it is hers to see too. */
const toldCustomer = (entry: HistoryEntry): boolean => entry.email || entry.sms || entry.noteVisibleToCustomer;

/** NOT-3: a recorded send that reached no customer e-mail or SMS was the shop's own alert. */
const alertToShop = (entry: HistoryEntry): boolean => entry.event === 'NotificationSent' && !entry.email && !entry.sms;

/**
 * CUS-2: the history of one of the customer's orders, newest first, without
 * internal bookkeeping and without admin notes not meant for her. Empty when
 * the order is not hers to see (CUS-3).
 */
export const customerStatusHistory = (
  orders: OrdersModel,
  history: StatusHistoryModel,
  actor: Actor,
  orderId: string,
  directory: Directory = emptyDirectory,
): HistoryEntry[] => {
  const state = orders.orders[orderId];
  if (state === undefined || !visibleTo(actor, state, directory)) return [];
  return statusHistory(history, orderId)
    .filter((entry) => !(INTERNAL.has(entry.event) && !toldCustomer(entry)) && !alertToShop(entry))
    .map((entry) => {
      if (entry.noteVisibleToCustomer || entry.remarks.admin === undefined) return entry;
      const { admin: _hidden, ...remarks } = entry.remarks;
      return { ...entry, remarks };
    });
};
