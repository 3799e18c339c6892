import type { SqlQueryable } from './executor/types.js';

/**
 * NOTIFY after commit, throttled. A NOTIFY inside the append's transaction
 * takes a database-wide lock at commit and serialises every writer's commit
 * (measured: 2.5x fewer appends/s with 8 writers). Instead, once appends have
 * committed, a single `pg_notify` goes out for all of them at most every
 * `intervalMs`. Followers poll anyway, so a notification that fails to go out
 * costs latency, never an event.
 *
 * One at a time (issue 18): a `pg_notify` is a transaction of its own with a
 * commit (and a WAL flush). Under load its round trip outlasted the interval,
 * so several were in flight at once, about four per order in the lifecycle
 * bench. Appends made while one is in flight are told by the next, sent
 * `intervalMs` after it returned: a follower learns of an append within one
 * round trip and one interval, as before when the server was not busy.
 */
export type Notifier = Readonly<{ appended: () => void; flush: () => Promise<void> }>;

export const createNotifier = (db: SqlQueryable, channel: string, intervalMs: number): Notifier => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  /** Appends made while a notification was in flight: the next one is owed. */
  let owed = false;
  let sending: Promise<void> = Promise.resolve();
  const send = () => {
    timer = undefined;
    inFlight = true;
    sending = db
      .query('select pg_notify($1, $2)', [channel, ''])
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        inFlight = false;
        if (owed) {
          owed = false;
          timer ??= setTimeout(send, intervalMs);
        }
      });
  };
  return {
    appended: () => {
      if (inFlight) owed = true;
      else timer ??= setTimeout(send, intervalMs);
    },
    flush: async () => {
      // The one scheduled, then the one owed by appends made while it was in flight.
      for (let round = 0; round < 2; round++) {
        if (timer !== undefined) {
          clearTimeout(timer);
          send();
        }
        await sending;
      }
    },
  };
};
