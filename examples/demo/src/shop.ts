import {
  createCommandHandler,
  createEnvelopeDecoder,
  createProjectionRunner,
  effectsOf,
  type Envelope,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import {
  OrderEventCodec,
  orderDecider,
  orderPolicies,
  ordersProjection,
  orderStreamId,
  statusHistoryProjection,
  type OrderCommand,
  type OrderEvent,
  type ShopSettings,
} from '@ordersource/domain';
import {
  ReceiptsEventCodec,
  receiptsDecider,
  syncOrderReceipts,
  type ReceiptsEvent,
} from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';

/**
 * A shop wired from the library's parts: the order and receipts command
 * handlers over one event store, the shop's order policies (ORD-2, ORD-3,
 * ORD-7, PAY-7, FUL-4) and the 54-FZ receipts policy run after every
 * command. In a long-running service you would run the policies with
 * `runReactor` (at least once, checkpointed); a demo runs them inline so that
 * what it prints comes out in a fixed order.
 */
export type Shop = ReturnType<typeof createShop>;

export type Notification = Readonly<{ id: string; text: string; notification: unknown }>;

const decodeOrderEnvelope = createEnvelopeDecoder<OrderEvent>(OrderEventCodec);

export const createShop = (store: EventStore, settings: ShopSettings) => {
  const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  const policies = orderPolicies(settings);
  const notified = new Set<string>();

  /** Run every policy over the order's events until they have nothing more to say. */
  const runPolicies = async (orderId: string, notify: (n: Notification) => void): Promise<readonly string[]> => {
    const applied: string[] = [];
    for (let round = 0; round < 10; round++) {
      const envelopes: Envelope<OrderEvent>[] = [];
      for await (const raw of store.read(orderStreamId(orderId))) {
        const decoded = decodeOrderEnvelope(raw);
        if (E.isLeft(decoded)) throw new Error(decoded.left.message);
        envelopes.push(decoded.right);
      }
      let appended = false;
      for (const envelope of envelopes)
        for (const policy of policies)
          for (const effect of effectsOf(policy, envelope)) {
            if (effect.kind === 'notification') {
              if (!notified.has(effect.id))
                notify({ id: effect.id, text: JSON.stringify(effect.notification), notification: effect.notification });
              notified.add(effect.id);
              continue;
            }
            // The commandId derives from the causing event: a repeat is a duplicate and appends nothing.
            const handled = await orders.handle(effect.streamId, effect.command);
            if (E.isRight(handled) && !handled.right.duplicate && handled.right.events.length > 0) {
              appended = true;
              applied.push(`${policy.name}: ${effect.command.type}`);
            }
          }
      if (!appended) break;
    }
    return applied;
  };

  return {
    store,
    orders,
    receipts,
    /** Handle one order command, then let the policies and the receipts policy react. */
    async handle(
      orderId: string,
      command: OrderCommand,
      notify: (n: Notification) => void = () => undefined,
    ): Promise<
      E.Either<
        HandlerError,
        { events: readonly OrderEvent[]; policies: readonly string[]; receiptsRefused: readonly string[] }
      >
    > {
      const handled = await orders.handle(orderStreamId(orderId), command);
      if (E.isLeft(handled)) return handled;
      const applied = await runPolicies(orderId, notify);
      const synced = await syncOrderReceipts({ store, receipts, orders, orderId });
      if (E.isLeft(synced)) return synced;
      return E.right({
        events: handled.right.events,
        policies: applied,
        receiptsRefused: synced.right.refused.map((r) => `${r.command.type}: ${r.error.message}`),
      });
    },
    /** The admin's read models, folded from every order stream in the store. */
    async readModels() {
      const list = createProjectionRunner(store, ordersProjection);
      const history = createProjectionRunner(store, statusHistoryProjection);
      const [a, b] = [await list.catchUp(), await history.catchUp()];
      if (E.isLeft(a)) throw new Error(a.left.message);
      if (E.isLeft(b)) throw new Error(b.left.message);
      return { orders: list.state(), history: history.state() };
    },
  };
};
