import pg from 'pg';
import { isStoreError, sqlState, storeError } from '../errors.js';
import type { SqlExecutor, SqlQueryable, SqlRow } from './types.js';

/**
 * The node-postgres driver: a Pool for queries and transactions, plus one
 * dedicated connection for LISTEN (opened on first use). Connection failures
 * reject with a `connection` error that names the server but never the
 * password.
 */
export type PgExecutorOptions =
  Readonly<{ connectionString: string; max?: number; applicationName?: string }> | Readonly<{ pool: pg.Pool }>;

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash).
const CONNECTION_STATES = /^(08|57P0)/;
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

const isConnectionFailure = (error: unknown): boolean => {
  const code = sqlState(error);
  if (code !== undefined && (CONNECTION_CODES.has(code) || CONNECTION_STATES.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
};

const describeServer = (pool: pg.Pool): string => {
  const options = pool.options as { host?: string; port?: number; database?: string; connectionString?: string };
  if (options.connectionString !== undefined) {
    try {
      const url = new URL(options.connectionString);
      return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
    } catch {
      return 'the configured server';
    }
  }
  return `${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
};

const names = new Map<string, string>();
const statementName = (sql: string): string => {
  let name = names.get(sql);
  if (name === undefined) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < sql.length; i++) hash = Math.imul(hash ^ sql.charCodeAt(i), 0x01000193);
    name = `os_${(hash >>> 0).toString(36)}_${sql.length.toString(36)}`;
    names.set(sql, name);
  }
  return name;
};

export const createPgExecutor = (options: PgExecutorOptions): SqlExecutor => {
  const owned = !('pool' in options);
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({
          connectionString: options.connectionString,
          max: options.max ?? 10,
          application_name: options.applicationName ?? 'ordersource',
        });
  const server = describeServer(pool);
  // An idle client that dies must not crash the process; the next query reports it.
  if (owned) pool.on('error', () => undefined);

  const wrap = (error: unknown): unknown =>
    isConnectionFailure(error)
      ? storeError(
          'connection',
          `cannot reach PostgreSQL at ${server}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        )
      : error;

  const run = async (client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    try {
      // Parameterised statements become named prepared statements: each connection parses and
      // plans them once. The store issues a small fixed set of texts, so the cache stays small.
      const result =
        params === undefined
          ? await client.query<SqlRow>(sql)
          : await client.query<SqlRow>({ name: statementName(sql), text: sql, values: [...params] });
      return result.rows;
    } catch (error) {
      throw wrap(error);
    }
  };

  const runArrays = async (client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    try {
      // A name of its own: a prepared statement's row mode is not part of what the server prepared,
      // but keeping the two apart costs nothing and keeps each name to one use.
      const result = await client.query<unknown[]>({
        name: `${statementName(sql)}_a`,
        text: sql,
        values: params === undefined ? [] : [...params],
        rowMode: 'array',
      });
      return result.rows;
    } catch (error) {
      throw wrap(error);
    }
  };

  const transaction = async <T>(body: (tx: SqlQueryable) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw wrap(error);
    }
    // A checked-out client has no 'error' listener of the pool's: when the server dies between two
    // statements, node-postgres emits 'error' on it, and an unheard 'error' event crashes the
    // process. The failure itself reaches the body through its next statement (issue 8).
    let broken: Error | undefined;
    const lost = (error: Error) => void (broken = error);
    client.on('error', lost);
    try {
      await run(client, 'begin');
      const result = await body({
        query: (sql, params) => run(client, sql, params),
        queryArrays: (sql, params) => runArrays(client, sql, params),
      });
      await run(client, 'commit');
      return result;
    } catch (error) {
      if (broken === undefined)
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      throw error;
    } finally {
      client.removeListener('error', lost);
      // A client whose connection failed or whose rollback failed is not reusable: destroy it.
      client.release(broken);
    }
  };

  // One LISTEN connection shared by every channel of this executor. When it dies, followers
  // keep polling, and it is reopened (with every channel) a second later, and every second
  // after that while the server is away (issue 8: wake-ups are back within a second of it).
  const handlers = new Map<string, Set<() => void>>();
  let listener: Promise<pg.PoolClient> | undefined;
  let closed = false;
  let reopening: ReturnType<typeof setTimeout> | undefined;
  const reopen = (delayMs: number) => {
    if (closed || handlers.size === 0 || reopening !== undefined) return;
    reopening = setTimeout(() => {
      reopening = undefined;
      void listenerClient()
        .then(async (client) => {
          for (const channel of handlers.keys()) await run(client, `listen ${quoteChannel(channel)}`);
          // Events may have been appended while nobody listened: wake everyone once.
          for (const set of handlers.values()) for (const handler of set) handler();
        })
        .catch(() => reopen(1_000));
    }, delayMs);
    reopening.unref();
  };
  const listenerClient = (): Promise<pg.PoolClient> => {
    if (listener !== undefined) return listener;
    const opening = pool.connect().then((client) => {
      client.on('notification', (message) => {
        for (const handler of handlers.get(message.channel) ?? []) handler();
      });
      client.on('error', () => {
        listener = undefined;
        client.release(true);
        reopen(1_000);
      });
      return client;
    });
    listener = opening;
    opening.catch(() => {
      listener = undefined;
    });
    return opening;
  };
  const quoteChannel = (channel: string): string => `"${channel.replaceAll('"', '""')}"`;

  return {
    driver: 'pg',
    query: (sql, params) => run(pool, sql, params),
    queryArrays: (sql, params) => runArrays(pool, sql, params),
    transaction,
    listen: async (channel, onNotify) => {
      const set = handlers.get(channel) ?? new Set();
      const first = set.size === 0;
      set.add(onNotify);
      handlers.set(channel, set);
      if (first) {
        try {
          await run(await listenerClient(), `listen ${quoteChannel(channel)}`);
        } catch (error) {
          if (!isConnectionFailure(error) && !(isStoreError(error) && error.kind === 'connection')) {
            set.delete(onNotify);
            if (set.size === 0) handlers.delete(channel);
            throw wrap(error);
          }
          // The server is down: the channel stays registered and LISTEN is retried with the
          // connection (followers poll meanwhile), instead of never waking them (issue 8).
          reopen(1_000);
        }
      }
      return async () => {
        set.delete(onNotify);
        if (set.size > 0 || listener === undefined) return;
        handlers.delete(channel);
        const client = await listener;
        await run(client, `unlisten ${quoteChannel(channel)}`).catch(() => undefined);
      };
    },
    close: async () => {
      closed = true;
      if (reopening !== undefined) clearTimeout(reopening);
      const open = listener;
      listener = undefined;
      handlers.clear();
      if (open !== undefined) {
        const client = await open.catch(() => undefined);
        client?.release(true);
      }
      if (owned) await pool.end();
    },
  };
};
