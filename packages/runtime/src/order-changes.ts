import {
  createEnvelopeDecoder,
  derivedId,
  rehydrate,
  type Actor,
  type Envelope,
  type EventStore,
} from '@ordersource/core';
import { decodeOrderEnvelope, orderDecider, orderStreamId, type OrderEvent } from '@ordersource/domain';
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
  restockOf,
  type ChangeSettings,
  type InventoryPort,
  type OrderChangeCommand,
  type OrderChangeEvent,
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
 * hands restocks to the shop's inventory port once the change is applied
 * (on `OrderChangeApplied`: after the order took the refund, never before). A change refunded to store
 * credit issues it on the customer's credit account (`creditStreamKind`).
 *
 *   createShop({
 *     store,
 *     streams: [orderChangeStreamKind(), creditStreamKind()],
 *     reactors: withOrderChanges({ inventory }),
 *   })
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
      const effects: ShopEffect[] = changeNotificationsFor(event.event, raw.eventId, state, settings.reasons).map(
        ({ id, notification }) => ({ kind: 'notification', id, notification }),
      );
      if (
        (event.event.type === 'OrderChangeConfirmed' || event.event.type === 'ReturnReceived') &&
        state.basis !== null
      ) {
        const order = await readAll<OrderEvent>(store, orderStreamId(state.basis.orderId), decodeOrderEnvelope);
        const application = applicationOf(state, order, raw.eventId, raw.occurredAt);
        if (application !== undefined) {
          // A step the order refuses as it is sent ends the application: recorded failed, naming
          // the steps taken before it; the credit and `RecordChangeApplied` are never sent then.
          const taken: string[] = [];
          for (const { streamId, command } of application.orderCommands) {
            const before = [...taken];
            effects.push({
              kind: 'command',
              streamId,
              command,
              orElse: (refusal) => [{ kind: 'command', ...application.refused(refusal, command.type, before) }],
            });
            taken.push(command.metadata.commandId);
          }
          if (application.credit !== undefined) effects.push({ kind: 'command', ...application.credit });
          effects.push({ kind: 'command', ...application.changeCommand });
        }
      }
      // Goods go back to stock only once the order took the change: `OrderChangeApplied` is sent
      // after every order command was handled, so a refused refund never restocks. A crash after
      // the port answered re-delivers this event: the same `restockId` again (at least once).
      if (event.event.type === 'OrderChangeApplied' && options.inventory !== undefined) {
        const restock = restockOf(state);
        if (restock !== undefined) await options.inventory(restock);
      }
      return effects;
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
