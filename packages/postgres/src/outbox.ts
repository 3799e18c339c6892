import type { PostgresEventStore } from './event-store.js';
import { isStoreError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent } from './identifiers.js';

/**
 * The outbox: messages written by `appendWithOutbox` in the same transaction
 * as the events that caused them, delivered at least once by workers.
 *
 * A worker claims a batch with FOR UPDATE SKIP LOCKED in a short statement
 * that also leases the rows (available_at moves into the future, attempts and
 * lease_id go up), then delivers outside any transaction: a slow e-mail server
 * must not keep a transaction (and its xid) open, since every follower of the
 * event log waits for the oldest running xid. Success marks the row processed;
 * a failure schedules a retry with backoff; after `maxAttempts` the row is dead
 * (dead-lettered) and no longer claimed. A worker that dies mid-delivery
 * leaves its rows to be claimed again when the lease ends.
 *
 * Leases (issue 8.7): while a batch is out, its rows' leases are renewed every
 * quarter lease, so a delivery may outlast `leaseMs` without a healthy worker
 * taking the row. Every renewal and every settlement (processed, retry, dead)
 * names the lease_id it was claimed under: a worker that lost its lease (it
 * was paused longer than the lease, or the database was out of reach) changes
 * nothing on a row another worker holds, and it skips the rows of its batch
 * it no longer holds.
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

export type OutboxDelivery = Readonly<{
  /** Aborted when the lease passed to another worker: that one delivers the message again. */
  signal: AbortSignal;
}>;

export type OutboxWorkerOptions = Readonly<{
  /** Deliver one message. Delivery is at least once: make it idempotent by `message.id` (or `key`). */
  deliver: (message: OutboxRecord, delivery: OutboxDelivery) => Promise<void>;
  /** Messages claimed per round (default 20). */
  batchSize?: number;
  /** Deliveries before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Delay before retry number `attempt + 1` (default 1 s doubling, at most 5 min). */
  backoffMs?: (attempt: number) => number;
  /** How long a claim lasts unless renewed (every quarter of it) while its batch is out (default 60 s). */
  leaseMs?: number;
  /** Idle polling interval (default 1 s). */
  pollIntervalMs?: number;
  /**
   * Errors the worker survives: a failed lease renewal, or (in `runOutboxWorker`) a failed
   * round, which is retried after 100 ms doubling to 5 s. Default: `console.error`.
   */
  onError?: (error: unknown) => void;
}>;

/** `lost`: claims that passed to another worker before this one settled them. */
export type OutboxRound = Readonly<{ delivered: number; retried: number; dead: number; lost: number }>;

/** One claimed row while its batch is out. */
type Claim = {
  readonly record: OutboxRecord;
  readonly leaseId: string;
  readonly controller: AbortController;
  settled: boolean;
  lost: boolean;
};

const defaultBackoff = (attempt: number): number => Math.min(1_000 * 2 ** (attempt - 1), 300_000);

const defaultOnError = (error: unknown): void => console.error('[ordersource outbox]', error);

const toRecord = (row: Readonly<Record<string, unknown>>): OutboxRecord => ({
  id: String(row['id']),
  key: String(row['message_key']),
  topic: String(row['topic']),
  payload: row['payload'],
  streamId: typeof row['stream_id'] === 'string' ? row['stream_id'] : undefined,
  attempt: Number(row['attempts']),
});

/** Run database calls one at a time: a renewal never lands after (and undoes) a settlement's backoff. */
const serialQueue = () => {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
};

/** Renew the leases of the unsettled claims every `everyMs` until stopped; mark the ones lost. */
const keepLeases = (
  db: SqlQueryable,
  schema: string,
  claims: readonly Claim[],
  options: Readonly<{ leaseMs: number; serially: ReturnType<typeof serialQueue>; onError: (error: unknown) => void }>,
) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const renew = async () => {
    const held = claims.filter((claim) => !claim.settled && !claim.lost);
    if (held.length === 0) return;
    const rows = await db.query(
      `update ${schema}.outbox o
          set available_at = now() + make_interval(secs => $2::double precision / 1000)
         from jsonb_to_recordset($1::jsonb) as h(id bigint, lease_id bigint)
        where o.id = h.id and o.lease_id = h.lease_id
        returning o.id::text as id`,
      [JSON.stringify(held.map((claim) => ({ id: claim.record.id, lease_id: claim.leaseId }))), options.leaseMs],
    );
    const renewed = new Set(rows.map((row) => String(row['id'])));
    for (const claim of held)
      if (!renewed.has(claim.record.id)) {
        claim.lost = true;
        claim.controller.abort(new Error(`outbox message ${claim.record.id}: the lease passed to another worker`));
      }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = options.serially(renew).catch(options.onError).finally(schedule);
    }, options.leaseMs / 4);
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
};

