import type { SqlQueryable } from './executor/types.js';

/**
 * NOTIFY after commit, throttled. A NOTIFY inside the append's transaction
 * takes a database-wide lock at commit and serialises every writer's commit
 * (measured: 2.5x fewer appends/s with 8 writers). Instead, once appends have
 * committed, a single `pg_notify` goes out for all of them at most every
 * `intervalMs`. Followers poll anyway, so a notification that fails to go out
 * costs latency, never an event.
 */
export type Notifier = Readonly<{ appended: () => void; flush: () => Promise<void> }>;

export const createNotifier = (db: SqlQueryable, channel: string, intervalMs: number): Notifier => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> = Promise.resolve();
  const send = () => {
    timer = undefined;
    sending = db.query('select pg_notify($1, $2)', [channel, '']).then(
      () => undefined,
      () => undefined,
    );
  };
  return {
    appended: () => {
      timer ??= setTimeout(send, intervalMs);
    },
    flush: async () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        send();
      }
      await sending;
    },
  };
};
