import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import type { SqlExecutor, SqlRow } from './types.js';

/**
 * The embedded driver: PostgreSQL compiled to WASM, in this process. Without
 * `dataDir` it lives in memory; with one it persists there, so a second run
 * sees the first run's events. PGlite has a single connection: statements and
 * transactions queue behind each other, so it cannot reproduce races. A data
 * directory is locked while open (data-dir-lock.ts: atomic across processes):
 * a second opener gets a `data-dir-locked` error before PGlite touches it.
 */
export type PgliteExecutorOptions = Readonly<{ dataDir?: string } | { db: PGlite }>;

export const createPgliteExecutor = async (options: PgliteExecutorOptions = {}): Promise<SqlExecutor> => {
  const owned = !('db' in options);
  const lock = 'dataDir' in options && options.dataDir !== undefined ? await lockDataDir(options.dataDir) : undefined;
  let db: PGlite;
  try {
    db =
      'db' in options
        ? options.db
        : options.dataDir === undefined
          ? await PGlite.create()
          : await PGlite.create({ dataDir: options.dataDir });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const rowsOf = (result: { rows: unknown[] }): readonly SqlRow[] => result.rows as readonly SqlRow[];
  return {
    driver: 'pglite',
    query: async (sql, params) => rowsOf(await db.query(sql, params === undefined ? undefined : [...params])),
    transaction: (body) =>
      db.transaction((tx) =>
        body({
          query: async (sql, params) => rowsOf(await tx.query(sql, params === undefined ? undefined : [...params])),
        }),
      ),
    listen: async (channel, onNotify) => {
      const stop = await db.listen(channel, () => onNotify());
      return () => stop();
    },
    close: async () => {
      if (owned && !db.closed) await db.close();
      await lock?.release();
    },
  };
};
