import { createServer } from 'node:net';
import { EventStoreDBClient } from '@eventstore/db-client';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { newId } from '@ordersource/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDialect, type EventStoreDbClient } from './client.js';
import { connectEventStoreDb, schemeFor } from './connect.js';
import { createEventStoreDbStore } from './event-store.js';

/**
 * The real clients, without a server: each is assigned to the structural
 * type the adapter uses (so `tsc` checks the adapter against both packages'
 * declarations), and each is pointed at a loopback port nothing listens on,
 * where every operation must fail as `unavailable`, naming the server and
 * never its password. No test here talks to EventStoreDB.
 */

const PASSWORD = 'n0t-In-ErR0rs';
let port = 0;

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const url = (scheme: string) => `${scheme}://admin:${PASSWORD}@127.0.0.1:${port}?tls=false&defaultDeadline=5000`;

const CLIENTS = [
  {
    name: '@eventstore/db-client' as const,
    scheme: 'esdb',
    make: (u: string) => EventStoreDBClient.connectionString(u),
  },
  {
    name: '@kurrent/kurrentdb-client' as const,
    scheme: 'kurrentdb',
    make: (u: string) => KurrentDBClient.connectionString(u),
  },
];

describe('the structural client type', () => {
  it('is satisfied by both real clients, and tells them apart', async () => {
    const old: EventStoreDbClient = EventStoreDBClient.connectionString('esdb://127.0.0.1:1?tls=false');
    const next: EventStoreDbClient = KurrentDBClient.connectionString('kurrentdb://127.0.0.1:1?tls=false');
    expect(detectDialect(old)).toBe('eventstoredb');
    expect(detectDialect(next)).toBe('kurrentdb');
    await Promise.all([old.dispose(), next.dispose()]);
  });

  it('connection strings are given the scheme each package knows', () => {
    expect(schemeFor('@eventstore/db-client', 'kurrentdb+discover://a:b@h:2113')).toBe('esdb+discover://a:b@h:2113');
    expect(schemeFor('@kurrent/kurrentdb-client', 'esdb://h:2113?tls=false')).toBe('kurrentdb://h:2113?tls=false');
    expect(schemeFor('@kurrent/kurrentdb-client', 'kdb://h:2113')).toBe('kurrentdb://h:2113');
  });
});

describe.each(CLIENTS)('$name against a closed loopback port', ({ name, scheme, make }) => {
  const connectionString = () => url(scheme);
  const shown = () => `${scheme}://admin:***@127.0.0.1:${port}?tls=false&defaultDeadline=5000`;
  let store: ReturnType<typeof createEventStoreDbStore>;
  const unavailable = (): unknown =>
    expect.objectContaining({ kind: 'unavailable', message: expect.stringContaining(shown()) as unknown });

  beforeAll(() => {
    store = createEventStoreDbStore({
      client: make(connectionString()),
      connectionString: connectionString(),
      ownsClient: true,
      retry: { retries: 1, initialDelayMs: 10 },
    });
  });
  afterAll(async () => {
    await store.close();
  });

  const expectUnavailable = async (promise: Promise<unknown>) => {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toEqual(unavailable());
    expect(String((error as Error).message)).not.toContain(PASSWORD);
  };

  it('append rejects as unavailable', async () => {
    const event = {
      event: { type: 'T', data: {} },
      eventId: newId(),
      occurredAt: '2026-12-01T10:00:00Z',
      actor: { kind: 'system' as const, id: 't' },
    };
    await expectUnavailable(store.append('order-1', [event], 'no-stream'));
    await expectUnavailable(store.append('order-1', [event], 'any'));
  });

  it('read, readAll and streamVersion reject as unavailable', async () => {
    await expectUnavailable(store.read('order-1')[Symbol.asyncIterator]().next());
    await expectUnavailable(store.readAll()[Symbol.asyncIterator]().next());
    await expectUnavailable(store.streamVersion('order-1'));
  });

  it('persistent subscriptions: creating a group rejects as unavailable; a consumer gives up as unavailable', async () => {
    await expectUnavailable(store.createPersistentSubscription('ordersource-test'));
    const consumer = store.consumePersistentSubscription('ordersource-test', () => undefined);
    await expectUnavailable(consumer.done);
    await consumer.close();
  });

  it('a subscription rejects caughtUp and done as unavailable', async () => {
    const subscription = store.subscribe(undefined, () => undefined);
    await expectUnavailable(subscription.caughtUp);
    await expectUnavailable(subscription.done);
    await subscription.close();
  });

  it('connectEventStoreDb loads the package and fails the same way', async () => {
    const connected = await connectEventStoreDb(connectionString(), { package: name });
    expect(connected.dialect).toBe(name === '@eventstore/db-client' ? 'eventstoredb' : 'kurrentdb');
    const error: unknown = await connected.streamVersion('order-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(String((error as Error).message)).not.toContain(PASSWORD);
    await connected.close();
  });
});

describe('connectEventStoreDb without a connection string', () => {
  it('a missing or blank one is a typed error that says what to set, not a TypeError from a client', async () => {
    for (const missing of [undefined, '', '  ']) {
      const error: unknown = await connectEventStoreDb(missing as unknown as string).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'invalid-connection-string' });
      expect(String((error as Error).message)).toContain('kurrentdb://');
    }
    const unset: unknown = await connectEventStoreDb(undefined as unknown as string).catch((e: unknown) => e);
    expect(String((unset as Error).message)).toContain('KURRENTDB_URL');
  });
});
