import { afterAll, describe, expect, it } from 'vitest';
import { createPgExecutor, createPostgresEventStore, type SqlExecutor } from '@ordersource/postgres';
import { probePostgres, testSchema } from '../test-support/postgres.js';
import { describeReport, runLoad } from './run.js';

/**
 * The short version of `pnpm --filter @ordersource/example-shop-api load`:
 * concurrent clients place and pay orders on PostgreSQL for a few seconds;
 * every acknowledged order is stored exactly once and paid once. Figures are
 * printed, never asserted (speed is measured by the load script).
 */
const probe = await probePostgres('shop load smoke');
const schema = testSchema();
let executor: SqlExecutor | undefined;

afterAll(async () => {
  if (executor === undefined) return;
  await executor.query(`drop schema if exists ${schema} cascade`);
  await executor.close();
});

describe.skipIf(probe.url === undefined)('load smoke on PostgreSQL', () => {
  it('4 clients for 3 s: no errors, every acknowledged order and payment stored exactly once', async () => {
    executor = createPgExecutor({ connectionString: probe.url!, max: 8, applicationName: 'shop-load-smoke' });
    const store = await createPostgresEventStore(executor, { schema });
    const report = await runLoad({ store, connections: 4, seconds: 3 });
    await store.close();
    console.log(describeReport(report));
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.paid).toBeGreaterThan(0);
    expect(report.errors).toBe(0);
    expect(report.non2xx).toBe(0);
    expect(report.missingOrDuplicated).toBe(0);
    expect(report.paymentsNotOnce).toBe(0);
  });
});
