import { afterAll } from 'vitest';
import { eventStoreContract } from '@ordersource/testing';
import { createPostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';

// One in-memory PGlite for the whole file (it takes seconds to start); every
// contract test gets its own store over it and its own stream prefix.
let executor: Promise<SqlExecutor> | undefined;
const shared = (): Promise<SqlExecutor> => (executor ??= createPgliteExecutor());

afterAll(async () => {
  if (executor !== undefined) await (await executor).close();
});

eventStoreContract('PGlite (in memory)', async () => {
  const store = await createPostgresEventStore(await shared(), { schema: 'contract', pollIntervalMs: 50 });
  return { store };
});
