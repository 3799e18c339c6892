import { mutableCopy, type Projection } from '@ordersource/core';
import type { Draft } from 'immer';
import { orderIdOf, orderEventTypes, ORDER_STREAM_PREFIX, type OrderEvent } from '../events.js';
import { evolveOrder } from '../evolve.js';
import {
  balanceDue,
  financialStatus,
  netCaptured,
  pixpaPaymentStatus,
  totalRefunded,
  type FinancialStatus,
  type PixpaPaymentStatus,
} from '../payment-status.js';
import { decodeOrderEnvelope } from '../policies/reactor-base.js';
import { initialOrderState, type FulfillmentStatus, type OrderState, type OrderStatus } from '../state.js';

/**
 * The orders read model: every order's folded state, keyed by order id, with
 * the admin list (filters by payment and fulfillment status, search by
 * number or customer) and the detail view as queries over it.
 */
export type OrdersModel = { orders: Record<string, OrderState> };

export const ordersProjection: Projection<OrdersModel, OrderEvent> = {
  name: 'orders',
  initialState: { orders: {} },
  decode: decodeOrderEnvelope,
  filter: { streamPrefix: ORDER_STREAM_PREFIX, eventTypes: orderEventTypes },
  evolve: (model, envelope) => {
    const orderId = orderIdOf(envelope.streamId);
    const current =
      model.orders[orderId] ?? (model.orders[orderId] = mutableCopy(initialOrderState) as Draft<OrderState>);
    evolveOrder(current, envelope.event);
  },
};

/** One row of the admin order list. */
export type OrderListItem = Readonly<{
  orderId: string;
  orderNumber: string;
  placedAt: string;
  customerId: string;
  customerName: string;
  companyId?: string;
  status: OrderStatus;
  financialStatus: FinancialStatus;
  /** PAY-2: Pixpa's paid / pending / refunded. */
  paymentStatus: PixpaPaymentStatus;
  fulfillmentStatus: FulfillmentStatus;
  total: OrderState['totals']['total'];
  balanceDue: number;
  fraudFlagged: boolean;
  locked: boolean;
}>;

export const orderListItem = (state: OrderState): OrderListItem | undefined => {
  const details = state.details;
  if (details === null) return undefined;
  const financial = financialStatus(state);
  return {
    orderId: details.orderId,
    orderNumber: details.orderNumber,
    placedAt: details.placedAt,
    customerId: details.customer.id,
    customerName: details.customer.name,
    ...(details.customer.companyId === undefined ? {} : { companyId: details.customer.companyId }),
    status: state.status,
    financialStatus: financial,
    paymentStatus: pixpaPaymentStatus(financial),
    fulfillmentStatus: state.fulfillment.status,
    total: state.totals.total,
    balanceDue: balanceDue(state),
    fraudFlagged: details.fraudSignals.length > 0,
    locked: state.locked !== undefined,
  };
};

export type OrderListFilter = Readonly<{
  financialStatus?: readonly FinancialStatus[];
  paymentStatus?: readonly PixpaPaymentStatus[];
  fulfillmentStatus?: readonly FulfillmentStatus[];
  status?: readonly OrderStatus[];
  /** Matches the order number, customer id, name, e-mail or phone (case-insensitive, substring). */
  search?: string;
  /** Discarded orders are hidden unless asked for (ORD-6). */
  includeDiscarded?: boolean;
  /** ORD-7: only orders with (true) or without (false) a fraud signal. */
  fraudFlagged?: boolean;
  /** Paging over the sorted result. */
  offset?: number;
  limit?: number;
}>;

const matches = (state: OrderState, search: string): boolean => {
  const needle = search.trim().toLowerCase();
  const d = state.details;
  if (needle === '' || d === null) return true;
  return [d.orderNumber, d.customer.id, d.customer.name, d.customer.email ?? '', d.customer.phone ?? ''].some((field) =>
    field.toLowerCase().includes(needle),
  );
};

/** The admin order list, newest first. */
export const listOrders = (model: OrdersModel, filter: OrderListFilter = {}): OrderListItem[] => {
  const items: OrderListItem[] = [];
  for (const state of Object.values(model.orders)) {
    const item = orderListItem(state);
    if (item === undefined) continue;
    if (item.status === 'discarded' && filter.includeDiscarded !== true && !filter.status?.includes('discarded'))
      continue;
    if (filter.financialStatus !== undefined && !filter.financialStatus.includes(item.financialStatus)) continue;
    if (filter.paymentStatus !== undefined && !filter.paymentStatus.includes(item.paymentStatus)) continue;
    if (filter.fulfillmentStatus !== undefined && !filter.fulfillmentStatus.includes(item.fulfillmentStatus)) continue;
    if (filter.status !== undefined && !filter.status.includes(item.status)) continue;
    if (filter.search !== undefined && !matches(state, filter.search)) continue;
    if (filter.fraudFlagged !== undefined && item.fraudFlagged !== filter.fraudFlagged) continue;
    items.push(item);
  }
  items.sort((a, b) => Date.parse(b.placedAt) - Date.parse(a.placedAt) || b.orderNumber.localeCompare(a.orderNumber));
  const offset = Math.max(0, filter.offset ?? 0);
  return filter.limit === undefined ? items.slice(offset) : items.slice(offset, offset + Math.max(0, filter.limit));
};

/** The order detail: the whole state plus the derived money facts. */
export type OrderDetailView = Readonly<{
  order: OrderState;
  item: OrderListItem;
  paid: number;
  refunded: number;
}>;

export const orderDetailOf = (state: OrderState): OrderDetailView | undefined => {
  const item = orderListItem(state);
  return item === undefined
    ? undefined
    : { order: state, item, paid: netCaptured(state), refunded: totalRefunded(state) };
};

export const orderDetail = (model: OrdersModel, orderId: string): OrderDetailView | undefined => {
  const state = model.orders[orderId];
  return state === undefined ? undefined : orderDetailOf(state);
};
