import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInMemoryParkedStore,
  newId,
  partitionOf,
  sleep,
  type Envelope,
  type Command,
  type NewEvent,
  type Reactor,
} from '@ordersource/core';
import {
  createPgliteExecutor,
  createPostgresEventStore,
  createPostgresPartitionStore,
  type PostgresEventStore,
  type SqlExecutor,
  type SqlQueryable,
} from '@ordersource/postgres';
import * as E from 'fp-ts/lib/Either.js';
import { createPartitionedWorker } from './worker.js';
import { ackDispatch, tallyProjection, tallyTables } from './test-support/tally.js';
import type { OwnershipChange, PartitionedWorker } from './ports.js';

/**
 * Partitioned workers in one process on PGlite (issue 11): exactly-once
 * projection and one command id per event with one worker and with two that
 * rebalance; a graceful stop hands the partitions over; a fenced commit with
 * a token that moved on writes nothing; a poison event is parked for its
 * reactor alone. The multi-process test on the real server is scale-out.test.ts.
 */
const K = 8;
let db: SqlExecutor;

beforeAll(async () => {
  db = await createPgliteExecutor();
});
afterAll(async () => {
  await db.close();
});

const openSchema = async (): Promise<{ schema: string; store: PostgresEventStore }> => {
  const schema = `pw_${newId().replaceAll('-', '').slice(-12)}`;
  const store = await createPostgresEventStore(db, { schema, pollIntervalMs: 20 });
  for (const statement of tallyTables(schema)) await db.query(statement);
  return { schema, store };
};

const tick = (n: number): NewEvent => ({
  event: { type: 'Ticked', data: { n } },
  eventId: newId(),
  occurredAt: '2026-12-01T00:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
});

const appendTicks = async (store: PostgresEventStore, count: number, streams = 20): Promise<void> => {
  for (let i = 0; i < count; i++) await store.append(`tick-${i % streams}`, [tick(i)], 'any');
};

const waitFor = async (what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
};

const counts = async (schema: string) => {
  const [row] = await db.query(
    `select (select count(*)::int from "${schema}".tally) as applied,
            (select count(*)::int from "${schema}".tally where applied > 1) as twice,
            (select count(distinct cause_event_id)::int from "${schema}".dispatched) as causes,
            (select count(*)::int from (select cause_event_id from "${schema}".dispatched
               group by cause_event_id having count(distinct command_id) > 1) x) as two_ids`,
  );
  return {
    applied: Number(row?.['applied']),
    twice: Number(row?.['twice']),
    causes: Number(row?.['causes']),
    twoIds: Number(row?.['two_ids']),
  };
};

const worker = (
  store: PostgresEventStore,
  schema: string,
  owner: string,
  changes: OwnershipChange[] = [],
): PartitionedWorker =>
  createPartitionedWorker({
    store,
    partitions: createPostgresPartitionStore(store),
    owner,
    partitionCount: K,
    leaseMs: 2_000,
    balanceEveryMs: 100,
    batchSize: 50,
    idleMs: 20,
    projections: [tallyProjection(schema, owner, (streamId) => partitionOf(streamId, K))],
    reactors: [ackDispatch(db, schema, owner)],
    onOwnership: (change) => changes.push(change),
    onError: () => undefined,
  });

