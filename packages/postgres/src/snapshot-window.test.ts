import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler, isInvalidArgument, type EventStore } from '@ordersource/core';
import { snapshotIdempotencyLaw, type TallyState as LawState } from '@ordersource/testing';
import { isStoreError } from './errors.js';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createPostgresSnapshotStore } from './snapshot-store.js';
import {
  collect,
  counterDecider,
  decodeCounter,
  increment,
  newEvent,
  type CounterState,
} from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Issue 18 on PostgreSQL: a snapshot lists only its recent commands, and a
 * command older than that, delivered again after a restart, is found through
 * the store's `causationIds` (one narrow column query). The law runs on
 * PGlite always and on a server when ORDERSOURCE_PG_URL is set.
 */

const stores = async (executor: SqlExecutor, schema: string) => ({
  events: await createPostgresEventStore(executor, { schema, notify: false }),
  snapshots: createPostgresSnapshotStore<LawState>(executor, {
    schema,
    schemaVersion: 1,
    codec: { decode: (stored) => E.right(stored as LawState) },
  }),
});

describe('PGlite', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;
  const schema = 'windows';
  beforeAll(async () => {
    executor = await createPgliteExecutor();
    store = await createPostgresEventStore(executor, { schema, notify: false });
  });
  afterAll(async () => {
    await store.close();
    await executor.close();
  });

  snapshotIdempotencyLaw(
    'PGlite',
    async () => {
      const { events, snapshots } = await stores(executor, schema);
      return { events, snapshots, close: () => events.close() };
    },
    { numRuns: 60, maxOps: 30 },
  );

  it('causationIds gives each event its causationId, by version, below the version asked', async () => {
    const batch = [newEvent('Incremented', { by: 1 }), { ...newEvent('Incremented', { by: 2 }), causationId: 'cmd-b' }];
    await store.append('causes-1', batch, 'no-stream');
    await store.append('causes-1', [{ ...newEvent('Incremented', { by: 3 }), causationId: 'cmd-c' }], 1);
    const read = (await collect(store.read('causes-1'))).map((envelope) => envelope.causationId);
    expect(await store.causationIds('causes-1', 10)).toEqual(read);
    expect(await store.causationIds('causes-1', 2)).toEqual(read.slice(0, 2));
    expect(await store.causationIds('causes-1', 0)).toEqual([]);
    expect(await store.causationIds('nobody', 5)).toEqual([]);
  });

  it('causationIds refuses bad arguments before any query, as streamVersion does', async () => {
    for (const [streamId, below, path] of [
      ['', 1, 'streamId'],
      ['s', -1, 'below'],
      ['s', 1.5, 'below'],
      ['s', '3', 'below'],
    ] as const) {
      const error = await store.causationIds(streamId, below as number).catch((thrown: unknown) => thrown);
      expect(isInvalidArgument(error) && error.method, `${streamId} ${String(below)}`).toBe('causationIds');
      expect(error).toMatchObject({ path });
    }
  });

  it('a window of recent commands round-trips; a malformed one is a decode error naming the field', async () => {
    const snapshots = createPostgresSnapshotStore<CounterState>(executor, {
      schema,
      schemaVersion: 1,
      codec: { decode: (stored) => E.right(stored as CounterState) },
    });
    const snapshot = {
      state: { total: 3, count: 2 },
      version: 9,
      schemaVersion: 1,
      recentCommands: { from: 5, commandIds: ['c5', 'c7'] },
      eventId: 'e9',
    };
    await snapshots.save('window-1', snapshot);
    expect(await snapshots.load('window-1')).toEqual(snapshot);
    for (const [i, [recent, field]] of [
      ['"c1"', 'state.recentCommands'],
      ['{"commandIds":[]}', 'state.recentCommands.from'],
      ['{"from":-1,"commandIds":[]}', 'state.recentCommands.from'],
      ['{"from":1}', 'state.recentCommands.commandIds'],
      ['{"from":1,"commandIds":[1]}', 'state.recentCommands.commandIds'],
    ].entries()) {
      await executor.query(
        `insert into windows.snapshots (stream_id, version, schema_version, state)
         values ($1, 3, 1, jsonb_build_object('state', '{}'::jsonb, 'recentCommands', $2::jsonb, 'eventId', 'e'))`,
        [`window-bad-${i}`, recent],
      );
      const error = await snapshots.load(`window-bad-${i}`).catch((thrown: unknown) => thrown);
      expect(isStoreError(error) && error.kind, recent).toBe('decode');
      expect(error, recent).toMatchObject({ field });
    }
  });

  it('a long stream: load() reads no command below the window, the first command after it reads one column', async () => {
    const snapshots = createPostgresSnapshotStore<CounterState>(executor, {
      schema,
      schemaVersion: 1,
      codec: { decode: (stored) => E.right(stored as CounterState) },
    });
    const policy = { store: snapshots, every: 10, schemaVersion: 1, commandWindow: 5 };
    const writer = createCommandHandler({
      store,
      decider: counterDecider,
      decodeEnvelope: decodeCounter,
      snapshots: policy,
    });
    for (let i = 1; i <= 30; i++) expect(E.isRight(await writer.handle('counter-window', increment(i)))).toBe(true);
    expect(await snapshots.load('counter-window')).toMatchObject({ version: 29, recentCommands: { from: 25 } });
    const asked: number[] = [];
    const counted: EventStore = {
      ...store,
      causationIds: (streamId, below) => {
        asked.push(below);
        return store.causationIds(streamId, below);
      },
    };
    const restarted = createCommandHandler({
      store: counted,
      decider: counterDecider,
      decodeEnvelope: decodeCounter,
      snapshots: policy,
    });
    expect(await restarted.load('counter-window')).toEqual(E.right({ state: { total: 465, count: 30 }, version: 29 }));
    expect(asked).toEqual([]);
    const [oldest] = await collect(store.read('counter-window', { limit: 1 }));
    const again = await restarted.handle('counter-window', {
      ...increment(1),
      metadata: { ...increment(1).metadata, commandId: oldest!.causationId! },
    });
    expect(E.isRight(again) && again.right).toMatchObject({ duplicate: true, events: [{ data: { by: 1 } }] });
    expect(asked).toEqual([25]);
    expect(await store.streamVersion('counter-window')).toBe(29);
  });
});

const server = await probeServer('snapshot windows on PostgreSQL');

describe.skipIf(server.skip)('PostgreSQL server', () => {
  if (server.url === undefined) return;
  const url = server.url;
  const schema = testSchema();
  let executor: SqlExecutor | undefined;
  const shared = (): SqlExecutor => (executor ??= createPgExecutor({ connectionString: url, max: 4 }));
  afterAll(async () => {
    if (executor === undefined) return;
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  });
  snapshotIdempotencyLaw(
    'PostgreSQL server',
    async () => {
      const { events, snapshots } = await stores(shared(), schema);
      return { events, snapshots, close: () => events.close() };
    },
    { numRuns: 100, maxOps: 30 },
  );
});
