import { newId, type Envelope } from '@ordersource/core';
import { eventStoreContract } from '@ordersource/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from './event-store.js';
import { clientsFor, probeServer } from './test-support/server.js';

/**
 * The kernel's EventStore contract on a real EventStoreDB / KurrentDB
 * server, once through each client package, and competing consumers on a
 * persistent subscription. These run only against a server (see
 * test-support/server.ts for the variables); without one they are skipped
 * with a message saying what did not run and why.
 */
const server = await probeServer(
  'EventStore contract on EventStoreDB / KurrentDB',
  'the EventStore contract suite (once per client package) and the persistent-subscription test',
);
const clients = server.url === undefined ? [] : clientsFor(server.url);

afterAll(async () => {
  await Promise.all(clients.map(({ client }) => client.dispose().catch(() => undefined)));
});

describe.skipIf(server.skip)('EventStoreDB / KurrentDB server', () => {
  for (const { name, client } of clients) {
    eventStoreContract(
      `EventStoreDB / KurrentDB through ${name}`,
      () =>
        Promise.resolve({
          store: createEventStoreDbStore({
            client,
            ...(server.url === undefined ? {} : { connectionString: server.url }),
          }),
        }),
      { parallelWriters: true },
    );

    it(`persistent subscription through ${name}: two competing consumers share the events`, async () => {
      const store = createEventStoreDbStore({ client });
      const prefix = `ps-${newId()}-`;
      const group = `ordersource-test-${newId()}`;
      const filter = { streamPrefix: prefix };
      expect(await store.createPersistentSubscription(group, { filter, startFrom: 'start' })).toBe('created');
      expect(await store.createPersistentSubscription(group, { filter })).toBe('exists');
      const seen: Envelope[][] = [[], []];
      const consumers = seen.map((list) =>
        store.consumePersistentSubscription(group, (envelope) => void list.push(envelope), { filter }),
      );
      try {
        const written: string[] = [];
        for (let i = 0; i < 40; i++) {
          const event = {
            event: { type: 'Happened', data: { i } },
            eventId: newId(),
            occurredAt: '2026-12-01T10:00:00Z',
            actor: { kind: 'system' as const, id: 'test' },
          };
          written.push(event.eventId);
          await store.append(`${prefix}s-${i % 4}`, [event], 'any');
        }
        const deadline = Date.now() + 30_000;
        while (new Set(seen.flat().map((e) => e.eventId)).size < written.length && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(new Set(seen.flat().map((e) => e.eventId))).toEqual(new Set(written));
        expect(
          seen.every((list) => list.length > 0),
          'both consumers got work',
        ).toBe(true);
      } finally {
        await Promise.all(consumers.map((consumer) => consumer.close()));
        await store.deletePersistentSubscription(group);
        await store.close();
      }
    });
  }
});
