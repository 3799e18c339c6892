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
  /** Every one decided since the shop started, taken or not. */
  all: () => readonly NotificationOut<N>[];
  depth: () => number;
}>;

export const createNotificationOutbox = <N = ShopNotification>(): NotificationOutbox<N> => {
  const seen = new Set<string>();
  const everything: NotificationOut<N>[] = [];
  let waiting: NotificationOut<N>[] = [];
  return {
    put: (out) => {
      if (seen.has(out.id)) return false;
      seen.add(out.id);
      everything.push(out);
      waiting.push(out);
      return true;
    },
    pending: () => [...waiting],
    take: (max = Number.POSITIVE_INFINITY) => {
      const taken = waiting.slice(0, max);
      waiting = waiting.slice(taken.length);
      return taken;
    },
    all: () => [...everything],
    depth: () => waiting.length,
  };
};
