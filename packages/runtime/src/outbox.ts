import type { NotificationOut } from './dispatch.js';
import type { ShopNotification } from './reactors.js';

/**
 * Notifications decided by reactors and waiting to be sent, in memory. Ids
 * are stable (derived from the reactor and the event), so a notification
 * decided again after a restart or a retry is kept once; whoever sends them
 * (`@ordersource/notify`'s dispatcher) takes them with `take` and, being at
 * least once itself, dedupes by the same id. Give the shop `onNotification`
 * to hand them straight to a durable outbox instead.
 */
export type NotificationOutbox<N = ShopNotification> = Readonly<{
  /** Keep one; false when its id was kept before. */
  put: (out: NotificationOut<N>) => boolean;
  /** Waiting ones, oldest first, without taking them. */
  pending: () => readonly NotificationOut<N>[];
  /** Take (and remove) up to `max` waiting ones, oldest first. */
  take: (max?: number) => readonly NotificationOut<N>[];
  /** The newest ones decided (up to `keep`, default 10,000), taken or not. */
  all: () => readonly NotificationOut<N>[];
  depth: () => number;
}>;

/**
 * A long-running shop keeps the newest `keep` notifications for `all()` and
 * the newest `remember` ids for deduplication, so memory stays bounded; a
 * service that must never send one twice hands them to a durable outbox
 * (`onNotification`) that dedupes by id.
 */
export const createNotificationOutbox = <N = ShopNotification>(
  options: Readonly<{ keep?: number; remember?: number }> = {},
): NotificationOutbox<N> => {
  const keep = options.keep ?? 10_000;
  const remember = options.remember ?? 100_000;
  const seen = new Set<string>();
  let everything: NotificationOut<N>[] = [];
  let waiting: NotificationOut<N>[] = [];
  return {
    put: (out) => {
      if (seen.has(out.id)) return false;
      seen.add(out.id);
      if (seen.size > remember) seen.delete(seen.values().next().value as string);
      everything.push(out);
      if (everything.length > keep * 2) everything = everything.slice(-keep);
      waiting.push(out);
      return true;
    },
    pending: () => [...waiting],
    take: (max = Number.POSITIVE_INFINITY) => {
      const taken = waiting.slice(0, max);
      waiting = waiting.slice(taken.length);
      return taken;
    },
    all: () => everything.slice(-keep),
    depth: () => waiting.length,
  };
};
