import { EventStoreDBClient } from '@eventstore/db-client';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { EventStoreDbClient } from '../client.js';
import { redactConnectionString } from '../errors.js';

/**
 * Suites that need a real EventStoreDB / KurrentDB server read KURRENTDB_URL
 * (or EVENTSTOREDB_URL), e.g. kurrentdb://127.0.0.1:2113?tls=false. Without
 * one, or when it does not answer, they are skipped with a printed reason,
 * unless ORDERSOURCE_REQUIRE_KURRENTDB=1, where a missing server fails.
 * docs/eventstoredb.md says how to start one.
 */
export type ServerProbe = Readonly<{ url: string; skip: false } | { url: undefined; skip: true; reason: string }>;

export const SERVER_HINT =
  'start one with `docker run --rm -d --name kurrentdb -p 2113:2113 -e KURRENTDB_CLUSTER_SIZE=1 ' +
  '-e KURRENTDB_RUN_PROJECTIONS=All -e KURRENTDB_INSECURE=true docker.kurrent.io/kurrent-latest/kurrentdb:latest` ' +
  'and set KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false (docs/eventstoredb.md)';

export const probeServer = async (suite: string, whatIsSkipped: string): Promise<ServerProbe> => {
  const url = process.env['KURRENTDB_URL'] ?? process.env['EVENTSTOREDB_URL'];
  const required = process.env['ORDERSOURCE_REQUIRE_KURRENTDB'] === '1';
  let reason: string | undefined;
  if (url === undefined || url === '') {
    reason = 'neither KURRENTDB_URL nor EVENTSTOREDB_URL is set, and no EventStoreDB / KurrentDB server runs here';
  } else {
    const client = KurrentDBClient.connectionString(url.replace(/^esdb/, 'kurrentdb'));
    try {
      for await (const _ of client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 })) break;
    } catch (error) {
      reason = `the server at ${redactConnectionString(url)} did not answer: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await client.dispose().catch(() => undefined);
    }
  }
  if (reason === undefined && url !== undefined) return { url, skip: false };
  if (required) throw new Error(`${suite}: ORDERSOURCE_REQUIRE_KURRENTDB=1 but ${reason ?? 'no server'}`);
  console.warn(`[${suite}] skipped: ${whatIsSkipped} did not run because ${reason ?? 'no server'}; ${SERVER_HINT}`);
  return { url: undefined, skip: true, reason: reason ?? 'no server' };
};

/** One client of each package for a server URL (written in either scheme). */
export const clientsFor = (url: string): readonly Readonly<{ name: string; client: EventStoreDbClient }>[] => [
  { name: '@kurrent/kurrentdb-client', client: KurrentDBClient.connectionString(url.replace(/^esdb/, 'kurrentdb')) },
  {
    name: '@eventstore/db-client',
    client: EventStoreDBClient.connectionString(url.replace(/^(kurrentdb|kdb)/, 'esdb')),
  },
];
