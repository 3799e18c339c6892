import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeError } from './errors.js';
import { createPostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { newEvent, right, waitFor } from './test-support/fixtures.js';

describe('subscriptions through a lost connection (PGlite behind a failing executor)', () => {
  let executor: SqlExecutor;
  beforeAll(async () => {
    executor = await createPgliteExecutor();
  });
  afterAll(async () => {
    await executor.close();
  });

  it('waits out connection errors and delivers every event once; other errors end it', async () => {
    let failures = 0;
    const broken: { error?: Error } = {};
    const flaky: SqlExecutor = {
      ...executor,
      query: async (sql, params) => {
        if (broken.error !== undefined) throw broken.error;
        if (failures > 0) {
          failures--;
          throw storeError('connection', 'cannot reach PostgreSQL at test: connection terminated');
        }
        return executor.query(sql, params);
      },
    };
    const writer = await createPostgresEventStore(executor, { schema: 'flaky' });
    const follower = await createPostgresEventStore(flaky, { schema: 'flaky', pollIntervalMs: 20 });
    const seen: string[] = [];
    const sub = follower.subscribe(undefined, (e) => void seen.push(e.eventId));
    await sub.caughtUp;
    const first = newEvent('Before');
    right(await writer.append('order-1', [first], 'no-stream'));
    await waitFor('the first event', () => seen.length === 1);
    failures = 4;
    const second = newEvent('During');
    const third = newEvent('After');
    right(await writer.append('order-1', [second], 0));
    right(await writer.append('order-2', [third], 'no-stream'));
    await waitFor('events after the outage', () => seen.length === 3);
    expect(failures).toBe(0);
    expect(seen).toEqual([first.eventId, second.eventId, third.eventId]);

    broken.error = new Error('permission denied for schema flaky');
    right(await writer.append('order-3', [newEvent('Later')], 'no-stream'));
    await expect(sub.done).rejects.toThrow('permission denied');
    expect(seen).toHaveLength(3);
  });
});
