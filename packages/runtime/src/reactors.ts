import {
  effectsOf,
  type Envelope,
  type EventFilter,
  type EventStore,
  type Reactor,
  type Event,
  type Command,
} from '@ordersource/core';
import {
  autoConfirmPolicy,
  autoInvoicePolicy,
  captureAfterDeliveryPolicy,
  customerNotificationPolicy,
  decodeOrderEnvelope,
  fraudHoldPolicy,
  newOrderNotificationPolicy,
  recordOnPaymentPolicy,
  refundOverpaymentPolicy,
  type NewOrderNotification,
  type OrderCommand,
  type OrderEvent,
  type OrderNotification,
  type ShopSettings,
} from '@ordersource/domain';
import type { OrderChangeNotification } from '@ordersource/domain/changes';
import { guestCustomerReactor } from '@ordersource/domain/customers';
import { lockOnClosingReceipt, receiptsCommandsFor, type TranslateOptions } from '@ordersource/domain/receipts';
import { renewalPaymentsReactor, type RenewalOrderOptions } from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import type { ShopCommand, ShopEvent } from './shop-streams.js';
import { renewalOrdersReactor } from './subscription-billing.js';

// The subscription billing reactors and the payment port live beside this file; users import them from here too.
export * from './subscription-billing.js';

/**
 * Reactors as the runtime runs them: from one stored event to effects with
 * their ids already derived (commands with metadata, notifications with an
 * id), so delivering them again after a crash repeats the same ids and the
 * command handler appends nothing twice. `react` may read the store (the
 * receipts reactor reads the order's history up to the event); it never writes.
 */

/** What the shop's reactors notify about: typed, never `unknown` (issue 17: the order-change steps too). */
export type ShopNotification = OrderNotification | NewOrderNotification | OrderChangeNotification;

/** A business refusal of a reactor's command, as `orElse` receives it. */
export type EffectRefusal = Readonly<{ code: string; message: string }>;

export type ShopEffect<C extends Command = ShopCommand, N = ShopNotification> =
  | Readonly<{
      kind: 'command';
      streamId: string;
      command: C;
      /**
       * When the command is refused (a domain answer): these effects run
       * instead of the ones after it, which are dropped. Without it a refusal
       * is reported and the next effects run. Issue 17: a change whose order
       * command is refused is recorded failed, never applied.
       */
      orElse?: (refusal: EffectRefusal) => readonly ShopEffect<C, N>[];
    }>
  | Readonly<{ kind: 'notification'; id: string; notification: N }>;

export type ReactContext = Readonly<{
  store: EventStore;
  /** The event as stored, before decoding (for reactors that decode it themselves). */
  raw: Envelope;
}>;

export type ShopReactor<
  Ev extends Event = ShopEvent,
  C extends Command = ShopCommand,
  N = ShopNotification,
> = Readonly<{
  name: string;
  /** Which events it reads; the worker reads only those. */
  filter?: EventFilter;
  react: (
    envelope: Envelope<Ev>,
    context: ReactContext,
  ) => readonly ShopEffect<C, N>[] | Promise<readonly ShopEffect<C, N>[]>;
  /**
   * Domain refusals that are the outcome the reactor wants (a LockOrder on an
   * order locked already): not reported as refusals.
   */
  accepts?: readonly string[];
  /** It decodes `context.raw` itself (a kernel reactor): the runtime skips its own decode of the event. */
  decodesItself?: boolean;
}>;

/** Run a kernel `Reactor` (pure, one event at a time) in the runtime: it decodes the event itself. */
export const fromReactor = <Ev extends Event, C extends Command, N>(
  reactor: Reactor<Ev, C, N>,
  options: Readonly<{ accepts?: readonly string[] }> = {},
): ShopReactor<ShopEvent, C, N> => ({
  name: reactor.name,
  decodesItself: true,
  ...(reactor.filter === undefined ? {} : { filter: reactor.filter }),
  ...(options.accepts === undefined ? {} : { accepts: options.accepts }),
  react: (_envelope, { raw }) => {
    const decoded = reactor.decode(raw);
    if (E.isLeft(decoded)) throw new Error(`reactor ${reactor.name}: ${decoded.left.message}`);
    return effectsOf(reactor, decoded.right).map((effect): ShopEffect<C, N> =>
      effect.kind === 'command'
        ? { kind: 'command', streamId: effect.streamId, command: effect.command }
        : { kind: 'notification', id: effect.id, notification: effect.notification },
    );
  },
});

/** The order events the receipts translation acts on (the others only feed its fold). */
const RECEIPT_CAUSES = new Set([
  'OrderPlaced',
  'OrderLineAdded',
  'OrderLineRemoved',
  'OrderLineChanged',
  'ShippingFeeChanged',
  'PaymentCaptured',
  'PaymentRefunded',
  'ShipmentDispatched',
  'OrderFulfilled',
  'DownloadsUnlocked',
  'ClosingReceiptScheduled',
]);

/**
 * The 54-FZ receipts policy (REC-1..REC-7) as a reactor: for each order event
 * that may owe a receipt, translate the order's history up to that event
 * (`receiptsCommandsFor`, pure) and send the receipts stream the commands that
 * event caused. Their ids derive from the causing event, so this replaces
 * calling `syncOrderReceipts` after every order command.
 *
 * Issue 18: it is handed every order event, not only the causes, and keeps
 * each order's decoded history from them: an event that comes right after
 * the history it has costs no read of the store (it read the order's stream
 * once per cause before, the one serial reader of every order's lifecycle).
 * A history it does not have (a restart, a forgotten order, events it
 * skipped) is read from the store as before.
 */
