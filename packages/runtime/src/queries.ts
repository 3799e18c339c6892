import type { Actor, CodedValidationError, Envelope, EventStore, StoredTimer, TimerStore } from '@ordersource/core';
import {
  customerOrders,
  historyEntry,
  listOrders,
  orderDetailOf,
  orderStreamId,
  type CustomerOrderView,
  type HistoryEntry,
  type OrderDetailView,
  type OrderEvent,
  type OrderListFilter,
  type OrderListItem,
  type OrderState,
} from '@ordersource/domain';
import {
  customerStreamId,
  myCompanyOrders,
  myOrders,
  myReceipts,
  mySubscriptions,
  type CustomerState,
  type PortalOrder,
} from '@ordersource/domain/customers';
import {
  receiptsStreamId,
  type ReceiptRecord,
  type ReceiptsRegister,
  type RegisterRow,
} from '@ordersource/domain/receipts';
import {
  adminSubscriptionView,
  portalSubscriptionView,
  subscriptionHistory,
  subscriptionStreamId,
  type AdminSubscriptionView,
  type PortalSubscriptionView,
  type SubscriptionEvent,
  type SubscriptionHistoryEntry,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import type { ShopEvent } from './shop-streams.js';
import type { DecoderRegistry } from './streams.js';
import {
  orderReconciliationOf,
  ordersNeedingAttention,
  type OrderReconciliation,
  type ReconciliationAttention,
} from './reconciliation.js';
import type { ReadModels, ShopHandlers } from './shop.js';

/**
 * Every read of the shop in one place. One stream's views (an order with its
 * receipts and history, a customer, a subscription) are read from the
 * stream, so they include a command just handled; lists read the projection
 * workers, caught up first (so also read-your-writes in this process).
 * A stored event that does not decode is thrown as an `invalid-event` error.
 */

export type OrderView = Readonly<{
  orderId: string;
  version: number;
  state: OrderState;
  detail: OrderDetailView;
  /** Its fiscal receipts (REC-1..REC-8), in the order they were issued. */
  receipts: readonly ReceiptRecord[];
  history: readonly HistoryEntry[];
  /** What is planned for it (ORD-7 hold expiry, payment expiry). */
  timers: readonly StoredTimer[];
}>;

export type SubscriptionView = Readonly<{
  subscriptionId: string;
  version: number;
  state: SubscriptionState;
  admin: AdminSubscriptionView;
  history: readonly SubscriptionHistoryEntry[];
  timers: readonly StoredTimer[];
}>;

export type ShopQueries = Readonly<{
  /** The order detail with its receipts, history and timers; undefined when no such order. */
  order: (orderId: string) => Promise<OrderView | undefined>;
  orderHistory: (orderId: string) => Promise<readonly HistoryEntry[]>;
  receipts: (orderId: string) => Promise<readonly ReceiptRecord[]>;
  /** The admin's order list (ORD-5 filters, paging). */
  orders: (filter?: OrderListFilter) => Promise<readonly OrderListItem[]>;
  receiptsRegister: () => Promise<ReceiptsRegister>;
  /**
   * Issue 9 (PAY-5, REC-7): one order's money against its receipts, its refunds waiting for goods
   * (`AssignRefundGoods`) and the goods they may name; undefined when no receipts stream has money of it.
   */
  reconciliation: (orderId: string) => Promise<OrderReconciliation | undefined>;
  /** Issue 9: every order with a refund waiting for goods or money refunded beyond any receipt, longest waiting first. */
  reconciliationAttention: () => Promise<readonly ReconciliationAttention[]>;
  customer: (customerId: string) => Promise<CustomerState | undefined>;
  /** CUS-2 "My Account", filtered by CUS-3 access. */
  myOrders: (actor: Actor) => Promise<readonly PortalOrder[]>;
  myCompanyOrders: (actor: Actor) => Promise<readonly PortalOrder[]>;
  myReceipts: (actor: Actor) => Promise<readonly RegisterRow[]>;
  mySubscriptions: (actor: Actor) => Promise<ReturnType<typeof mySubscriptions>>;
  /** The customer's own view of her orders (no fraud signals, no internal notes). */
  customerOrders: (actor: Actor) => Promise<readonly CustomerOrderView[]>;
  subscription: (subscriptionId: string) => Promise<SubscriptionView | undefined>;
  portalSubscription: (subscriptionId: string, viewer: Actor) => Promise<PortalSubscriptionView | undefined>;
}>;

export type QueryDeps = Readonly<{
  store: EventStore;
  handlers: ShopHandlers;
  readModels: ReadModels;
  decoders: DecoderRegistry<ShopEvent>;
  timers: TimerStore;
}>;

/** A stored event that does not decode: thrown, with its code, so a caller can tell it from a bug. */
export class QueryError extends Error {
  readonly code: CodedValidationError['code'];
  readonly error: CodedValidationError;
  constructor(error: CodedValidationError) {
    super(error.message);
    this.name = 'QueryError';
    this.code = error.code;
    this.error = error;
  }
}

const orThrow = <A>(result: E.Either<{ message: string; code?: string; kind: string }, A>): A => {
  if (E.isRight(result)) return result.right;
  const left = result.left as CodedValidationError;
  throw new QueryError({ ...left, code: left.code ?? 'invalid-event' });
};

export const createShopQueries = (deps: QueryDeps): ShopQueries => {
  const { store, handlers, readModels, decoders, timers } = deps;

  const envelopesOf = async <Ev extends ShopEvent>(streamId: string): Promise<Envelope<Ev>[]> => {
    const out: Envelope<Ev>[] = [];
    for await (const raw of store.read(streamId)) out.push(orThrow(decoders.decode(raw)) as Envelope<Ev>);
    return out;
  };

  const receipts = async (orderId: string): Promise<readonly ReceiptRecord[]> => {
    const loaded = orThrow(await handlers.receipts.load(receiptsStreamId(orderId)));
    return Object.values(loaded.state.receipts).sort(
      (a, b) => Date.parse(a.receipt.issuedAt) - Date.parse(b.receipt.issuedAt),
    );
  };

  const orderHistory = async (orderId: string): Promise<readonly HistoryEntry[]> =>
    (await envelopesOf<OrderEvent>(orderStreamId(orderId))).map(historyEntry);

  const caughtUp = async <S>(worker: Readonly<{ pass: () => Promise<number>; state: () => S }>): Promise<S> => {
    await worker.pass();
    return worker.state();
  };

  const portal = async () => ({
    orders: await caughtUp(readModels.orders),
    directory: await caughtUp(readModels.directory),
  });

  return {
    order: async (orderId) => {
      const streamId = orderStreamId(orderId);
      const loaded = orThrow(await handlers.order.load(streamId));
      const detail = orderDetailOf(loaded.state);
      if (loaded.version < 0 || detail === undefined) return undefined;
      return {
        orderId,
        version: loaded.version,
        state: loaded.state,
        detail,
        receipts: await receipts(orderId),
        history: await orderHistory(orderId),
        timers: await timers.list(streamId),
      };
    },
    orderHistory,
    receipts,
    orders: async (filter) => listOrders(await caughtUp(readModels.orders), filter),
    receiptsRegister: () => caughtUp(readModels.receiptsRegister),
    reconciliation: async (orderId) => {
      const model = await caughtUp(readModels.reconciliation);
      const entry = model.byOrder[orderId];
      if (entry === undefined) return undefined;
      const loaded = orThrow(await handlers.receipts.load(receiptsStreamId(orderId)));
      return orderReconciliationOf(entry, model, loaded.state);
    },
    reconciliationAttention: async () => ordersNeedingAttention(await caughtUp(readModels.reconciliation)),
    customer: async (customerId) => {
      const loaded = orThrow(await handlers.customer.load(customerStreamId(customerId)));
      return loaded.version < 0 ? undefined : loaded.state;
    },
    myOrders: async (actor) => {
      const { orders, directory } = await portal();
      return myOrders(orders, directory, actor);
    },
    myCompanyOrders: async (actor) => {
      const { orders, directory } = await portal();
      return myCompanyOrders(orders, directory, actor);
    },
    myReceipts: async (actor) => {
      const { orders, directory } = await portal();
      const register = await caughtUp(readModels.receiptsRegister);
      return myReceipts(register.byOrder, orders, directory, actor);
    },
    mySubscriptions: async (actor) => {
      const { directory } = await portal();
      const model = await caughtUp(readModels.subscriptions);
      return mySubscriptions(model.subscriptions, directory, actor);
    },
    // CUS-3: a company contact sees her companies' orders as the directory records them, never as the session claims.
    customerOrders: async (actor) => {
      const { orders, directory } = await portal();
      return customerOrders(orders, actor, directory);
    },
    subscription: async (subscriptionId) => {
      const streamId = subscriptionStreamId(subscriptionId);
      const loaded = orThrow(await handlers.subscription.load(streamId));
      if (loaded.version < 0) return undefined;
      return {
        subscriptionId,
        version: loaded.version,
        state: loaded.state,
        admin: adminSubscriptionView(loaded.state),
        history: subscriptionHistory(await envelopesOf<SubscriptionEvent>(streamId)),
        timers: await timers.list(streamId),
      };
    },
    portalSubscription: async (subscriptionId, viewer) => {
      const loaded = orThrow(await handlers.subscription.load(subscriptionStreamId(subscriptionId)));
      return loaded.version < 0 ? undefined : portalSubscriptionView(loaded.state, viewer);
    },
  };
};
