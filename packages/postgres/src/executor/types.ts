/**
 * The tiny SQL surface the store needs, so that one adapter runs on a
 * node-postgres pool and on PGlite alike. Rows come back as plain records;
 * the store decodes every field it reads, so drivers may differ in how they
 * parse types (PGlite gives numbers for bigint, pg strings: the store casts
 * positions to text in SQL and never depends on either).
 */
export type SqlRow = Readonly<Record<string, unknown>>;

export type SqlQueryable = Readonly<{
  /** One statement with `$1..$n` parameters; values are never interpolated. */
  query: (sql: string, params?: readonly unknown[]) => Promise<readonly SqlRow[]>;
  /**
   * The same statement, each row an array of its columns in select order.
   * Optional: node-postgres builds no record per row then, which makes a
   * 13-column read of a long stream cheaper than one JSON text per row. The
   * store falls back to `query` where it is absent (PGlite, a caller's own).
   */
  queryArrays?: (sql: string, params?: readonly unknown[]) => Promise<readonly (readonly unknown[])[]>;
}>;

export type SqlExecutor = SqlQueryable &
  Readonly<{
    driver: 'pg' | 'pglite';
    /** Run `body` in one transaction (READ COMMITTED): committed when it resolves, rolled back when it throws. */
    transaction: <T>(body: (tx: SqlQueryable) => Promise<T>) => Promise<T>;
    /** LISTEN on a channel; resolves with a function that stops listening. Used only as a wake-up. */
    listen: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
    /** Release the connection(s) this executor owns. */
    close: () => Promise<void>;
  }>;
