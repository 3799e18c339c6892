import { newId, type NewEvent } from '@ordersource/core';
import {
  createPgliteExecutor,
  createPostgresEventStore,
  deadLetters,
  processOutbox,
  type PostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Failure } from './dispatcher.js';
import { outboxDelivery, outboxMessageFor, NOTIFY_TOPIC } from './outbox-delivery.js';
import { builtInCatalog, invitation, scriptedAdapter } from './test-support/fixtures.js';

/**
 * Issue 12: intents written to PostgreSQL's outbox in the same transaction as
 * the event, delivered by the outbox worker through the dispatcher (public
 * API of @ordersource/postgres only), on embedded PGlite.
 */
const placed: NewEvent = {
  event: { type: 'OrderRecorded', data: {} },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
};

describe('dispatcher behind the PostgreSQL outbox (PGlite)', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;
  beforeAll(async () => {
    executor = await createPgliteExecutor();
    store = await createPostgresEventStore(executor, { schema: 'notify_outbox' });
  });
  afterAll(async () => {
    await store.close();
    await executor.close();
  });

  it('sends each intent once, retries transient failures, settles permanent ones at once, dead-letters garbage', async () => {
    const { adapter, callsFor } = scriptedAdapter((m, call) => {
      if (m.intent.id === 'flaky' && call < 3) return { kind: 'failed', retryable: true, reason: '421 busy' };
      if (m.intent.id === 'refused') return { kind: 'failed', retryable: false, reason: '550 5.1.1 unknown user' };
      return { kind: 'sent' };
    });
    const failures = new Map<string, Failure>();
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      maxAttempts: 3,
      backoff: { baseMs: 0, maxMs: 0, random: () => 0 },
      onFailed: async (intent, failure) => void failures.set(intent.id, failure),
    });
    const appended = await store.appendWithOutbox('order-o-1', [placed], 'no-stream', [
      outboxMessageFor(invitation('good')),
      outboxMessageFor(invitation('flaky')),
      outboxMessageFor(invitation('refused')),
      { key: 'garbage', topic: NOTIFY_TOPIC, payload: { ...invitation('garbage'), adress: 'x@example.com' } },
    ]);
    expect(E.isRight(appended)).toBe(true);

    const delivery = outboxDelivery(dispatcher);
    for (let round = 0; round < 6; round++) await processOutbox(store, { ...delivery, batchSize: 10 });

    expect([callsFor('good'), callsFor('flaky'), callsFor('refused'), callsFor('garbage')]).toEqual([1, 3, 1, 0]);
    expect(failures.get('refused')).toEqual({ reason: '550 5.1.1 unknown user', attempts: 1, retryable: false });
    const dead = await deadLetters(store);
    expect(dead.map((d) => [d.key, d.lastError])).toEqual([
      ['garbage', 'invalid MessageIntent: adress: unknown field'],
    ]);

    // A lease that ran out hands a delivered row to another worker: the ledger stops a second send.
    await delivery.deliver({ key: 'good', topic: NOTIFY_TOPIC, payload: invitation('good'), attempt: 2 });
    expect(callsFor('good')).toBe(1);
  });
});