describe('partitioned workers in one process (PGlite)', () => {
  it('one worker holds every partition and applies each event once, commanding each once', async () => {
    const { schema, store } = await openSchema();
    await appendTicks(store, 120);
    const a = worker(store, schema, 'a');
    await a.start();
    expect(a.status().leases.map((lease) => lease.partition)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await appendTicks(store, 80);
    await waitFor('200 events applied and reacted to', async () => {
      const now = await counts(schema);
      return now.applied >= 200 && now.causes >= 200;
    });
    await a.stop();
    expect(await counts(schema)).toEqual({ applied: 200, twice: 0, causes: 200, twoIds: 0 });
    expect(a.status().processed).toEqual({ tally: 200, ack: 200 });
    expect(await createPostgresPartitionStore(store).leases.leases('workers'), 'stop released every lease').toEqual([]);
  }, 60_000);

  it('a second worker joins and gets half; a graceful stop hands its half back; nothing twice, nothing lost', async () => {
    const { schema, store } = await openSchema();
    const changes: OwnershipChange[] = [];
    const a = worker(store, schema, 'a', changes);
    const b = worker(store, schema, 'b', changes);
    await a.start();
    await appendTicks(store, 60);
    await b.start();
    await waitFor('an even split', () =>
      Promise.resolve(a.status().leases.length === 4 && b.status().leases.length === 4),
    );
    await appendTicks(store, 60);
    expect(
      changes.some((change) => change.owner === 'a' && change.lost.length === 4),
      'a gave up half',
    ).toBe(true);
    // Let b apply some of its half before it stops (stop drains batches in hand, not events not yet read).
    await waitFor('b to apply events of its partitions', async () => {
      const [row] = await db.query(`select count(*)::int as n from "${schema}".tally where owner = 'b'`);
      return Number(row?.['n'] ?? 0) > 0;
    });
    await b.stop();
    await waitFor('a to hold everything again', () => Promise.resolve(a.status().leases.length === K));
    await appendTicks(store, 60);
    await waitFor('180 events done', async () => {
      const now = await counts(schema);
      return now.applied >= 180 && now.causes >= 180;
    });
    await a.stop();
    expect(await counts(schema)).toEqual({ applied: 180, twice: 0, causes: 180, twoIds: 0 });
    const [appliers] = await db.query(`select count(distinct owner)::int as n from "${schema}".tally`);
    expect(appliers?.['n'], 'both workers did part of the work').toBe(2);
  }, 60_000);

  it('a commit under a token that moved on writes nothing, neither rows nor checkpoint', async () => {
    const { schema, store } = await openSchema();
    const partitions = createPostgresPartitionStore(store);
    const request = { group: 'g', partitions: 2, now: '2026-12-01T00:00:00.000Z', ttlMs: 1_000 };
    const [old] = await partitions.leases.balance({ ...request, owner: 'a' });
    expect(old?.token).toBe(1);
    // a stalls past its lease; b takes partition 0 over.
    await partitions.leases.balance({ ...request, owner: 'b', now: '2026-12-01T00:00:05.000Z' });
    const fence = { group: 'g', partition: 0, owner: 'a', token: 1 };
    const write = async (tx: SqlQueryable): Promise<void> => {
      await tx.query(
        `insert into "${schema}".tally (event_id, stream_id, partition, owner) values ('x', 'tick-0', 0, 'a')`,
      );
    };
    expect(await partitions.commit([fence], [{ consumer: 'c', partition: 0, checkpoint: '1:1' }], write)).toBe(false);
    expect(await db.query(`select * from "${schema}".tally`)).toEqual([]);
    expect((await partitions.loadCheckpoints('c', [0])).size).toBe(0);
    const current = { ...fence, owner: 'b', token: 2 };
    expect(await partitions.commit([current], [{ consumer: 'c', partition: 0, checkpoint: '1:1' }], write)).toBe(true);
    expect(await partitions.loadCheckpoints('c', [0])).toEqual(new Map([[0, '1:1']]));
  });

  it('a poison event is parked for its reactor alone after maxAttempts; the reactor goes on with later events', async () => {
    const { schema, store } = await openSchema();
    const parked = createInMemoryParkedStore();
    const sent: string[] = [];
    const poisonous: Reactor<{ type: string; data: unknown }> = {
      name: 'picky',
      decode: (envelope: Envelope) => E.right(envelope),
      filter: { streamPrefix: 'tick-' },
      react: (envelope) => [
        { kind: 'command', streamId: 'x', type: 'X', data: { n: (envelope.event.data as { n: number }).n } },
      ],
    };
    const w = createPartitionedWorker({
      store,
      partitions: createPostgresPartitionStore(store),
      owner: 'a',
      partitionCount: K,
      balanceEveryMs: 100,
      idleMs: 20,
      maxAttempts: 3,
      backoffMs: () => 1,
      parked,
      reactors: [
        {
          reactor: poisonous,
          dispatch: (effect) => {
            if (effect.kind !== 'command') return Promise.resolve();
            const n = (effect.command as Command<'X', { n: number }>).data.n;
            if (n === 3) return Promise.reject(new Error('provider refuses n = 3'));
            sent.push(String(n));
            return Promise.resolve();
          },
        },
      ],
      onError: () => undefined,
    });
    await appendTicks(store, 6, 1);
    await w.start();
    await waitFor('the five healthy events', () => Promise.resolve(sent.length === 5));
    await w.stop();
    expect(sent).toEqual(['0', '1', '2', '4', '5']);
    expect(await parked.list()).toMatchObject([
      { consumer: 'picky', streamId: 'tick-0', attempts: 3, error: 'Error: provider refuses n = 3' },
    ]);
    void schema;
  }, 60_000);
});