/** Claim and deliver one batch. Database errors reject (after the batch's leases stop being renewed). */
export const processOutbox = async (store: PostgresEventStore, options: OutboxWorkerOptions): Promise<OutboxRound> => {
  const schema = quoteIdent(store.schema);
  const db: SqlQueryable = store.executor;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? defaultBackoff;
  const leaseMs = options.leaseMs ?? 60_000;
  const claimed = await db.query(
    `update ${schema}.outbox o
        set attempts = o.attempts + 1, lease_id = o.lease_id + 1,
            available_at = now() + make_interval(secs => $2::double precision / 1000)
      where o.id in (select id from ${schema}.outbox
                      where processed_at is null and dead_at is null and available_at <= now()
                      order by available_at, id
                      limit $1
                      for update skip locked)
      returning o.id::text as id, o.message_key, o.topic, o.payload, o.stream_id, o.attempts, o.lease_id::text as lease_id`,
    [options.batchSize ?? 20, leaseMs],
  );
  const claims: Claim[] = claimed
    .map((row) => ({
      record: toRecord(row),
      leaseId: String(row['lease_id']),
      controller: new AbortController(),
      settled: false,
      lost: false,
    }))
    .sort((a, b) => (BigInt(a.record.id) < BigInt(b.record.id) ? -1 : 1));
  if (claims.length === 0) return { delivered: 0, retried: 0, dead: 0, lost: 0 };
  const serially = serialQueue();
  const stopRenewing = keepLeases(db, schema, claims, {
    leaseMs,
    serially,
    onError: options.onError ?? defaultOnError,
  });
  let delivered = 0;
  let retried = 0;
  let dead = 0;
  let lost = 0;
  try {
    for (const claim of claims) {
      const { record } = claim;
      if (claim.lost) {
        lost++;
        continue;
      }
      let failure: { error: unknown } | undefined;
      try {
        await options.deliver(record, { signal: claim.controller.signal });
      } catch (error) {
        failure = { error };
      }
      claim.settled = true;
      const final = record.attempt >= maxAttempts;
      // Fenced by the claim's lease_id: if another worker claimed the row since, this changes nothing.
      const settled = await serially(() =>
        failure === undefined
          ? db.query(
              `update ${schema}.outbox set processed_at = now(), last_error = null
                where id = $1 and lease_id = $2 and processed_at is null and dead_at is null returning id`,
              [record.id, claim.leaseId],
            )
          : db.query(
              `update ${schema}.outbox
                  set last_error = $3,
                      available_at = now() + make_interval(secs => $4::double precision / 1000),
                      dead_at = case when $5 then now() end
                where id = $1 and lease_id = $2 and processed_at is null and dead_at is null returning id`,
              [
                record.id,
                claim.leaseId,
                failure.error instanceof Error ? failure.error.message : String(failure.error),
                backoff(record.attempt),
                final,
              ],
            ),
      );
      if (settled.length === 0) lost++;
      else if (failure === undefined) delivered++;
      else if (final) dead++;
      else retried++;
    }
  } finally {
    await stopRenewing();
  }
  return { delivered, retried, dead, lost };
};

export type OutboxWorker = Readonly<{ done: Promise<void>; close: () => Promise<void> }>;

/**
 * Deliver until closed: rounds back to back while there is work, then poll
 * (or wake on appends). A round that fails (the database is out of reach, a
 * statement fails) is reported to `onError` and retried after 100 ms doubling
 * to 5 s: the worker keeps going. `done` resolves when it is closed.
 */
export const runOutboxWorker = (store: PostgresEventStore, options: OutboxWorkerOptions): OutboxWorker => {
  const onError = options.onError ?? defaultOnError;
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const running = () => !stopped && !store.isClosed();
  const run = async () => {
    let retryMs = 0;
    while (running()) {
      try {
        const round = await processOutbox(store, options);
        retryMs = 0;
        if (round.delivered + round.retried + round.dead + round.lost > 0) continue;
        if (running()) await store.waitForEvents(options.pollIntervalMs ?? 1_000);
      } catch (error) {
        // Closing the store under a running round is how it ends, not an error.
        if (!running() || (isStoreError(error) && error.kind === 'closed')) return;
        onError(error);
        retryMs = Math.min(Math.max(retryMs * 2, 100), 5_000);
        await pause(retryMs);
      }
    }
  };
  const done = run();
  return {
    done,
    close: async () => {
      stopped = true;
      wake?.();
      await done;
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
