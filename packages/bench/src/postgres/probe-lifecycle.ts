import { performance } from 'node:perf_hooks';
import { createPgExecutor, type SqlExecutor, type SqlQueryable } from '@ordersource/postgres';
import { ordersourceLifecycle, type LifecycleMode } from './lifecycle.js';

/**
 * Issue 18's statement probe: one lifecycle run with every statement counted
 * by its first words and timed, to see where an order's time goes.
 * `tsx --conditions=source src/postgres/probe-lifecycle.ts [running|drained] [orders] [groupCommit] [perConsumer] [concurrency] [noNotify]`.
 */
const url = process.env['ORDERSOURCE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const mode = (process.argv[2] ?? 'running') as LifecycleMode;
const orders = Number(process.argv[3] ?? 40);
const counts = new Map<string, { n: number; ms: number }>();
const kindOf = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, 70);
const count = (sql: string, ms: number) => {
  const key = kindOf(sql);
  const entry = counts.get(key) ?? { n: 0, ms: 0 };
  entry.n++;
  entry.ms += ms;
  counts.set(key, entry);
};
const timed = (db: SqlQueryable): SqlQueryable => ({
  query: async (sql, params) => {
    const start = performance.now();
    try {
      return await db.query(sql, params);
    } finally {
      count(sql, performance.now() - start);
    }
  },
});
const probed = (db: SqlExecutor): SqlExecutor => ({
  ...db,
  ...timed(db),
  transaction: (body) => {
    const start = performance.now();
    return db.transaction((tx) => body(timed(tx))).finally(() => count('(transaction)', performance.now() - start));
  },
});
const benchCase = ordersourceLifecycle(url, orders, 8, mode, {
  executor: (options) => probed(createPgExecutor(options)),
  groupCommit: process.argv[4] === 'groupCommit',
  sharedLog: process.argv[5] !== 'perConsumer',
  ...(process.argv[6] === undefined || process.argv[6] === '1' ? {} : { concurrency: Number(process.argv[6]) }),
  ...(process.argv[7] === 'noNotify' ? { notify: false } : {}),
});
const run = await benchCase.prepare();
counts.clear();
const start = performance.now();
await run();
const ms = performance.now() - start;
await benchCase.cleanup?.();
console.log(`${mode}, ${orders} orders: ${ms.toFixed(0)} ms, ${((orders * 1000) / ms).toFixed(1)} orders/s`);
for (const [sql, { n, ms: total }] of [...counts].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(
    `${String(n).padStart(6)} ${(n / orders).toFixed(1).padStart(6)}/order ${total.toFixed(0).padStart(7)} ms  ${sql}`,
  );
