import { sleep, type Checkpoint, type Envelope, type EventFilter } from '@ordersource/core';
import type { ClientPersistentSettings, ClientPersistentSubscription } from './client.js';
import { rejection } from './client-errors.js';
import { planFilter } from './filter.js';
import { decodeRecorded } from './metadata.js';
import { decodeCheckpoint } from './position.js';
import type { ServerContext } from './read.js';
import type { RetryPolicy } from './subscribe.js';

/**
 * Persistent subscriptions: the server keeps a group's position and hands
 * each event of `$all` to one of the group's consumers (competing
 * consumers), so several processes share the work of a reactor without a
 * lease of ours. Delivery is at least once: an event is acked after its
 * handler returns, retried (nack `retry`) when the handler throws, and parked
 * by the server after `maxRetryCount` deliveries; an event that does not
 * decode is parked at once. Handlers must therefore be idempotent, as every
 * ordersource reactor is (its command ids derive from the causing event).
 * Order is not guaranteed across consumers, nor on a retry.
 */

export type PersistentGroupSettings = Readonly<{
  /** Where a new group starts: `$all`'s start (default) or its end. */
  startFrom?: 'start' | 'end';
  /** Or after a checkpoint of this store (wins over `startFrom`). */
  startAfter?: Checkpoint;
  /** A server-side filter; pass the same one to `consumePersistentSubscription` for exact matching. */
  filter?: EventFilter;
  /** Deliveries of one event before the server parks it (default 10). */
  maxRetryCount?: number;
  /** An event not acknowledged within this time is delivered again (default 30,000 ms). */
  messageTimeoutMs?: number;
  /** How the server spreads events over consumers (default RoundRobin). */
  consumerStrategy?: 'RoundRobin' | 'DispatchToSingle' | 'Pinned';
}>;

export type PersistentDelivery = Readonly<{ retryCount: number }>;

export type PersistentHandler = (envelope: Envelope, delivery: PersistentDelivery) => void | Promise<void>;

export type PersistentConsumeOptions = Readonly<{
  /** The group's filter: events the server's prefix filter lets through but that do not match are acked unhandled. */
  filter?: EventFilter;
  /** Events the server may send before they are acknowledged (default 10). */
  bufferSize?: number;
}>;

export type PersistentConsumer = Readonly<{
  /** Rejects when the connection cannot be restored; resolves after `close`. */
  done: Promise<void>;
  close(): Promise<void>;
}>;

/** The group's settings in the clients' words, with the servers' documented defaults. */
export const persistentSettings = (settings: PersistentGroupSettings): ClientPersistentSettings => ({
  startFrom:
    settings.startAfter === undefined ? (settings.startFrom ?? 'start') : decodeCheckpoint(settings.startAfter),
  resolveLinkTos: false,
  extraStatistics: false,
  messageTimeout: settings.messageTimeoutMs ?? 30_000,
  maxRetryCount: settings.maxRetryCount ?? 10,
  checkPointAfter: 2_000,
  checkPointLowerBound: 10,
  checkPointUpperBound: 1_000,
  maxSubscriberCount: 'unbounded',
  liveBufferSize: 500,
  readBatchSize: 20,
  historyBufferSize: 500,
  consumerStrategyName: settings.consumerStrategy ?? 'RoundRobin',
});

/** Creates the group unless it exists; says which. */
export const createPersistentGroup = async (
  context: ServerContext,
  group: string,
  settings: PersistentGroupSettings,
): Promise<'created' | 'exists'> => {
  const plan = planFilter(settings.filter);
  if (plan.kind === 'nothing') throw new Error(`persistent subscription ${group}: eventTypes [] would match nothing`);
  try {
    await context.client.createPersistentSubscriptionToAll(group, persistentSettings(settings), {
      filter: plan.filter,
    });
    return 'created';
  } catch (error) {
    if ((error as { type?: unknown } | null)?.type === 'persistent-subscription-exists') return 'exists';
    throw rejection(error, context.server, { operation: `create persistent subscription ${group}` });
  }
};

export const deletePersistentGroup = async (context: ServerContext, group: string): Promise<void> => {
  try {
    await context.client.deletePersistentSubscriptionToAll(group);
  } catch (error) {
    throw rejection(error, context.server, { operation: `delete persistent subscription ${group}` });
  }
};

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

export const consumePersistentGroup = (
  context: ServerContext & Readonly<{ retry: RetryPolicy }>,
  group: string,
  handler: PersistentHandler,
  options: PersistentConsumeOptions = {},
): PersistentConsumer => {
  const plan = planFilter(options.filter);
  let stopped = false;
  let current: ClientPersistentSubscription | undefined;
  let wake: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wake = resolve));

  const consumeOnce = async (): Promise<boolean> => {
    const subscription = context.client.subscribeToPersistentSubscriptionToAll(group, {
      bufferSize: options.bufferSize ?? 10,
    });
    current = subscription;
    let progressed = false;
    for await (const resolved of subscription) {
      if (stopped) break;
      const recorded = resolved.event;
      if (recorded === undefined || plan.kind === 'nothing' || !plan.matches(recorded)) {
        await subscription.ack(resolved);
        continue;
      }
      let envelope: Envelope;
      try {
        envelope = decodeRecorded(recorded).envelope;
      } catch (error) {
        await subscription.nack('park', reasonOf(error), resolved);
        continue;
      }
      try {
        await handler(envelope, { retryCount: resolved.retryCount });
      } catch (error) {
        await subscription.nack('retry', reasonOf(error), resolved);
        continue;
      }
      await subscription.ack(resolved);
      progressed = true;
    }
    return progressed;
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!stopped) {
      let cause: unknown = new Error('the server ended the persistent subscription');
      let progressed = false;
      try {
        progressed = await consumeOnce();
      } catch (error) {
        cause = error;
        // A group that does not exist, or credentials refused, will not fix themselves by waiting.
        const type = (error as { type?: unknown } | null)?.type;
        if (!stopped && (type === 'persistent-subscription-does-not-exist' || type === 'access-denied'))
          throw rejection(error, context.server, { operation: `consume persistent subscription ${group}` });
      } finally {
        await current?.unsubscribe().catch(() => undefined);
        current = undefined;
      }
      if (stopped) return;
      failures = progressed ? 1 : failures + 1;
      if (failures > context.retry.retries)
        throw rejection(cause, context.server, {
          operation: `consume ${group} (gave up after ${failures} failures in a row)`,
        });
      await Promise.race([
        sleep(Math.min(context.retry.maxDelayMs, context.retry.initialDelayMs * 2 ** (failures - 1))),
        stopSignal,
      ]);
    }
  };
  const done = run();
  done.catch(() => undefined);
  return {
    done,
    close: async () => {
      stopped = true;
      wake();
      await current?.unsubscribe().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
};
