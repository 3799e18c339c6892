import { afterAll, describe } from 'vitest';
import { leaseStoreContract, parkedStoreContract, timerStoreContract } from '@ordersource/testing';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createPostgresLeaseStore } from './lease-store.js';
import { createPostgresParkedStore } from './parked-store.js';
import { migrate } from './schema.js';
import { createPostgresTimerStore } from './timer-store.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * The timer, lease and parked-event contracts (issue 11) on PGlite and on the
 * real server. Leases and parked events share one schema (every test has its
 * own group or consumer); timers get a fresh schema per test, since
 * `claimDue` sees every stream.
 */
const suites = (name: string, open: () => Promise<SqlExecutor>, lawRuns: number): void => {
  const shared = testSchema();
  const schemas: string[] = [shared];
  let executor: Promise<SqlExecutor> | undefined;
  let migrated: Promise<unknown> | undefined;
  const ready = async (): Promise<SqlExecutor> => {
    const db = await (executor ??= open());
    await (migrated ??= migrate(db, shared));
    return db;
  };
  afterAll(async () => {
    if (executor === undefined) return;
    const db = await executor;
    for (const schema of schemas) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.close();
  });

  timerStoreContract(
    name,
    async () => {
      const db = await ready();
      const schema = testSchema();
      schemas.push(schema);
      await migrate(db, schema);
      return { store: createPostgresTimerStore(db, { schema }) };
    },
    { lawRuns },
  );
  leaseStoreContract(name, async () => ({ store: createPostgresLeaseStore(await ready(), { schema: shared }) }), {
    lawRuns,
  });
  parkedStoreContract(name, async () => ({ store: createPostgresParkedStore(await ready(), { schema: shared }) }));
};

describe('PGlite (in memory)', () => {
  suites('PGlite (in memory)', () => createPgliteExecutor(), 15);
});

const server = await probeServer('runtime store contracts on PostgreSQL');
describe.skipIf(server.skip)('PostgreSQL server', () => {
  if (server.url === undefined) return;
  const url = server.url;
  suites('PostgreSQL server', () => Promise.resolve(createPgExecutor({ connectionString: url, max: 4 })), 25);
});
