import * as E from 'fp-ts/lib/Either.js';
import {
  createProjectionRunner,
  rehydrate,
  domainError,
  type Actor,
  type DomainError,
  type Envelope,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import {
  defaultShopSettings,
  orderStreamId,
  type HistoryEntry,
  type OrderState,
  type ShopSettings,
} from '@ordersource/domain';
import { receiptsStreamId, type ReceiptsState } from '@ordersource/domain/receipts';
import {
  defaultSubscriptionSettings,
  subscriptionStreamId,
  type SubscriptionSettings,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import { companyStreamId, type CustomerState } from '@ordersource/domain/customers';
import {
  creditAccountStreamId,
  creditBalance,
  creditDecider,
  decodeOrderEnvelope,
  type CreditState,
  type OrderEvent,
} from '@ordersource/domain';
import {
  defaultChangeSettings,
  orderChangeDeciderWith,
  orderChangeStreamId,
  previewChange,
  type ChangeKind,
  type ChangePreview,
  type ChangeSettings,
  type OrderChangeNotification,
  type OrderChangeState,
  type RestockRequest,
} from '@ordersource/domain/changes';
import { createAccountsService, type AccountsService, type ScryptParams } from '@ordersource/accounts';
import {
  beginOrderChange,
  createShop as createRuntimeShop,
  creditStreamKind,
  decodeCreditEnvelope,
  decodeOrderChangeEnvelope,
  orderChangeStreamKind,
  withOrderChanges,
  withStoreCredit,
  type NotificationOut,
  type ShopError as RuntimeError,
} from '@ordersource/runtime';
import { createNotifier, type Notifier, type NotifierOptions } from './notifier.js';
import { createKeyedLock } from './keyed-lock.js';
import { accountEmailsProjection } from './account-emails.js';
import { orderChangesIndexProjection } from './order-changes-index.js';

/**
 * The example shop on @ordersource/runtime: the runtime composes every
 * stream kind (order, receipts, subscription, customer, company), decodes
 * raw input with their codecs, runs every policy (the receipts policy
 * included) as a checkpointed reactor and keeps the read models. This file
 * adds what an HTTP shop needs around it: If-Match as the expected stream
 * version of the write, the policies settled before a request is answered (so the answer
 * already shows what they did), the account invitation of CUS-1 (a token
 * only @ordersource/accounts may make) put into the order confirmation, and
 * the messages sent through @ordersource/notify.
 */

export type ShopOptions = Readonly<{
  store: EventStore;
  settings?: ShopSettings;
  subscriptionSettings?: SubscriptionSettings;
  /** Issue 17: the order changes' reason catalog (default: the domain's, labelled in the seeds' languages). */
  changeSettings?: Omit<ChangeSettings, 'directory'>;
  notifier: Omit<NotifierOptions, 'contacts'> & Partial<Pick<NotifierOptions, 'contacts'>>;
  /** Where links in messages point (the invitation, the order status page). */
  baseUrl: string;
  scrypt?: ScryptParams;
  clock?: () => Date;
}>;

export type Meta = Readonly<{ commandId: string; actor: Actor; at: string }>;

export type Outcome = Readonly<{ version: number; events: readonly { type: string }[]; duplicate: boolean }>;

export type ShopError = HandlerError | RuntimeError;

const stale = (streamId: string, expected: number, actual: number): DomainError =>
  domainError('version-mismatch', `${streamId} is at version ${actual}, the request expected ${expected}`, {
    expected,
    actual,
  });

type Raw = Readonly<{ type: unknown; data: unknown }>;

export const createShop = (options: ShopOptions) => {
  const { store } = options;
  const settings = options.settings ?? defaultShopSettings;
  const subscriptionSettings = options.subscriptionSettings ?? defaultSubscriptionSettings;
  const clock = options.clock ?? (() => new Date());
  const decided: NotificationOut[] = [];
  /** Issue 17: what the change reactor handed to the stock (a real shop's warehouse port; idempotent by restockId). */
  const restocks = new Map<string, RestockRequest>();
  /** Issue 17: the change notifications decided, as the admin page lists them (and sent like the others, below). */
  const changeNotifications = new Map<string, { id: string; notification: OrderChangeNotification }>();
  // The change decider checks CUS-3 against the directory (a company's contact acts on its orders too).
  const changeSettings: ChangeSettings = {
    ...defaultChangeSettings,
    ...options.changeSettings,
    directory: () => runtime.readModels.directory.state(),
  };
  const runtime = createRuntimeShop({
    store,
    settings,
    subscriptions: subscriptionSettings,
    streams: [orderChangeStreamKind(changeSettings), creditStreamKind()],
    reactors: (defaults) =>
      withStoreCredit()(
        withOrderChanges({
          settings: changeSettings,
          inventory: (request) => {
            restocks.set(request.restockId, request);
          },
        })(defaults),
      ),
    onNotification: (out) => {
      if ((out.notification as { kind?: string }).kind === 'order-change')
        changeNotifications.set(out.id, {
          id: out.id,
          notification: out.notification as unknown as OrderChangeNotification,
        });
      decided.push(out);
    },
  });
  const changeDecider = orderChangeDeciderWith(changeSettings);
  const orders = runtime.handlers.order;
  const accounts: AccountsService = createAccountsService({
    store,
    clock,
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
  });
  const lock = createKeyedLock();
  const invitations = new Map<string, string>();

  const notifier: Notifier = createNotifier(
    {
      contacts: options.notifier.contacts ?? {
        shopName: 'ordersource example shop',
        admin: { name: 'Shop admin', email: 'orders@shop.example', language: 'en' },
        orderUrl: (orderId) => `${options.baseUrl}/portal/orders/${encodeURIComponent(orderId)}`,
        adminUrl: (orderId) => `${options.baseUrl}/admin/orders/${encodeURIComponent(orderId)}`,
        inviteUrl: (state) => (state.details === null ? undefined : invitations.get(state.details.orderId)),
      },
      transport: options.notifier.transport,
      ...(options.notifier.print === undefined ? {} : { print: options.notifier.print }),
    },
    orders,
  );
  const emails = createProjectionRunner(store, accountEmailsProjection);
  const changeIndex = createProjectionRunner(store, orderChangesIndexProjection);

  const readDecoded = async <Ev>(
    streamId: string,
    decode: (raw: never) => E.Either<{ message: string }, { event: Ev }>,
  ): Promise<{ event: Ev }[]> => {
    const out: { event: Ev }[] = [];
    for await (const raw of store.read(streamId)) {
      const decoded = decode(raw as never);
      if (E.isLeft(decoded)) throw new Error(`${streamId}@${raw.streamVersion}: ${decoded.left.message}`);
      out.push(decoded.right);
    }
    return out;
  };
  const changeState = async (changeId: string): Promise<{ state: OrderChangeState; version: number } | undefined> => {
    const history = await readDecoded(orderChangeStreamId(changeId), decodeOrderChangeEnvelope);
    if (history.length === 0) return undefined;
    return {
      state: rehydrate(
        changeDecider,
        history.map((e) => e.event),
      ),
      version: history.length - 1,
    };
  };

  const customerState = async (customerId: string): Promise<CustomerState | undefined> =>
    runtime.queries.customer(customerId);

  /** CUS-1: a guest's first confirmation carries the invitation to create an account (only its hash is stored). */
  const invite = async (state: OrderState): Promise<void> => {
    const details = state.details;
    if (details === null || invitations.has(details.orderId) || details.customer.email === undefined) return;
    const customer = await customerState(details.customer.id);
    if (customer?.status !== 'guest') return;
    const token = await accounts.invite(details.customer.id);
    if (E.isRight(token))
      invitations.set(
        details.orderId,
        `${options.baseUrl}/portal/signup?customer=${encodeURIComponent(details.customer.id)}&token=${token.right}`,
      );
  };

  /** Hand the notifications the reactors decided to the notifier, with the order as it is now. */
  const sendDecided = async (): Promise<void> => {
    for (const out of decided.splice(0)) {
      const orderId = (out.notification as { orderId?: string }).orderId;
      if (orderId === undefined) continue;
      const loaded = await orders.load(orderStreamId(orderId));
      if (E.isLeft(loaded)) continue;
      if (out.notification.kind === 'order-confirmation') await invite(loaded.right.state);
      notifier.notify({ id: out.id, notification: out.notification }, loaded.right.state);
    }
    await notifier.drain();
  };

  // One runUntilIdle at a time over the whole store; requests that arrive meanwhile share the next run.
  let running: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  const settleOnce = async (): Promise<void> => {
    const report = await runtime.runUntilIdle();
    if (!report.idle) console.warn('the shop policies did not settle within their rounds');
    // Recording a sent message appends to the order; the next run's reactors read it (nothing comes of it).
    await sendDecided();
  };
  const settle = (): Promise<void> => {
    if (running === undefined) {
      running = settleOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    again ??= running.then(() => {
      again = undefined;
      return settle();
    });
    return again;
  };

  /**
   * One command on one stream, one at a time in this process; the If-Match is the append's expected
   * version, so it holds against another process on the same store too. The policies have run when it resolves.
   */
  const executeGuarded = async (streamId: string, raw: Raw, meta: Meta, ifMatch?: number) => {
    const handled = await lock(streamId, () =>
      runtime.execute(
        streamId,
        { type: raw.type, data: raw.data, metadata: meta },
        ifMatch === undefined ? undefined : { expectedVersion: ifMatch },
      ),
    );
    if (E.isLeft(handled))
      return handled.left.kind === 'wrong-expected-version'
        ? E.left(stale(streamId, ifMatch ?? -1, handled.left.actual))
        : handled;
    if (!handled.right.duplicate) await settle();
    return handled;
  };

  const outcomeOf = (handled: { version: number; events: readonly { type: string }[]; duplicate: boolean }) => ({
    version: handled.version,
    events: handled.events,
    duplicate: handled.duplicate,
  });

  return {
    store,
    settings,
    subscriptionSettings,
    accounts,
    notifier,
    orders,
    runtime,

    /**
     * Decode raw `{ type, data }` with the order codecs (the runtime does), then
     * handle it. `ifMatch` (from If-Match) is the write's expected stream version:
     * a stream another writer moved (this process or another on the same store)
     * is `version-mismatch` and nothing is written. The policies have run when it resolves.
     */
    orderCommand: async (
      orderId: string,
      raw: Raw,
      meta: Meta,
      ifMatch?: number,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const streamId = orderStreamId(orderId);
      const handled = await executeGuarded(streamId, raw, meta, ifMatch);
      if (E.isLeft(handled)) return handled;
      const after = await orders.load(streamId);
      return E.right(
        outcomeOf({ ...handled.right, version: E.isRight(after) ? after.right.version : handled.right.version }),
      );
    },

    /** The order and its stream version (the ETag), or undefined when there is no such order. */
    order: async (orderId: string): Promise<{ state: OrderState; version: number } | undefined> => {
      const loaded = await orders.load(orderStreamId(orderId));
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.version < 0 ? undefined : loaded.right;
    },

    /** ORD-5: the status history, newest first. */
    history: async (orderId: string): Promise<HistoryEntry[]> =>
      [...(await runtime.queries.orderHistory(orderId))].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),

    receipts: async (orderId: string): Promise<ReceiptsState | undefined> => {
      const loaded = await runtime.handlers.receipts.load(receiptsStreamId(orderId));
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.version < 0 ? undefined : loaded.right.state;
    },

    historyModel: async () => {
      await runtime.readModels.history.pass();
      return runtime.readModels.history.state();
    },

    ordersModel: async () => {
      await runtime.readModels.orders.pass();
      return runtime.readModels.orders.state();
    },

    directory: async () => {
      await runtime.readModels.directory.pass();
      return runtime.readModels.directory.state();
    },

    customer: customerState,
    /** The customer id of the account with this e-mail (login takes an e-mail, accounts a customer id). */
    accountByEmail: async (email: string): Promise<string | undefined> => {
      const done = await emails.catchUp();
      if (E.isLeft(done)) throw new Error(done.left.message);
      return emails.state()[email.trim().toLowerCase()];
    },
    /** CUS-2: every order's fiscal receipts, as the register shows them. */
    receiptRows: () => runtime.queries.receiptsRegister(),
    invitationFor: (orderId: string): string | undefined => invitations.get(orderId),

    subscriptionCommand: async (
      subscriptionId: string,
      raw: Raw,
      meta: Meta,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const handled = await runtime.execute(subscriptionStreamId(subscriptionId), {
        type: raw.type,
        data: raw.data,
        metadata: meta,
      });
      if (E.isLeft(handled)) return handled;
      if (!handled.right.duplicate) await settle();
      return E.right(outcomeOf(handled.right));
    },

    subscription: async (subscriptionId: string) => runtime.queries.subscription(subscriptionId),

    subscriptions: async (): Promise<Record<string, SubscriptionState>> => {
      await runtime.readModels.subscriptions.pass();
      return { ...runtime.readModels.subscriptions.state().subscriptions };
    },

    companyCommand: async (companyId: string, raw: Raw, meta: Meta): Promise<E.Either<ShopError, Outcome>> => {
      const handled = await runtime.execute(companyStreamId(companyId), {
        type: raw.type,
        data: raw.data,
        metadata: meta,
      });
      if (E.isLeft(handled)) return handled;
      await settle();
      return E.right(outcomeOf(handled.right));
    },

    // ---- issue 17: order changes and store credit ---------------------------

    changeSettings,

    /**
     * Begin a change: the basis is read from the order stream on the server
     * (`beginOrderChange`), never taken from the caller; the change decider
     * checks the actor may act on the order (CUS-3).
     */
    beginChange: async (
      input: Readonly<{
        changeId: string;
        orderId: string;
        kind: ChangeKind;
        resolution?: 'replace' | 'refund';
        note?: string;
      }>,
      meta: Meta,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const handled = (await lock(orderChangeStreamId(input.changeId), () =>
        beginOrderChange(runtime, { ...input, actor: meta.actor, at: meta.at, commandId: meta.commandId }),
      )) as E.Either<ShopError, { version: number; events: readonly { type: string }[]; duplicate: boolean }>;
      if (E.isLeft(handled)) return handled;
      if (!handled.right.duplicate) await settle();
      return E.right(outcomeOf(handled.right));
    },

    /** A change command by type, decoded by the change stream kind's codec; If-Match as its expected version. */
    changeCommand: async (
      changeId: string,
      raw: Raw,
      meta: Meta,
      ifMatch?: number,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const handled = await executeGuarded(orderChangeStreamId(changeId), raw, meta, ifMatch);
      if (E.isLeft(handled)) return handled;
      const after = await changeState(changeId);
      return E.right(outcomeOf({ ...handled.right, version: after?.version ?? handled.right.version }));
    },

    /** The change and its stream version, or undefined. */
    change: changeState,

    /** The change's preview (the domain's `previewChange` on the order's history); a plan error as its code. */
    previewChange: async (
      state: OrderChangeState,
      at: string,
      choices: Readonly<{ refundShipping?: boolean }> = {},
    ): Promise<E.Either<{ code: string; message: string }, ChangePreview>> => {
      if (state.basis === null) return E.left({ code: 'change-not-found', message: 'no such change' });
      const history: Envelope<OrderEvent>[] = [];
      for await (const raw of store.read(orderStreamId(state.basis.orderId))) {
        const decoded = decodeOrderEnvelope(raw);
        if (E.isLeft(decoded)) throw new Error(decoded.left.message);
        history.push(decoded.right);
      }
      return previewChange(state, history, at, {}, choices);
    },

    /** The ids of an order's changes, oldest first. */
    changesOf: async (orderId: string): Promise<readonly string[]> => {
      const done = await changeIndex.catchUp();
      if (E.isLeft(done)) throw new Error(done.left.message);
      return changeIndex.state()[orderId] ?? [];
    },

    restocks: (): readonly RestockRequest[] => [...restocks.values()],
    changeNotificationsFor: (orderId: string) =>
      [...changeNotifications.values()].filter((n) => n.notification.orderId === orderId),

    /** A customer's credit account and its balance per currency. */
    credit: async (customerId: string): Promise<{ state: CreditState; balances: Record<string, number> }> => {
      const history = await readDecoded(creditAccountStreamId(customerId), decodeCreditEnvelope);
      const state = rehydrate(
        creditDecider,
        history.map((e) => e.event),
      );
      const currencies = [...new Set(state.grants.map((g) => g.currency))];
      return { state, balances: Object.fromEntries(currencies.map((c) => [c, creditBalance(state, c)])) };
    },

    /** The credit account's own fiscal receipts (an advance per money credit issued, its return when spent; seed 003). */
    creditReceipts: async (customerId: string) =>
      (await runtime.queries.receipts(creditAccountStreamId(customerId))).map((r) => r.receipt),

    /** A command on a customer's credit account (`IssueCredit` of goodwill by an admin). */
    creditCommand: async (customerId: string, raw: Raw, meta: Meta): Promise<E.Either<ShopError, Outcome>> => {
      const handled = await runtime.execute(creditAccountStreamId(customerId), {
        type: raw.type,
        data: raw.data,
        metadata: meta,
      });
      if (E.isLeft(handled)) return handled;
      if (!handled.right.duplicate) await settle();
      return E.right(outcomeOf(handled.right));
    },

    /**
     * Issue 9 (PAY-5, REC-7): a receipts command (an admin's `AssignRefundGoods`), decoded by the receipts
     * codec; the policies have run when it resolves.
     */
    receiptsCommand: async (orderId: string, raw: Raw, meta: Meta): Promise<E.Either<ShopError, Outcome>> => {
      const handled = await runtime.execute(receiptsStreamId(orderId), {
        type: raw.type,
        data: raw.data,
        metadata: meta,
      });
      if (E.isLeft(handled)) return handled;
      if (!handled.right.duplicate) await settle();
      return E.right(outcomeOf(handled.right));
    },
    /** Issue 9: the order's money against its receipts, its refunds awaiting goods and the goods they may name. */
    reconciliation: (orderId: string) => runtime.queries.reconciliation(orderId),
    /** Issue 9: the orders with a refund awaiting goods or money refunded beyond any receipt. */
    reconciliationAttention: () => runtime.queries.reconciliationAttention(),

    /** Run the policies and the timers that are due (ORD-7 hold end, payment-link expiry) now. */
    settle,

    close: async () => {
      while (running !== undefined || again !== undefined) await (again ?? running);
      await notifier.close();
    },
  };
};

export type Shop = ReturnType<typeof createShop>;
