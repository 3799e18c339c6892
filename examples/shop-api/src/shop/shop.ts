import * as E from 'fp-ts/lib/Either.js';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  createProjectionRunner,
  domainError,
  effectsOf,
  type Actor,
  type DomainError,
  type Envelope,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import {
  decodeOrderCommand,
  defaultShopSettings,
  OrderEventCodec,
  orderDecider,
  orderPolicies,
  ordersProjection,
  orderStreamId,
  statusHistory,
  statusHistoryProjection,
  type HistoryEntry,
  type OrderEvent,
  type OrderState,
  type ShopSettings,
} from '@ordersource/domain';
import {
  ReceiptsEventCodec,
  receiptsDecider,
  receiptsRegisterProjection,
  receiptsStreamId,
  syncOrderReceipts,
  type ReceiptsEvent,
  type ReceiptsState,
} from '@ordersource/domain/receipts';
import {
  decodeSubscriptionCommand,
  defaultSubscriptionSettings,
  SubscriptionEventCodec,
  subscriptionDecider,
  subscriptionHistory,
  subscriptionStreamId,
  SUBSCRIPTION_STREAM_PREFIX,
  type SubscriptionEvent,
  type SubscriptionSettings,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import {
  companyDecider,
  CompanyEventCodec,
  companyStreamId,
  customerDecider,
  CustomerEventCodec,
  defaultCustomerSettings,
  customerStreamId,
  decodeCompanyCommand,
  decodeCustomerCommand,
  directoryProjection,
  guestCustomerReactor,
  type CustomerState,
} from '@ordersource/domain/customers';
import { createAccountsService, type AccountsService, type ScryptParams } from '@ordersource/accounts';
import { createNotifier, type Notifier, type NotifierOptions } from './notifier.js';
import { createKeyedLock } from './keyed-lock.js';
import { accountEmailsProjection } from './account-emails.js';

/**
 * The example shop's composition: command handlers for the order, receipts,
 * subscription, customer and company streams over one store; the order
 * policies, the receipts policy and the guest-customer reactor run after
 * every order command (inline, so an HTTP answer already reflects them); the
 * read models the pages need, caught up on each query. Every raw input is
 * decoded by its codec before it reaches a decider; every failure is a value
 * with a `code` or a `kind` the HTTP layer maps to a problem document.
 */

export type ShopOptions = Readonly<{
  store: EventStore;
  settings?: ShopSettings;
  subscriptionSettings?: SubscriptionSettings;
  notifier: Omit<NotifierOptions, 'contacts'> & Partial<Pick<NotifierOptions, 'contacts'>>;
  /** Where links in messages point (the invitation, the order status page). */
  baseUrl: string;
  scrypt?: ScryptParams;
  clock?: () => Date;
}>;

export type Meta = Readonly<{ commandId: string; actor: Actor; at: string }>;

export type Outcome = Readonly<{ version: number; events: readonly { type: string }[]; duplicate: boolean }>;

export type ShopError = HandlerError;

const decodeOrderEnvelope = createEnvelopeDecoder<OrderEvent>(OrderEventCodec);
const decodeSubscriptionEnvelope = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);

const stale = (streamId: string, expected: number, actual: number): DomainError =>
  domainError('version-mismatch', `${streamId} is at version ${actual}, the request expected ${expected}`, {
    expected,
    actual,
  });

