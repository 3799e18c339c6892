import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresEventStore,
  LATEST_VERSION,
  type PostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import { EXIT, UserError } from './exit-codes.js';

/**
 * Where the shop's data is: a PostgreSQL URL or a PGlite data directory,
 * from --db or ORDERSOURCE_DB. A connection string is never printed with its
 * password.
 */

export type Target = Readonly<{ kind: 'pg'; url: string } | { kind: 'pglite'; dataDir: string }>;

export type DbOptions = Readonly<{ db?: string; schema: string }>;

export const targetOf = (db: string | undefined): Target => {
  const value = db ?? process.env['ORDERSOURCE_DB'];
  if (value === undefined || value === '')
    throw new UserError('no database: pass --db <postgres://... | PGlite data directory> or set ORDERSOURCE_DB');
  return /^postgres(ql)?:\/\//.test(value) ? { kind: 'pg', url: value } : { kind: 'pglite', dataDir: value };
};

/** "postgres://user:***@host/db" or "PGlite ./data". */
export const describeTarget = (target: Target): string =>
  target.kind === 'pglite' ? `PGlite ${target.dataDir}` : target.url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const openExecutor = async (target: Target): Promise<SqlExecutor> => {
  try {
    const executor =
      target.kind === 'pg'
        ? createPgExecutor({ connectionString: target.url, applicationName: 'ordersource-cli', max: 2 })
        : await createPgliteExecutor({ dataDir: target.dataDir });
    await executor.query('select 1');
    return executor;
  } catch (error) {
    throw new UserError(`cannot reach ${describeTarget(target)}: ${messageOf(error)}`, EXIT.unreachable);
  }
};

/** The applied schema version, 0 when the schema has no ordersource tables. */
export const schemaVersion = async (executor: SqlExecutor, schema: string): Promise<number> => {
  const rows = await executor.query(
    `select 1 from information_schema.tables where table_schema = $1 and table_name = 'migrations'`,
    [schema],
  );
  if (rows.length === 0) return 0;
  const [row] = await executor.query(`select coalesce(max(version), 0) as version from "${schema}".migrations`);
  return Number(row?.['version'] ?? 0);
};

/** The event store over an existing schema: never migrates (that is `ordersource migrate`). */
export const openStore = async (
  executor: SqlExecutor,
  options: DbOptions,
  target: Target,
): Promise<PostgresEventStore> => {
  const version = await schemaVersion(executor, options.schema);
  if (version < LATEST_VERSION)
    throw new UserError(
      `${describeTarget(target)}: schema "${options.schema}" is at version ${version}, this ordersource needs ${LATEST_VERSION}: run ordersource migrate`,
      EXIT.schema,
    );
  try {
    return await createPostgresEventStore(executor, { schema: options.schema, migrate: false, notify: false });
  } catch (error) {
    throw new UserError(`${describeTarget(target)}: ${messageOf(error)}`, EXIT.unreachable);
  }
};

/** Opens, runs `body`, always closes. */
export const withExecutor = async <T>(
  options: DbOptions,
  body: (executor: SqlExecutor, target: Target) => Promise<T>,
): Promise<T> => {
  const target = targetOf(options.db);
  const executor = await openExecutor(target);
  try {
    return await body(executor, target);
  } finally {
    await executor.close().catch(() => undefined);
  }
};
