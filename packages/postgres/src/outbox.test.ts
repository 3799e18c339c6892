import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { deadLetters, processOutbox, retryDeadLetter, runOutboxWorker, type OutboxRecord } from './outbox.js';
import { newEvent, right, waitFor } from './test-support/fixtures.js';

describe('outbox on PGlite', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;
  const pending = async () =>
    Number(
      (
        await executor.query(
          'select count(*)::int as n from outbox.outbox where processed_at is null and dead_at is null',
        )
      )[0]?.['n'],
    );

  beforeAll(async () => {
    executor = await createPgliteExecutor();
    store = await createPostgresEventStore(executor, { schema: 'outbox', pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await store.close();
    await executor.close();
  });

  it('writes messages only together with the events that caused them', async () => {
    const placed = newEvent('OrderPlaced', { orderId: 'o-1' });
    right(
      await store.appendWithOutbox('order-o-1', [placed], 'no-stream', [
        { key: `mail:${placed.eventId}`, topic: 'email', payload: { to: "o'brien@example.com", subject: 'Thanks' } },
      ]),
    );
    // A failed append (stale expected version) writes no message.
    const failed = await store.appendWithOutbox('order-o-1', [newEvent('OrderConfirmed')], 'no-stream', [
      { key: 'mail:never', topic: 'email', payload: {} },
    ]);
    expect(E.isLeft(failed)).toBe(true);
    // A replayed batch does not write its messages again.
    right(
      await store.appendWithOutbox('order-o-1', [placed], 'no-stream', [
        { key: `mail:${placed.eventId}`, topic: 'email', payload: { to: 'again' } },
      ]),
    );
    const delivered: OutboxRecord[] = [];
    const round = await processOutbox(store, { deliver: async (message) => void delivered.push(message) });
    expect(round).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(delivered).toMatchObject([
      {
        key: `mail:${placed.eventId}`,
        topic: 'email',
        payload: { to: "o'brien@example.com", subject: 'Thanks' },
        streamId: 'order-o-1',
        attempt: 1,
      },
    ]);
    expect(await processOutbox(store, { deliver: async () => undefined })).toEqual({
      delivered: 0,
      retried: 0,
      dead: 0,
    });
  });

  it('retries with backoff and dead-letters after the limit; a dead letter can be retried', async () => {
    right(
      await store.appendWithOutbox('order-o-2', [newEvent('OrderPlaced')], 'no-stream', [
        { key: 'sms:o-2', topic: 'sms', payload: { to: '+49' } },
      ]),
    );
    const failing = {
      deliver: async () => Promise.reject(new Error('gateway down')),
      maxAttempts: 3,
      backoffMs: () => 0,
    };
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 0, dead: 0 });
    const dead = await deadLetters(store);
    expect(dead).toMatchObject([{ key: 'sms:o-2', attempt: 3, lastError: 'gateway down' }]);

    // A real backoff keeps the message back.
    expect(await retryDeadLetter(store, dead[0]!.id)).toBe(true);
    const slow = { ...failing, backoffMs: () => 60_000 };
    expect(await processOutbox(store, slow)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await processOutbox(store, slow)).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(await pending()).toBe(1);
  });

  it('a worker delivers messages appended while it runs', async () => {
    const seen: string[] = [];
    const worker = runOutboxWorker(store, { deliver: async (m) => void seen.push(m.key), pollIntervalMs: 20 });
    right(
      await store.appendWithOutbox('order-o-3', [newEvent('OrderPlaced')], 'no-stream', [
        { key: 'webhook:o-3', topic: 'webhook', payload: { url: 'https://example.com/hook' } },
      ]),
    );
    await waitFor('the webhook message', () => seen.includes('webhook:o-3'), 10_000);
    await worker.close();
    await expect(worker.done).resolves.toBeUndefined();
  });
});
