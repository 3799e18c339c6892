import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createSqlProjection, runSqlProjection, type SqlProjectionProgress } from './projection.js';
import { isStoreError } from './errors.js';
import { compareCheckpoints } from './position.js';
import { newEvent, right } from './test-support/fixtures.js';
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
});
