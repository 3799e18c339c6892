import type { EventStoreDbClient } from './client.js';
import { redactConnectionString, storeError } from './errors.js';
import { createEventStoreDbStore, type EventStoreDbEventStore, type EventStoreDbStoreOptions } from './event-store.js';

/**
 * A store from a connection string, with whichever client package is
 * installed: `@kurrent/kurrentdb-client` first (the product's current name,
 * Node >= 20), then `@eventstore/db-client`. Both are optional peer
 * dependencies; neither is imported unless this function is called. The old
 * package only knows the `esdb://` scheme and the new one warns about it, so
 * the scheme is translated for whichever answers (the grammar is the same).
 */

export type ClientPackage = '@kurrent/kurrentdb-client' | '@eventstore/db-client';

export type ConnectOptions = Omit<EventStoreDbStoreOptions, 'client' | 'connectionString' | 'dialect' | 'ownsClient'> &
  Readonly<{ package?: ClientPackage }>;

type ClientFactory = Readonly<{ connectionString: (connectionString: string) => EventStoreDbClient }>;

const EXPORT_OF: Readonly<Record<ClientPackage, string>> = {
  '@kurrent/kurrentdb-client': 'KurrentDBClient',
  '@eventstore/db-client': 'EventStoreDBClient',
};

// A specifier in a variable: TypeScript does not resolve it, so no type of either package is needed.
const load = (name: string): Promise<unknown> => import(name);

const factoryIn = (module: unknown, name: string): ClientFactory | undefined => {
  const namespace = module as Record<string, unknown> & { default?: Record<string, unknown> };
  const found = namespace[name] ?? namespace.default?.[name];
  return typeof (found as { connectionString?: unknown } | undefined)?.connectionString === 'function'
    ? (found as ClientFactory)
    : undefined;
};

const SCHEME = /^(esdb|kurrentdb|kdb)(\+discover)?:\/\//i;

export const schemeFor = (clientPackage: ClientPackage, connectionString: string): string =>
  connectionString.replace(
    SCHEME,
    (_, _scheme: string, discover: string | undefined) =>
      `${clientPackage === '@eventstore/db-client' ? 'esdb' : 'kurrentdb'}${discover ?? ''}://`,
  );

export const connectEventStoreDb = async (
  connectionString: string,
  options: ConnectOptions = {},
): Promise<EventStoreDbEventStore> => {
  // Usually read from the environment, so often missing: say so, rather than fail deep inside a client.
  if (typeof connectionString !== 'string' || connectionString.trim() === '')
    throw storeError(
      'invalid-connection-string',
      `connectEventStoreDb needs a connection string such as kurrentdb://127.0.0.1:2113?tls=false (got ${connectionString === undefined ? 'undefined: is KURRENTDB_URL set?' : JSON.stringify(connectionString)})`,
    );
  const { package: wanted, ...storeOptions } = options;
  const candidates: readonly ClientPackage[] =
    wanted === undefined ? ['@kurrent/kurrentdb-client', '@eventstore/db-client'] : [wanted];
  const missing: string[] = [];
  for (const name of candidates) {
    let module: unknown;
    try {
      module = await load(name);
    } catch (error) {
      missing.push(`${name} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      continue;
    }
    const factory = factoryIn(module, EXPORT_OF[name]);
    if (factory === undefined) {
      missing.push(`${name} (no ${EXPORT_OF[name]} export)`);
      continue;
    }
    let client: EventStoreDbClient;
    try {
      client = factory.connectionString(schemeFor(name, connectionString));
    } catch (error) {
      throw storeError(
        'unavailable',
        `cannot use the connection string ${redactConnectionString(connectionString)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return createEventStoreDbStore({
      ...storeOptions,
      client,
      connectionString,
      dialect: name === '@kurrent/kurrentdb-client' ? 'kurrentdb' : 'eventstoredb',
      ownsClient: true,
    });
  }
  throw storeError(
    'no-client',
    `no EventStoreDB client package could be loaded: ${missing.join('; ')}. Install @kurrent/kurrentdb-client (Node >= 20) or @eventstore/db-client`,
  );
};
