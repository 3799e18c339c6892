import type { PostgresEventStore } from './event-store.js';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent } from './identifiers.js';

/**
 * The outbox: messages written by `appendWithOutbox` in the same transaction
 * as the events that caused them, delivered at least once by workers.
 *
 * A worker claims a batch with FOR UPDATE SKIP LOCKED in a short transaction
 * that also leases the rows (available_at moves into the future and attempts
 * goes up), then delivers outside any transaction: a slow e-mail server must
 * not keep a transaction (and its xid) open, since every follower of the event
 * log waits for the oldest running xid. Success marks the row processed; a
 * failure schedules a retry with backoff; after `maxAttempts` the row is dead
 * (dead-lettered) and no longer claimed. A worker that dies mid-delivery
 * leaves its rows to be claimed again when the lease ends.
 */
export type OutboxRecord = Readonly<{
  id: string;
  key: string;
  topic: string;
  payload: unknown;
  streamId: string | undefined;
  /** Including this delivery. */
  attempt: number;
}>;

export type OutboxWorkerOptions = Readonly<{
  deliver: (message: OutboxRecord) => Promise<void>;
  /** Messages claimed per round (default 20). */
  batchSize?: number;
  /** Deliveries before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Delay before retry number `attempt + 1` (default 1 s doubling, at most 5 min). */
  backoffMs?: (attempt: number) => number;
  /** How long a claim lasts before another worker may take the message (default 60 s). */
  leaseMs?: number;
  /** Idle polling interval (default 1 s). */
  pollIntervalMs?: number;
}>;

export type OutboxRound = Readonly<{ delivered: number; retried: number; dead: number }>;

const defaultBackoff = (attempt: number): number => Math.min(1_000 * 2 ** (attempt - 1), 300_000);

const toRecord = (row: Readonly<Record<string, unknown>>): OutboxRecord => ({
  id: String(row['id']),
  key: String(row['message_key']),
  topic: String(row['topic']),
  payload: row['payload'],
  streamId: typeof row['stream_id'] === 'string' ? row['stream_id'] : undefined,
  attempt: Number(row['attempts']),
});

/** Claim and deliver one batch. */
export const processOutbox = async (store: PostgresEventStore, options: OutboxWorkerOptions): Promise<OutboxRound> => {
  const schema = quoteIdent(store.schema);
  const db: SqlQueryable = store.executor;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? defaultBackoff;
  const claimed = await db.query(
    `update ${schema}.outbox o
        set attempts = o.attempts + 1, available_at = now() + make_interval(secs => $2::double precision / 1000)
      where o.id in (select id from ${schema}.outbox
                      where processed_at is null and dead_at is null and available_at <= now()
                      order by available_at, id
                      limit $1
                      for update skip locked)
      returning o.id::text as id, o.message_key, o.topic, o.payload, o.stream_id, o.attempts`,
    [options.batchSize ?? 20, options.leaseMs ?? 60_000],
  );
  const records = claimed.map(toRecord).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  let delivered = 0;
  let retried = 0;
  let dead = 0;
  for (const record of records) {
    try {
      await options.deliver(record);
      await db.query(`update ${schema}.outbox set processed_at = now(), last_error = null where id = $1`, [record.id]);
      delivered++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = record.attempt >= maxAttempts;
      await db.query(
        `update ${schema}.outbox
            set last_error = $2,
                available_at = now() + make_interval(secs => $3::double precision / 1000),
                dead_at = case when $4 then now() end
          where id = $1`,
        [record.id, message, backoff(record.attempt), final],
      );
      if (final) dead++;
      else retried++;
    }
  }
  return { delivered, retried, dead };
};

export type OutboxWorker = Readonly<{ done: Promise<void>; close: () => Promise<void> }>;

/** Deliver until closed: rounds back to back while there is work, then poll (or wake on appends). */
export const runOutboxWorker = (store: PostgresEventStore, options: OutboxWorkerOptions): OutboxWorker => {
  let stopped = false;
  const run = async () => {
    while (!stopped && !store.isClosed()) {
      const round = await processOutbox(store, options);
      if (round.delivered + round.retried + round.dead > 0) continue;
      if (!stopped) await store.waitForEvents(options.pollIntervalMs ?? 1_000);
    }
  };
  const done = run();
  done.catch(() => undefined);
  return {
    done,
    close: async () => {
      stopped = true;
      await done.catch(() => undefined);
    },
  };
};

/** Dead-lettered messages, oldest first, with their last error. */
export const deadLetters = async (
  store: PostgresEventStore,
): Promise<readonly (OutboxRecord & Readonly<{ lastError: string | undefined }>)[]> => {
  const rows = await store.executor.query(
    `select id::text as id, message_key, topic, payload, stream_id, attempts, last_error
       from ${quoteIdent(store.schema)}.outbox where dead_at is not null order by id`,
  );
  return rows.map((row) => ({
    ...toRecord(row),
    lastError: typeof row['last_error'] === 'string' ? row['last_error'] : undefined,
  }));
};

/** Give a dead-lettered message another round of attempts. */
export const retryDeadLetter = async (store: PostgresEventStore, id: string): Promise<boolean> => {
  const rows = await store.executor.query(
    `update ${quoteIdent(store.schema)}.outbox set dead_at = null, attempts = 0, available_at = now()
      where id = $1 and dead_at is not null returning id`,
    [id],
  );
  return rows.length > 0;
};
