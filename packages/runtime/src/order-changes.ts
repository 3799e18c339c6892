import {
  createEnvelopeDecoder,
  derivedId,
  rehydrate,
  type Actor,
  type Envelope,
  type EventStore,
} from '@ordersource/core';
import {
  decodeOrderEnvelope,
  orderDecider,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
} from '@ordersource/domain';
import {
  applicationOf,
  basisOf,
  changeNotificationsFor,
  decodeOrderChangeCommand,
  defaultChangeSettings,
  ORDER_CHANGE_CATEGORY,
  OrderChangeEventCodec,
  orderChangeStreamId,
  orderChangeDeciderWith,
  type ChangeSettings,
  type InventoryPort,
  type OrderChangeCommand,
  type OrderChangeEvent,
  type OrderChangeNotification,
  type OrderChangeState,
} from '@ordersource/domain/changes';
import * as E from 'fp-ts/lib/Either.js';
import type { ShopEffect, ShopReactor } from './reactors.js';
import { defineStreamKind, type StreamKind } from './streams.js';

/**
 * Issue 17 on the runtime: the order-change streams (`orderChange-<id>`) as
 * one more stream kind, and the reactor that applies a change once it is
 * ready (an edit or claim confirmed, a return or exchange received) through
 * the order's own commands, sends the notification intents of each step, and
 * hands restocks to the shop's inventory port.
 *
 *   createShop({ store, streams: [orderChangeStreamKind()], reactors: withOrderChanges({ inventory }) })
 */

export const decodeOrderChangeEnvelope = createEnvelopeDecoder<OrderChangeEvent>(OrderChangeEventCodec);

export const orderChangeStreamKind = (
  settings: ChangeSettings = defaultChangeSettings,
): StreamKind<OrderChangeCommand, OrderChangeEvent, OrderChangeState> =>
  defineStreamKind({
    category: ORDER_CHANGE_CATEGORY,
    decider: orderChangeDeciderWith(settings),
    decodeEnvelope: decodeOrderChangeEnvelope,
    decodeCommand: decodeOrderChangeCommand,
  });

export const ORDER_CHANGES_REACTOR = 'order-changes.apply';

const readAll = async <Ev extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decode: (raw: Envelope) => E.Either<{ message: string }, Envelope<Ev>>,
  limit?: number,
): Promise<Envelope<Ev>[]> => {
  const out: Envelope<Ev>[] = [];
  for await (const raw of store.read(streamId, limit === undefined ? {} : { from: 0, limit })) {
    const decoded = decode(raw);
    if (E.isLeft(decoded))
      throw new Error(`${ORDER_CHANGES_REACTOR}: ${streamId}@${raw.streamVersion}: ${decoded.left.message}`);
    out.push(decoded.right);
  }
  return out;
};

export type OrderChangesOptions = Readonly<{
  settings?: ChangeSettings;
  /** The shop's stock: called with the units to restock (at least once per `restockId`). */
  inventory?: InventoryPort;
}>;

/** What the runtime runs: change and order commands, change notifications (typed apart from the shop's own). */
type ChangeEffect = ShopEffect<OrderChangeCommand | OrderCommand, OrderChangeNotification>;

export const orderChangesReactor = (options: OrderChangesOptions = {}): ShopReactor => {
  const settings = options.settings ?? defaultChangeSettings;
  const decider = orderChangeDeciderWith(settings);
  return {
    name: ORDER_CHANGES_REACTOR,
    decodesItself: true,
    filter: { streamPrefix: `${ORDER_CHANGE_CATEGORY}-` },
    react: async (_envelope, { store, raw }) => {
      const history = await readAll<OrderChangeEvent>(
        store,
        raw.streamId,
        decodeOrderChangeEnvelope,
        raw.streamVersion + 1,
      );
      const event = history[raw.streamVersion];
      if (event === undefined)
        throw new Error(`${ORDER_CHANGES_REACTOR}: ${raw.streamId}@${raw.streamVersion} not found`);
      const state = rehydrate(
        decider,
        history.map((e) => e.event),
      );
      const effects: ChangeEffect[] = changeNotificationsFor(event.event, raw.eventId, state, settings.reasons).map(
        ({ id, notification }) => ({ kind: 'notification', id, notification }),
      );
      if (
        (event.event.type === 'OrderChangeConfirmed' || event.event.type === 'ReturnReceived') &&
        state.basis !== null
      ) {
        const order = await readAll<OrderEvent>(store, orderStreamId(state.basis.orderId), decodeOrderEnvelope);
        const application = applicationOf(state, order, raw.eventId, raw.occurredAt);
        if (application !== undefined) {
          for (const { streamId, command } of application.orderCommands)
            effects.push({ kind: 'command', streamId, command });
          if (application.restock !== undefined && options.inventory !== undefined)
            await options.inventory(application.restock);
          effects.push({ kind: 'command', ...application.changeCommand });
        }
      }
      return effects as unknown as readonly ShopEffect[];
    },
  };
};

/** `createShop({ streams: [orderChangeStreamKind()], reactors: withOrderChanges(options) })`. */
export const withOrderChanges =
  (options: OrderChangesOptions = {}) =>
  (defaults: readonly ShopReactor[]): readonly ShopReactor[] => [...defaults, orderChangesReactor(options)];

export type BeginChangeInput = Readonly<{
  changeId: string;
  orderId: string;
  kind: 'edit' | 'return' | 'exchange' | 'claim';
  resolution?: 'replace' | 'refund';
  note?: string;
  actor: Actor;
  at: string;
  commandId?: string;
}>;

/**
 * Begin a change on the server: the basis is read from the order stream
 * here, never taken from the caller (a portal passes the customer as actor;
 * the change decider checks she owns the order, CUS-3).
 */
export const beginOrderChange = async (
  shop: Readonly<{ store: EventStore; execute: (streamId: string, input: unknown) => Promise<unknown> }>,
  input: BeginChangeInput,
): Promise<unknown> => {
  const order = await readAll<OrderEvent>(shop.store, orderStreamId(input.orderId), decodeOrderEnvelope);
  const state = rehydrate(
    orderDecider,
    order.map((e) => e.event),
  );
  if (state.details === null) return E.left({ kind: 'domain', code: 'order-not-found', message: 'no such order' });
  return shop.execute(orderChangeStreamId(input.changeId), {
    type: 'BeginOrderChange',
    data: {
      changeId: input.changeId,
      kind: input.kind,
      basis: basisOf(state, order.length - 1),
      ...(input.resolution === undefined ? {} : { resolution: input.resolution }),
      ...(input.note === undefined ? {} : { note: input.note }),
    },
    metadata: {
      commandId: input.commandId ?? derivedId('begin-order-change', input.changeId),
      actor: input.actor,
      at: input.at,
    },
  });
};
