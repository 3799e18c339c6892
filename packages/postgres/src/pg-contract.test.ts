import { afterAll, describe } from 'vitest';
import { eventStoreContract } from '@ordersource/testing';
import { createPostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { probeServer, testSchema } from './test-support/server.js';

const server = await probeServer('EventStore contract on PostgreSQL');
const schema = testSchema();
let executor: SqlExecutor | undefined;
const shared = (url: string): SqlExecutor => (executor ??= createPgExecutor({ connectionString: url, max: 30 }));

afterAll(async () => {
  if (executor === undefined) return;
  await executor.query(`drop schema if exists "${schema}" cascade`);
  await executor.close();
});

describe.skipIf(server.skip)('PostgreSQL server', () => {
  if (server.url === undefined) return;
  const url = server.url;
  eventStoreContract(
    'PostgreSQL server',
    async () => ({ store: await createPostgresEventStore(shared(url), { schema, pollIntervalMs: 50 }) }),
    { parallelWriters: true },
  );
  // Issue 18: with group commit, every law of the port holds as without it.
  eventStoreContract(
    'PostgreSQL server, group commit',
    async () => ({
      store: await createPostgresEventStore(shared(url), { schema, pollIntervalMs: 50, groupCommit: true }),
    }),
    { parallelWriters: true },
  );
});
