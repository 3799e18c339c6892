import {
  deferred,
  sleep,
  type Checkpoint,
  type Envelope,
  type EventFilter,
  type Subscription,
  type SubscriptionHandler,
} from '@ordersource/core';
import type { ClientPosition, ClientSubscription } from './client.js';
import { rejection } from './client-errors.js';
import { planFilter } from './filter.js';
import { decodeRecorded } from './metadata.js';
import { comparePositions, decodeCheckpoint } from './position.js';
import { headPosition, readAllEvents, type ReadAllContext } from './read-all.js';

/**
 * Catch up, then follow `$all` live. Catching up is a `readAll` to its end,
 * so `caughtUp` does not depend on the server announcing it (older servers
 * never do, and a filter that matches nothing sends nothing). Following is a
 * server-side filtered `subscribeToAll` from the last position handled, or
 * from the head of `$all` noted before catching up when that is later (all
 * before it was read), so a filter that matched little does not make the
 * server scan the log twice. What the server sends again is dropped by
 * position, so each event is handled once, in log order.
 *
 * A dropped connection (a restart, a leader election) is not the handler's
 * business: the subscription resubscribes from the last position handled,
 * with a growing pause, and gives up (rejecting `done`) only after
 * `retries` failures in a row. A handler that throws, or an event that does
 * not decode, ends the subscription at once.
 */

export type RetryPolicy = Readonly<{
  /** Failures in a row before `done` rejects (default 10). */
  retries: number;
  /** First pause, doubled on every failure in a row (default 100 ms). */
  initialDelayMs: number;
  /** Longest pause (default 5,000 ms). */
  maxDelayMs: number;
}>;

export const DEFAULT_RETRY: RetryPolicy = { retries: 10, initialDelayMs: 100, maxDelayMs: 5_000 };

export type SubscribeContext = ReadAllContext & Readonly<{ retry: RetryPolicy }>;

type Failure = Readonly<{ error: unknown }>;

export const subscribeEvents = (
  context: SubscribeContext,
  after: Checkpoint | undefined,
  handler: SubscriptionHandler,
  filter: EventFilter | undefined,
): Subscription => {
  const plan = planFilter(filter);
  const { promise: caughtUp, resolve: markCaughtUp, reject: failCaughtUp } = deferred();
  const { promise: stopSignal, resolve: stop } = deferred();
  let stopped = false;
  let live: ClientSubscription | undefined;
  let cursor = after === '' ? undefined : after;
  // Where following starts when catching up handled nothing past it: the head before catching up.
  let head: ClientPosition | undefined;

  const deliver = async (envelope: Envelope): Promise<Failure | undefined> => {
    try {
      await handler(envelope);
    } catch (error) {
      return { error };
    }
    cursor = envelope.globalPosition;
    return undefined;
  };

  const catchUp = async (): Promise<void> => {
    for await (const envelope of readAllEvents(context, cursor, filter ?? {})) {
      if (stopped) return;
      const failure = await deliver(envelope);
      if (failure !== undefined) throw failure.error;
    }
  };

  /** One live subscription until it ends: a failure of ours, the server's error, or a stop. */
  const followOnce = async (): Promise<Failure | 'stopped' | 'dropped'> => {
    if (plan.kind === 'nothing') return stopSignal.then(() => 'stopped' as const);
    const handled = cursor === undefined ? undefined : decodeCheckpoint(cursor);
    // Catching up read everything up to the head it saw first, so following may start there.
    const from =
      head !== undefined && (handled === undefined || comparePositions(head, handled) > 0)
        ? head
        : (handled ?? 'start');
    const subscription = context.client.subscribeToAll({
      fromPosition: from,
      filter: plan.filter,
      resolveLinkTos: false,
    });
    live = subscription;
    if (stopped) await subscription.unsubscribe().catch(() => undefined);
    for await (const resolved of subscription) {
      if (stopped) return 'stopped';
      const recorded = resolved.event;
      if (recorded?.position === undefined || !plan.matches(recorded)) continue;
      if (cursor !== undefined && comparePositions(recorded.position, decodeCheckpoint(cursor)) <= 0) continue;
      let envelope: Envelope;
      try {
        envelope = decodeRecorded(recorded).envelope;
      } catch (error) {
        return { error };
      }
      const failure = await deliver(envelope);
      if (failure !== undefined) return failure;
    }
    return stopped ? 'stopped' : 'dropped';
  };

  const follow = async (): Promise<void> => {
    let failures = 0;
    for (;;) {
      const before = cursor;
      let outcome: Failure | 'stopped' | 'dropped';
      let cause: unknown = new Error('the server ended the subscription');
      try {
        outcome = await followOnce();
      } catch (error) {
        outcome = 'dropped';
        cause = error;
      } finally {
        await live?.unsubscribe().catch(() => undefined);
        live = undefined;
      }
      if (outcome === 'stopped' || stopped) return;
      if (outcome !== 'dropped') throw outcome.error;
      // Failures in a row: a subscription that made progress before it dropped starts counting again.
      failures = cursor === before ? failures + 1 : 1;
      if (failures > context.retry.retries)
        throw rejection(cause, context.server, {
          operation: `subscribe (gave up after ${failures} failures in a row)`,
        });
      const pause = Math.min(context.retry.maxDelayMs, context.retry.initialDelayMs * 2 ** (failures - 1));
      await Promise.race([sleep(pause), stopSignal]);
      if (stopped) return;
    }
  };

  const run = async (): Promise<void> => {
    try {
      if (plan.kind !== 'nothing') head = await headPosition(context);
      await catchUp();
      markCaughtUp();
      if (!stopped) await follow();
    } catch (error) {
      failCaughtUp(error);
      throw error;
    }
  };
  const done = run();
  // A handler's error reaches whoever awaits done; nobody awaiting it is not an unhandled rejection.
  done.catch(() => undefined);
  caughtUp.catch(() => undefined);
  return {
    caughtUp,
    done,
    close: async () => {
      stopped = true;
      stop();
      await live?.unsubscribe().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
};
