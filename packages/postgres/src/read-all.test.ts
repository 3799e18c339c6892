import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { START } from './position.js';
import { fetchPage } from './read-all.js';
import { newEvent, right } from './test-support/fixtures.js';

describe('pages of the log (PGlite)', () => {
  let executor: SqlExecutor;
  beforeAll(async () => {
    executor = await createPgliteExecutor();
  });
  afterAll(async () => {
    await executor.close();
  });

  it('a page too large for one JSON text is read row by row, with the same result', async () => {
    const store = await createPostgresEventStore(executor, { schema: 'pages' });
    right(await store.append('order-1', [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], 'no-stream'));
    right(await store.append('payment-1', [newEvent('C', { text: 'x'.repeat(1000) })], 'no-stream'));
    right(await store.append('order-2', [newEvent('D', { n: 4 })], 'no-stream'));
    for (const filter of [{}, { streamPrefix: 'order-' }, { eventTypes: ['C', 'D'] }]) {
      const whole = await fetchPage(executor, '"pages"', START, filter, 3);
      const byRows = await fetchPage(executor, '"pages"', START, filter, 3, 10);
      expect(byRows).toEqual(whole);
      expect(whole.full).toBe(true);
      expect(whole.scannedTo).toBeDefined();
      const rest = await fetchPage(executor, '"pages"', whole.scannedTo!, filter, 3, 10);
      expect(rest).toEqual(await fetchPage(executor, '"pages"', whole.scannedTo!, filter, 3));
      expect(rest.full).toBe(false);
      const all = [...whole.envelopes, ...rest.envelopes].map((e) => e.event.type);
      expect(all).toEqual(
        Object.keys(filter).length === 0
          ? ['A', 'B', 'C', 'D']
          : 'streamPrefix' in filter
            ? ['A', 'B', 'D']
            : ['C', 'D'],
      );
    }
    const empty = await fetchPage(executor, '"pages"', { transactionId: '999999999', sequence: '0' }, {}, 3, 10);
    expect(empty).toMatchObject({ envelopes: [], scannedTo: undefined, full: false });
    await store.close();
  });
});
