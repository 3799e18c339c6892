import { createInMemoryEventStore, type EventStore } from '@ordersource/core';
import { createPgliteExecutor, createPostgresEventStore } from '@ordersource/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatcher.js';
import type { SendLedger } from './ledger.js';
import { createMemoryQueue } from './memory-queue.js';
import { createStoreLedger } from './store-ledger.js';
import { builtInCatalog, invitation, scriptedAdapter } from './test-support/fixtures.js';

/**
 * Issue 12 (NOT-3): the send ledger kept in the event store survives the
 * process that wrote it. Each dispatcher below is a fresh instance, as a
 * restarted process would build, sharing only the store.
 */
const fast = { baseMs: 0, maxMs: 0, random: () => 0 };

const run = (dispatcher: ReturnType<typeof createDispatcher>, ...intents: ReturnType<typeof invitation>[]) => {
  const queue = createMemoryQueue(dispatcher);
  queue.enqueue(...intents);
  return queue.drain();
};

const ledgerSuite = (name: string, open: () => Promise<{ store: EventStore; close: () => Promise<void> }>) =>
  describe(`store ledger on ${name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ store, close } = await open()));
    afterAll(async () => close());

    const dispatcherOn = (ledger: SendLedger, adapter: ReturnType<typeof scriptedAdapter>['adapter']) =>
      createDispatcher({ catalog: builtInCatalog(), channels: { email: adapter }, ledger, backoff: fast });

    it('an intent sent by one process is not sent again by the next one', async () => {
      const first = scriptedAdapter();
      await run(dispatcherOn(createStoreLedger(store), first.adapter), invitation('once'));
      const second = scriptedAdapter();
      const stats = await run(dispatcherOn(createStoreLedger(store), second.adapter), invitation('once'));
      expect(first.callsFor('once')).toBe(1);
      expect(second.callsFor('once')).toBe(0);
      expect(stats.duplicates).toBe(1);
      expect(await createStoreLedger(store).get('once')).toMatchObject({ status: 'sent', recorded: true });
    });

    it('a crash after the channel took the message resends it once, with the same idempotency key', async () => {
      // The process "dies" when the ledger is told the message went out: the entry stays `sending`.
      const crashing: SendLedger = {
        get: (id) => createStoreLedger(store).get(id),
        put: async (id, entry) => {
          if (entry.status === 'sent') throw new Error('killed');
          await createStoreLedger(store).put(id, entry);
        },
      };
      const before = scriptedAdapter();
      await expect(dispatcherOn(crashing, before.adapter).attempt(invitation('torn'), 1)).rejects.toThrow('killed');
      expect(await createStoreLedger(store).get('torn')).toMatchObject({ status: 'sending', attempt: 1 });

      const after = scriptedAdapter();
      const stats = await run(
        dispatcherOn(createStoreLedger(store), after.adapter),
        invitation('torn'),
        invitation('torn'),
      );
      expect(after.calls.map((m) => m.idempotencyKey)).toEqual(before.calls.map((m) => m.idempotencyKey));
      expect(stats).toMatchObject({ sent: 1 });
      expect(after.calls).toHaveLength(1);
      expect(await createStoreLedger(store).get('torn')).toMatchObject({ status: 'sent', recorded: true });
    });

    it('a final failure is kept: the intent is not tried again after a restart', async () => {
      const refusing = scriptedAdapter(() => ({ kind: 'failed', retryable: false, reason: '550 5.1.1 no such user' }));
      await run(dispatcherOn(createStoreLedger(store), refusing.adapter), invitation('refused'));
      const later = scriptedAdapter();
      await run(dispatcherOn(createStoreLedger(store), later.adapter), invitation('refused'));
      expect(later.callsFor('refused')).toBe(0);
      expect(await createStoreLedger(store).get('refused')).toMatchObject({
        status: 'failed',
        reason: '550 5.1.1 no such user',
        recorded: true,
      });
    });

    it('a put retried after a timeout appends nothing twice', async () => {
      const ledger = createStoreLedger(store);
      const entry = { status: 'sent', at: '2026-12-01T10:00:00.000Z', recorded: true } as const;
      await ledger.put('twice', entry);
      await ledger.put('twice', entry);
      expect(await store.streamVersion('notify-ledger-twice')).toBe(0);
    });

    it('a foreign event on a ledger stream is an error, not a silent "never sent"', async () => {
      await store.append(
        'notify-ledger-foreign',
        [
          {
            eventId: '0193a0f0-0000-7000-8000-000000000001',
            occurredAt: '2026-12-01T10:00:00.000Z',
            actor: { kind: 'system', id: 'test' },
            event: { type: 'NotificationLedgerEntry', data: { status: 'sent', at: 3 } },
          },
        ],
        'no-stream',
      );
      await expect(createStoreLedger(store).get('foreign')).rejects.toThrow('not a ledger entry');
    });
  });

ledgerSuite('the in-memory store', async () => {
  const store = createInMemoryEventStore();
  return { store, close: () => store.close() };
});

ledgerSuite('PGlite', async () => {
  const executor = await createPgliteExecutor();
  const store = await createPostgresEventStore(executor, { schema: 'notify_ledger' });
  return {
    store,
    close: async () => {
      await store.close();
      await executor.close();
    },
  };
});