export const createShop = (options: ShopOptions) => {
  const { store } = options;
  const settings = options.settings ?? defaultShopSettings;
  const subscriptionSettings = options.subscriptionSettings ?? defaultSubscriptionSettings;
  const clock = options.clock ?? (() => new Date());
  const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  const subscriptions = createCommandHandler({
    store,
    decider: subscriptionDecider(subscriptionSettings),
    decodeEnvelope: decodeSubscriptionEnvelope,
  });
  const customers = createCommandHandler({
    store,
    decider: customerDecider(defaultCustomerSettings),
    decodeEnvelope: createEnvelopeDecoder(CustomerEventCodec),
  });
  const companies = createCommandHandler({
    store,
    decider: companyDecider,
    decodeEnvelope: createEnvelopeDecoder(CompanyEventCodec),
  });
  const accounts: AccountsService = createAccountsService({
    store,
    clock,
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
  });
  const policies = orderPolicies(settings);
  const lock = createKeyedLock();
  const invitations = new Map<string, string>();
  const invitationUrl = (state: OrderState): string | undefined =>
    state.details === null ? undefined : invitations.get(state.details.orderId);

  const notifier: Notifier = createNotifier(
    {
      contacts: options.notifier.contacts ?? {
        shopName: 'ordersource example shop',
        admin: { name: 'Shop admin', email: 'orders@shop.example', language: 'en' },
        orderUrl: (orderId) => `${options.baseUrl}/portal/orders/${encodeURIComponent(orderId)}`,
        adminUrl: (orderId) => `${options.baseUrl}/admin/orders/${encodeURIComponent(orderId)}`,
        inviteUrl: invitationUrl,
      },
      transport: options.notifier.transport,
      ...(options.notifier.print === undefined ? {} : { print: options.notifier.print }),
    },
    orders,
  );

  const list = createProjectionRunner(store, ordersProjection);
  const history = createProjectionRunner(store, statusHistoryProjection);
  const directory = createProjectionRunner(store, directoryProjection);
  const register = createProjectionRunner(store, receiptsRegisterProjection);
  const emails = createProjectionRunner(store, accountEmailsProjection);

  const readOrder = async (orderId: string): Promise<Envelope<OrderEvent>[]> => {
    const out: Envelope<OrderEvent>[] = [];
    for await (const raw of store.read(orderStreamId(orderId))) {
      const decoded = decodeOrderEnvelope(raw);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      out.push(decoded.right);
    }
    return out;
  };

  /** CUS-1: the first order's customer is a guest; her confirmation carries the invitation to an account. */
  const afterPlaced = async (envelope: Envelope<OrderEvent>): Promise<void> => {
    for (const effect of effectsOf(guestCustomerReactor, envelope)) {
      if (effect.kind !== 'command') continue;
      const command = decodeCustomerCommand(effect.command);
      if (E.isLeft(command)) throw new Error(command.left.message);
      await customers.handle(effect.streamId, command.right);
    }
    if (envelope.event.type !== 'OrderPlaced') return;
    const { customer, orderId } = envelope.event.data;
    const state = await customerState(customer.id);
    if (state?.status !== 'guest' || customer.email === undefined) return;
    const token = await accounts.invite(customer.id);
    if (E.isRight(token))
      invitations.set(
        orderId,
        `${options.baseUrl}/portal/signup?customer=${encodeURIComponent(customer.id)}&token=${token.right}`,
      );
  };

  /** Every policy over the order's events until they have nothing more to say; then the receipts policy. */
  const react = async (orderId: string, placed: boolean): Promise<E.Either<HandlerError, void>> => {
    for (let round = 0; round < 10; round++) {
      const envelopes = await readOrder(orderId);
      if (placed && round === 0 && envelopes[0] !== undefined) await afterPlaced(envelopes[0]);
      let appended = false;
      for (const envelope of envelopes)
        for (const policy of policies)
          for (const effect of effectsOf(policy, envelope)) {
            if (effect.kind === 'notification') {
              if (!notified.has(effect.id)) {
                notified.add(effect.id);
                const now = await orders.load(orderStreamId(orderId));
                if (E.isRight(now)) notifier.notify(effect, now.right.state);
              }
              continue;
            }
            const handled = await orders.handle(effect.streamId, effect.command);
            if (E.isRight(handled) && !handled.right.duplicate && handled.right.events.length > 0) appended = true;
          }
      const synced = await syncOrderReceipts({ store, receipts, orders, orderId });
      if (E.isLeft(synced)) return synced;
      if (!appended) break;
    }
    return E.right(undefined);
  };
  // Notification effects already handed to the notifier (their ids derive from the events, so this only saves work).
  const notified = new Set<string>();

  const customerState = async (customerId: string): Promise<CustomerState | undefined> => {
    const loaded = await customers.load(customerStreamId(customerId));
    return E.isRight(loaded) && loaded.right.version >= 0 ? loaded.right.state : undefined;
  };

  const caughtUp = async () => {
    for (const runner of [list, history, directory, register, emails]) {
      const done = await runner.catchUp();
      if (E.isLeft(done)) throw new Error(done.left.message);
    }
  };

  return {
    store,
    settings,
    subscriptionSettings,
    accounts,
    notifier,
    orders,

    /**
     * Decode raw `{ type, data }` with the order codecs, then handle it. `ifMatch`
     * (from If-Match) must equal the stream's version, else nothing is written.
     */
    orderCommand: async (
      orderId: string,
      raw: Readonly<{ type: unknown; data: unknown }>,
      meta: Meta,
      ifMatch?: number,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const command = decodeOrderCommand({ type: raw.type, data: raw.data, metadata: meta });
      if (E.isLeft(command)) return command;
      const streamId = orderStreamId(orderId);
      return lock(streamId, async () => {
        if (ifMatch !== undefined) {
          const current = await orders.load(streamId);
          if (E.isLeft(current)) return current;
          if (current.right.version !== ifMatch) return E.left(stale(streamId, ifMatch, current.right.version));
        }
        const handled = await orders.handle(streamId, command.right);
        if (E.isLeft(handled)) return handled;
        if (!handled.right.duplicate) {
          const reacted = await react(orderId, command.right.type === 'PlaceOrder');
          if (E.isLeft(reacted)) return reacted;
          // The messages go out (and are recorded on the stream, NOT-3) before the answer, so its ETag is current.
          await notifier.drain();
        }
        const after = await orders.load(streamId);
        const version = E.isRight(after) ? after.right.version : handled.right.version;
        return E.right({ version, events: handled.right.events, duplicate: handled.right.duplicate });
      });
    },

    /** The order and its stream version (the ETag), or undefined when there is no such order. */
    order: async (orderId: string): Promise<{ state: OrderState; version: number } | undefined> => {
      const loaded = await orders.load(orderStreamId(orderId));
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.version < 0 ? undefined : loaded.right;
    },

    /** ORD-5: the status history, newest first. */
    history: async (orderId: string): Promise<HistoryEntry[]> => {
      await caughtUp();
      return [...statusHistory(history.state(), orderId)].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    },

    receipts: async (orderId: string): Promise<ReceiptsState | undefined> => {
      const loaded = await receipts.load(receiptsStreamId(orderId));
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.version < 0 ? undefined : loaded.right.state;
    },

    historyModel: async () => {
      await caughtUp();
      return history.state();
    },

    ordersModel: async () => {
      await caughtUp();
      return list.state();
    },

    directory: async () => {
      await caughtUp();
      return directory.state();
    },

    customer: customerState,
    /** The customer id of the account with this e-mail (login takes an e-mail, accounts a customer id). */
    accountByEmail: async (email: string): Promise<string | undefined> => {
      await caughtUp();
      return emails.state()[email.trim().toLowerCase()];
    },
    /** CUS-2: every order's fiscal receipts, as the register shows them. */
    receiptRows: async () => {
      await caughtUp();
      return register.state();
    },
    invitationFor: (orderId: string): string | undefined => invitations.get(orderId),

    subscriptionCommand: async (
      subscriptionId: string,
      raw: Readonly<{ type: unknown; data: unknown }>,
      meta: Meta,
    ): Promise<E.Either<ShopError, Outcome>> => {
      const command = decodeSubscriptionCommand({ type: raw.type, data: raw.data, metadata: meta });
      if (E.isLeft(command)) return command;
      const handled = await subscriptions.handle(subscriptionStreamId(subscriptionId), command.right);
      return E.isLeft(handled)
        ? handled
        : E.right({ version: handled.right.version, events: handled.right.events, duplicate: handled.right.duplicate });
    },

    subscription: async (subscriptionId: string) => {
      const loaded = await subscriptions.load(subscriptionStreamId(subscriptionId));
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      if (loaded.right.version < 0) return undefined;
      const envelopes: Envelope<SubscriptionEvent>[] = [];
      for await (const raw of store.read(subscriptionStreamId(subscriptionId))) {
        const decoded = decodeSubscriptionEnvelope(raw);
        if (E.isRight(decoded)) envelopes.push(decoded.right);
      }
      return { state: loaded.right.state, version: loaded.right.version, history: subscriptionHistory(envelopes) };
    },

    /** Every subscription (the example keeps them in memory: a shop would project them). */
    subscriptions: async (): Promise<Record<string, SubscriptionState>> => {
      const out: Record<string, SubscriptionState> = {};
      const ids = new Set<string>();
      for await (const raw of store.readAll(undefined, { streamPrefix: SUBSCRIPTION_STREAM_PREFIX }))
        ids.add(raw.streamId.slice(SUBSCRIPTION_STREAM_PREFIX.length));
      for (const id of ids) {
        const loaded = await subscriptions.load(subscriptionStreamId(id));
        if (E.isRight(loaded)) out[id] = loaded.right.state;
      }
      return out;
    },

    companyCommand: async (companyId: string, raw: Readonly<{ type: unknown; data: unknown }>, meta: Meta) => {
      const command = decodeCompanyCommand({ type: raw.type, data: raw.data, metadata: meta });
      if (E.isLeft(command)) return command;
      return companies.handle(companyStreamId(companyId), command.right);
    },

    close: async () => {
      await notifier.close();
    },
  };
};

export type Shop = ReturnType<typeof createShop>;
