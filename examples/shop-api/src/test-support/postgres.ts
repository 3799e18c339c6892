import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * As in packages/postgres's test support: suites on the real server read
 * ORDERSOURCE_PG_URL; without it (or when the server does not answer) they
 * are skipped with the reason, unless ORDERSOURCE_REQUIRE_PG=1.
 */
export const probePostgres = async (suite: string): Promise<{ url: string } | { url: undefined; reason: string }> => {
  const url = process.env['ORDERSOURCE_PG_URL'];
  let reason: string | undefined;
  if (url === undefined || url === '')
    reason = 'ORDERSOURCE_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';
  else {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
    } catch (error) {
      reason = `the server at ORDERSOURCE_PG_URL did not answer: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (reason === undefined && url !== undefined) return { url };
  if (process.env['ORDERSOURCE_REQUIRE_PG'] === '1')
    throw new Error(`${suite}: ORDERSOURCE_REQUIRE_PG=1 but ${reason ?? 'no server'}`);
  console.warn(`[${suite}] skipped: ${reason ?? 'no server'}`);
  return { url: undefined, reason: reason ?? 'no server' };
};

export const testSchema = (): string => `shop_test_${randomBytes(6).toString('hex')}`;
