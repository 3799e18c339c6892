import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Tests that need a real PostgreSQL server read ORDERSOURCE_PG_URL. Without it
 * (or when the server does not answer) those suites are skipped with a printed
 * reason, unless ORDERSOURCE_REQUIRE_PG=1 (CI), where a missing server fails.
 */
export type ServerProbe = Readonly<{ url: string; skip: false } | { url: undefined; skip: true; reason: string }>;

export const probeServer = async (suite: string): Promise<ServerProbe> => {
  const url = process.env['ORDERSOURCE_PG_URL'];
  const required = process.env['ORDERSOURCE_REQUIRE_PG'] === '1';
  let reason: string | undefined;
  if (url === undefined || url === '') {
    reason = 'ORDERSOURCE_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';
  } else {
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
  if (reason === undefined && url !== undefined) return { url, skip: false };
  if (required) throw new Error(`${suite}: ORDERSOURCE_REQUIRE_PG=1 but ${reason ?? 'no server'}`);
  console.warn(`[${suite}] skipped: ${reason ?? 'no server'}`);
  return { url: undefined, skip: true, reason: reason ?? 'no server' };
};

/** A schema name no other test file uses. */
export const testSchema = (): string => `os_test_${randomBytes(6).toString('hex')}`;
