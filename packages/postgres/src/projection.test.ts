import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createSqlProjection, runSqlProjection, type SqlProjection, type SqlProjectionProgress } from './projection.js';
import { isStoreError } from './errors.js';
import { compareCheckpoints } from './position.js';
import { newEvent, right } from './test-support/fixtures.js';
import type { SqlQueryable } from './executor/types.js';
import type { Envelope } from '@ordersource/core';
import { createOrderSummaries, orderHistory, orderSummaries, summaries } from './test-support/order-summaries.js';

describe('SQL projections on PGlite', () => {
  const schema = 'projections';
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = await createPgliteExecutor();
    store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 20 });
    await createOrderSummaries(executor, schema);
  });
  afterAll(async () => {
    await store.close();
    await executor.close();
  });

  it('builds the read model, commits the checkpoint with it, and applies nothing twice', async () => {
    right(await store.append('order-a', orderHistory('a', 3, 250), 'no-stream'));
    right(await store.append('payment-a', orderHistory('not-an-order', 1, 1), 'no-stream'));
    right(await store.append('order-b', orderHistory('b', 1, 999), 'no-stream'));
    // A handler that fails in the middle of a batch: neither rows nor checkpoint move.
    const failing = createSqlProjection(
      store,
      orderSummaries(schema, (id) => id === failOn),
      { batchSize: 100 },
    );
    const all = [];
    for await (const envelope of store.readAll(undefined, { streamPrefix: 'order-' })) all.push(envelope);
    const failOn = all[3]!.eventId;
    await expect(failing.catchUp()).rejects.toThrow('on purpose');
    expect(await summaries(executor, schema)).toEqual([]);
    expect(await failing.checkpoint()).toBeUndefined();

    const runner = createSqlProjection(store, orderSummaries(schema), { batchSize: 2 });
    expect(await runner.catchUp()).toBe(8);
    expect(await runner.catchUp()).toBe(0);
    expect(await summaries(executor, schema)).toEqual([
      { order_id: 'a', customer: 'customer of a', status: 'confirmed', lines: 3, total: '750' },
      { order_id: 'b', customer: 'customer of b', status: 'confirmed', lines: 1, total: '999' },
    ]);
    expect(await runner.checkpoint()).toMatch(/^\d+:\d+$/);
  });

  it('follows live events, and rebuilds from zero with progress to the same rows', async () => {
    const sub = runSqlProjection(store, orderSummaries(schema));
    await sub.caughtUp;
    right(await store.append('order-c', orderHistory('c', 2, 100), 'no-stream'));
    let done = false;
    const poll = async () => {
      for (let i = 0; i < 200 && !done; i++) {
        const rows = await summaries(executor, schema);
        done = rows.some((row) => row['order_id'] === 'c' && row['status'] === 'confirmed');
        if (!done) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await poll();
    expect(done).toBe(true);
    await sub.close();
    const before = await summaries(executor, schema);

    const progress: SqlProjectionProgress[] = [];
    const rebuilt = createSqlProjection(store, orderSummaries(schema), {
      batchSize: 3,
      onProgress: (p) => progress.push(p),
    });
    expect(await rebuilt.rebuild()).toBe(12);
    expect(await summaries(executor, schema)).toEqual(before);
    // batchSize bounds the window of the log read per transaction; filtered-out events use it up too.
    const counts = progress.map((p) => p.processed);
    expect(counts.at(-1)).toBe(12);
    expect(counts.length).toBeGreaterThanOrEqual(4);
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1]!)).toBe(true);
    // The committed checkpoint may have moved past the last order event (to the read horizon), never before it.
    expect(compareCheckpoints(progress.at(-1)?.checkpoint, await rebuilt.checkpoint())).toBeLessThanOrEqual(0);
  });

  it('issue 8.5: a batch size of 0, -1, 1.5 or NaN is refused when the runner is made, naming the option', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN])
      expect(() => createSqlProjection(store, orderSummaries(schema), { batchSize })).toThrow(/options\.batchSize/);
  });

  it('a follower stops when its store is closed', async () => {
    const own = await createPostgresEventStore(executor, { schema, pollIntervalMs: 20 });
    const sub = runSqlProjection(own, orderSummaries(schema));
    await sub.caughtUp;
    await own.close();
    await expect(sub.done).resolves.toBeUndefined();
  });

  it('an event that does not decode rolls its batch back and names stream, version and field', async () => {
    const other = 'projections_bad';
    const own = await createPostgresEventStore(executor, { schema: other });
    await createOrderSummaries(executor, other);
    right(await own.append('order-z', orderHistory('z', 1, 5), 'no-stream'));
    right(await own.append('order-z', [newEvent('LineAdded', { orderId: 'z', cents: 'lots' })], 2));
    const runner = createSqlProjection(own, orderSummaries(other));
    const error = await runner.catchUp().catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('decode');
    expect(error).toMatchObject({ streamId: 'order-z', streamVersion: 3 });
    expect((error as Error).message).toMatch(/data\.cents/);
    expect(await summaries(executor, other)).toEqual([]);
    expect(await runner.checkpoint()).toBeUndefined();
    await own.close();
  });

  it('issue 18: handleBatch gets each page once, in log order, and builds what handle builds; a failing batch moves nothing', async () => {
    const own = 'projections_batch';
    const batchStore = await createPostgresEventStore(executor, { schema: own });
    await executor.query(
      `create table "${own}".counts (stream_id text primary key, events integer not null, last integer not null)`,
    );
    for (const id of ['x', 'y', 'z'])
      right(
        await batchStore.append(
          `count-${id}`,
          Array.from({ length: 7 }, (_, i) => newEvent('Counted', { i })),
          'no-stream',
        ),
      );
    // One multi-row upsert per batch, rows summed per stream first.
    const upsert = async (tx: SqlQueryable, envelopes: readonly Envelope[]): Promise<void> => {
      const byStream = new Map<string, { events: number; last: number }>();
      for (const e of envelopes) {
        const row = byStream.get(e.streamId) ?? { events: 0, last: -1 };
        byStream.set(e.streamId, { events: row.events + 1, last: Math.max(row.last, e.streamVersion) });
      }
      await tx.query(
        `insert into "${own}".counts select * from unnest($1::text[], $2::integer[], $3::integer[])
         on conflict (stream_id) do update set events = counts.events + excluded.events, last = excluded.last`,
        [[...byStream.keys()], [...byStream.values()].map((r) => r.events), [...byStream.values()].map((r) => r.last)],
      );
    };
    const batches: number[][] = [];
    let failAt: number | undefined;
    const projection: SqlProjection = {
      name: 'counts',
      filter: { streamPrefix: 'count-' },
      handle: (tx, envelope) => upsert(tx, [envelope]),
      handleBatch: async (tx, envelopes) => {
        batches.push(envelopes.map((e) => Number(e.globalPosition.split(':')[1] ?? e.globalPosition)));
        await upsert(tx, envelopes);
        if (failAt !== undefined && batches.length === failAt) throw new Error('batch failed on purpose');
      },
      reset: async (tx) => {
        await tx.query(`truncate "${own}".counts`);
      },
    };
    const rows = async () => executor.query(`select * from "${own}".counts order by stream_id`);

    failAt = 2;
    const failing = createSqlProjection(batchStore, projection, { batchSize: 5 });
    await expect(failing.catchUp()).rejects.toThrow('on purpose');
    const afterFailure = await rows();
    // The first batch committed with its checkpoint; the second rolled back, rows and checkpoint alike.
    expect(afterFailure.reduce((sum, row) => sum + Number(row['events']), 0)).toBe(5);
    failAt = undefined;
    batches.length = 0;
    expect(await failing.catchUp()).toBe(16);

    batches.length = 0;
    const runner = createSqlProjection(batchStore, projection, { batchSize: 5 });
    expect(await runner.rebuild()).toBe(21);
    // One call per page of 5 (a page holds what its window matched), never one per event.
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(batches.every((batch) => batch.length >= 1 && batch.length <= 5)).toBe(true);
    expect(batches.flat()).toEqual([...batches.flat()].sort((a, b) => a - b));
    expect(batches.flat().length).toBe(21);
    const batched = await rows();
    expect(batched).toEqual([
      { stream_id: 'count-x', events: 7, last: 6 },
      { stream_id: 'count-y', events: 7, last: 6 },
      { stream_id: 'count-z', events: 7, last: 6 },
    ]);

    // The same read model one event at a time.
    const { handleBatch: _batch, ...oneByOne } = projection;
    const perEvent = createSqlProjection(batchStore, oneByOne, { batchSize: 5 });
    batches.length = 0;
    expect(await perEvent.rebuild()).toBe(21);
    expect(batches).toEqual([]);
    expect(await rows()).toEqual(batched);
    await batchStore.close();
  });

  it('commits batches without waiting for the WAL flush unless asked, and takes 5,000 rows a batch by default', async () => {
    right(await store.append('order-sync', orderHistory('sync', 1, 10), 'no-stream'));
    const seen: string[] = [];
    const probe = (name: string): SqlProjection => ({
      name,
      filter: { streamPrefix: 'order-sync' },
      handle: async (tx) => {
        const [row] = await tx.query(`select current_setting('synchronous_commit') as setting`);
        seen.push(String(row?.['setting']));
      },
    });
    expect(await createSqlProjection(store, probe('sync-default')).catchUp()).toBe(3);
    expect(await createSqlProjection(store, probe('sync-on'), { synchronousCommit: true }).catchUp()).toBe(3);
    // A derived read model and its checkpoint are lost together in a crash: re-applied, still once.
    expect(seen).toEqual(['off', 'off', 'off', 'on', 'on', 'on']);
    expect(() => createSqlProjection(store, probe('x'), { synchronousCommit: 'yes' as never })).toThrow(
      /options\.synchronousCommit/,
    );

    let largest = 0;
    const many = Array.from({ length: 60 }, (_, i) => `order-many-${i}`);
    for (const streamId of many) right(await store.append(streamId, orderHistory(streamId, 50, 1), 'no-stream'));
    const counted = await createSqlProjection(store, {
      name: 'batch-size',
      filter: { streamPrefix: 'order-many-' },
      handle: async () => undefined,
      handleBatch: async (_tx, envelopes) => {
        largest = Math.max(largest, envelopes.length);
      },
    }).catchUp();
    expect(counted).toBe(60 * 52);
    // The store's page is 1,000 rows; a projection batch is larger by default.
    expect(largest).toBeGreaterThan(1_000);
    expect(largest).toBeLessThanOrEqual(5_000);
  });
});
