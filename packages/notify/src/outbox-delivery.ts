import * as E from 'fp-ts/lib/Either.js';
import type { Dispatcher } from './dispatcher.js';
import { decodeIntent, type MessageIntent } from './intent.js';

/**
 * Intents through a transactional outbox (PostgreSQL's `outbox` table in
 * production). The outbox claims rows, leases them and calls `deliver`; a
 * throw makes it retry the row later and dead-letter it after its own
 * `maxAttempts`. This adapter keeps the two policies in step:
 *
 * - sent (or sent before, per the ledger): resolve, the row is done;
 * - a permanent failure (5xx, a bad address, a template error): the failure
 *   is recorded through the dispatcher and the row is done: retrying cannot
 *   help, so it does not wait out the attempts;
 * - a transient failure: throw, so the outbox retries with the same backoff;
 *   on the outbox's last attempt the dispatcher records the final failure and
 *   the throw dead-letters the row with the reason as its last error;
 * - a payload that is not an intent: throw the validation message (it ends
 *   in the outbox's dead letters, where an operator sees it).
 *
 * The record's shape is structural, so this package does not depend on the
 * PostgreSQL adapter: `runOutboxWorker(store, { deliver, maxAttempts, backoffMs })`.
 */
export type OutboxRecordLike = Readonly<{ key: string; topic: string; payload: unknown; attempt: number }>;

export const NOTIFY_TOPIC = 'notify';

/** The outbox message for an intent, for `appendWithOutbox`: keyed by the intent id, so a re-run writes nothing new. */
export const outboxMessageFor = (intent: MessageIntent) => ({ key: intent.id, topic: NOTIFY_TOPIC, payload: intent });

export const outboxDelivery = (
  dispatcher: Dispatcher,
): Readonly<{
  deliver: (record: OutboxRecordLike) => Promise<void>;
  maxAttempts: number;
  backoffMs: (attempt: number) => number;
}> => ({
  maxAttempts: dispatcher.maxAttempts,
  backoffMs: dispatcher.backoff,
  deliver: async (record) => {
    if (record.topic !== NOTIFY_TOPIC) throw new Error(`not a notification (topic ${record.topic})`);
    const intent = decodeIntent(record.payload);
    if (E.isLeft(intent)) throw new Error(intent.left.message);
    const outcome = await dispatcher.attempt(intent.right, record.attempt, record.attempt >= dispatcher.maxAttempts);
    if (outcome.kind === 'retry') throw new Error(outcome.reason);
    if (outcome.kind === 'dead' && record.attempt >= dispatcher.maxAttempts) throw new Error(outcome.reason);
  },
});
