import {
  deferred,
  type Checkpoint,
  type EventFilter,
  type Subscription,
  type SubscriptionHandler,
} from '@ordersource/core';
import { isStoreError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';
import { parsePosition } from './position.js';
import { fetchPage, pendingAbove } from './read-all.js';
import type { Wakeup } from './wakeup.js';

/**
 * Catch up from a checkpoint, then follow. Each page is bounded by the
 * snapshot horizon (see read-all.ts), so the handler sees every event once, in
 * (transaction id, sequence) order, whatever order writers commit in. When
 * committed rows wait above the horizon behind a running transaction, the
 * follower polls quickly until that transaction ends; otherwise it sleeps
 * until a wake-up or the poll interval. A lost connection is retried with
 * backoff (100 ms doubling to 1 s); only the handler's errors, and other
 * database errors, end the subscription.
 */
export type SubscribeContext = Readonly<{
  db: SqlQueryable;
  schema: string;
  pageSize: number;
  pollIntervalMs: number;
  wakeup: Wakeup;
  /** True once the store is closed. */
  closed: () => boolean;
  /** Start the LISTEN wake-up (idempotent, failures only mean polling). */
  listen: () => Promise<void>;
}>;

export const subscribeEvents = (
  context: SubscribeContext,
  after: Checkpoint | undefined,
  handler: SubscriptionHandler,
  filter: EventFilter = {},
): Subscription & Readonly<{ checkpoint: () => Checkpoint | undefined }> => {
  let stopped = false;
  let checkpoint = after;
  const { promise: caughtUp, resolve: markCaughtUp, reject: failCaughtUp } = deferred();
  const noTypes = filter.eventTypes !== undefined && filter.eventTypes.length === 0;
  const running = () => !stopped && !context.closed();

  // A lost connection (a server restart, a failover) is waited out, not fatal: the cursor is
  // in memory, so nothing is skipped or repeated. Any other error ends the subscription.
  let retryMs = 0;
  const outage = async (error: unknown): Promise<void> => {
    if (!isStoreError(error) || error.kind !== 'connection') throw error;
    // At most 1 s between tries: a follower is back within a second of the server (issue 8).
    retryMs = Math.min(Math.max(retryMs * 2, 100), 1_000);
    await context.wakeup.wait(retryMs);
  };

  const run = async (): Promise<void> => {
    try {
      // Parse first: a bad checkpoint rejects `done` instead of throwing from subscribe().
      let cursor = parsePosition(after);
      await context.listen();
      let target: string | undefined;
      let caught = false;
      let pause = 1;
      while (running()) {
        if (noTypes) {
          markCaughtUp();
          await context.wakeup.wait(context.pollIntervalMs);
          continue;
        }
        let page;
        try {
          page = await fetchPage(context.db, context.schema, cursor, filter, context.pageSize);
        } catch (error) {
          await outage(error);
          continue;
        }
        target ??= page.head;
        retryMs = 0;
        for (const envelope of page.envelopes) {
          if (!running()) return;
          await handler(envelope);
          checkpoint = envelope.globalPosition;
        }
        // Only as far as the last row scanned, never to just below the horizon: a crash can hand
        // out again a transaction id that ended without a flushed commit (an aborted append), and
        // a row it then writes would lie behind such a cursor. A scanned row's commit is durable,
        // so every id handed out after recovery is above it (issue 8, server faults).
        cursor = page.scannedTo ?? cursor;
        if (page.full) continue;
        let pending: boolean;
        try {
          pending = await pendingAbove(context.db, context.schema, page.horizon, undefined, filter);
        } catch (error) {
          await outage(error);
          continue;
        }
        if (!caught && (BigInt(page.horizon) >= BigInt(target) || !pending)) {
          caught = true;
          markCaughtUp();
        }
        if (pending) {
          // Committed rows wait behind a running transaction: no notification will come for them.
          await context.wakeup.wait(pause);
          pause = Math.min(pause * 2, 50);
        } else {
          pause = 1;
          await context.wakeup.wait(context.pollIntervalMs);
        }
      }
    } catch (error) {
      failCaughtUp(error);
      throw error;
    } finally {
      markCaughtUp();
    }
  };
  const done = run();
  done.catch(() => undefined);
  return {
    caughtUp,
    done,
    checkpoint: () => checkpoint,
    close: async () => {
      stopped = true;
      context.wakeup.wake();
      await done.catch(() => undefined);
    },
  };
};