export const receiptsReactor = (translate: TranslateOptions = {}, cacheSize = 1_000): ShopReactor => {
  // Each order's decoded history so far (events never change once stored).
  const histories = new Map<string, Envelope<OrderEvent>[]>();
  const historyUpTo = async (store: EventStore, envelope: Envelope<OrderEvent>): Promise<Envelope<OrderEvent>[]> => {
    const { streamId, streamVersion: version } = envelope;
    const known = histories.get(streamId) ?? [];
    // The next event of a history it has: no read.
    if (known.length === version) known.push(envelope);
    else if (known.length < version)
      for await (const raw of store.read(streamId, { from: known.length, limit: version + 1 - known.length })) {
        const decoded = decodeOrderEnvelope(raw);
        if (E.isLeft(decoded)) throw new Error(`reactor receipts.from-order-events: ${decoded.left.message}`);
        known.push(decoded.right);
      }
    histories.delete(streamId);
    histories.set(streamId, known);
    if (histories.size > cacheSize) histories.delete(histories.keys().next().value as string);
    return known.slice(0, version + 1);
  };
  return {
    name: 'receipts.from-order-events',
    filter: { streamPrefix: 'order-' },
    react: async (raw, { store }) => {
      const envelope = raw as Envelope<OrderEvent>;
      let history = await historyUpTo(store, envelope);
      if (history[envelope.streamVersion]?.eventId !== envelope.eventId) {
        // Not the stream we cached (a store that was reset under us): read it afresh.
        histories.delete(envelope.streamId);
        history = await historyUpTo(store, envelope);
      }
      if (!RECEIPT_CAUSES.has(envelope.event.type)) return [];
      return receiptsEffects(history, envelope, translate);
    },
  };
};

const receiptsEffects = (
  history: readonly Envelope<OrderEvent>[],
  envelope: Envelope,
  translate: TranslateOptions,
): readonly ShopEffect[] => {
  const commands = receiptsCommandsFor(history, translate);
  // A history the translation refuses (a VAT rate 54-FZ has no code for) is poison for this reactor: parked, visible.
  if (E.isLeft(commands))
    throw new Error(`reactor receipts.from-order-events: ${commands.left.code}: ${commands.left.message}`);
  return commands.right
    .filter(({ command }) => command.metadata.causationId === envelope.eventId)
    .map(({ streamId, command }): ShopEffect => ({ kind: 'command', streamId, command }));
};

export type ShopReactorOptions = Readonly<{
  settings: ShopSettings;
  /** The receipts translation's options (shipping line, payment means); `false` runs no receipts policy. */
  receipts?: TranslateOptions | false;
  /** CUS-1: a guest customer from every placed order (default on). */
  customers?: boolean;
  /**
   * Issue 13: subscriptions billed on the order model (renewal orders, and
   * their payment outcomes back to the subscription; the charges need the
   * payment port: `withPaymentPort`); the options of the
   * renewal orders' service line (default VAT 22%, 54-FZ since 2026); `false` runs none.
   */
  subscriptionBilling?: RenewalOrderOptions | false;
}>;

/** The renewal order's service line when the shop says nothing: VAT 22% (54-FZ, since 2026). */
export const defaultRenewalOrderOptions: RenewalOrderOptions = { vatRate: 'vat22' };

// Policies that only send commands declare no notification type: `never` says so to the compiler.
const commandsOnly = (reactor: Reactor<OrderEvent, OrderCommand>): ShopReactor =>
  fromReactor(reactor as Reactor<OrderEvent, OrderCommand, never>);

/**
 * Every policy of the shop as a reactor: the order policies (ORD-2, ORD-3,
 * ORD-7, PAY-5, PAY-7, FUL-4), the notifications (NOT-1, NOT-2), the receipts
 * policy and the order lock after the closing receipt (REC-1..REC-7, ORD-9),
 * the guest customer from an order (CUS-1), and subscription billing on
 * renewal orders (issue 13: `renewalOrdersReactor`, `renewalPaymentsReactor`).
 */
export const shopReactors = (options: ShopReactorOptions): readonly ShopReactor[] => {
  const { settings } = options;
  return [
    commandsOnly(recordOnPaymentPolicy(settings)),
    commandsOnly(autoConfirmPolicy(settings)),
    commandsOnly(fraudHoldPolicy(settings)),
    commandsOnly(autoInvoicePolicy(settings)),
    commandsOnly(captureAfterDeliveryPolicy(settings)),
    commandsOnly(refundOverpaymentPolicy(settings)),
    fromReactor(newOrderNotificationPolicy(settings)),
    fromReactor(customerNotificationPolicy),
    ...(options.receipts === false
      ? []
      : [receiptsReactor(options.receipts ?? {}), fromReactor(lockOnClosingReceipt, { accepts: ['order-locked'] })]),
    ...(options.customers === false ? [] : [fromReactor(guestCustomerReactor)]),
    ...(options.subscriptionBilling === false
      ? []
      : [
          renewalOrdersReactor(options.subscriptionBilling ?? defaultRenewalOrderOptions),
          fromReactor(renewalPaymentsReactor as Reactor<OrderEvent, ShopCommand, never>),
        ]),
  ] as readonly ShopReactor[];
};
