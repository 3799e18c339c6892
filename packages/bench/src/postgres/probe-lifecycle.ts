import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createPgExecutor, type SqlExecutor, type SqlQueryable } from '@ordersource/postgres';
import { handRolledLifecycle, ordersourceLifecycle, type LifecycleMode } from './lifecycle.js';

/**
 * Issue 18's statement probe: one lifecycle run with every statement counted
 * by its first words and timed, to see where an order's time goes.
 * `tsx --conditions=source src/postgres/probe-lifecycle.ts [running|drained|hand] [orders] [groupCommit] [perConsumer] [concurrency] [noNotify]`.
 * `hand` runs the hand-rolled shop instead. It also prints the CPU time per order of this process and of every
 * PostgreSQL process on the machine (from /proc: run it on a quiet machine, the server is shared), to tell a
 * shop bound by the cores from one that waits.
 */
const url = process.env['ORDERSOURCE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const argument = process.argv[2] ?? 'running';
const mode: LifecycleMode = argument === 'drained' ? 'drained' : 'running';
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
const benchCase =
  argument === 'hand'
    ? handRolledLifecycle(url, orders, 8)
    : ordersourceLifecycle(url, orders, 8, mode, {
        executor: (options) => probed(createPgExecutor(options)),
        groupCommit: process.argv[4] === 'groupCommit',
        sharedLog: process.argv[5] !== 'perConsumer',
        ...(process.argv[6] === undefined || process.argv[6] === '1' ? {} : { concurrency: Number(process.argv[6]) }),
        ...(process.argv[7] === 'noNotify' ? { notify: false } : {}),
      });

/**
 * CPU time (ms) of every process named postgres, from /proc/<pid>/stat: utime + stime of the live ones
 * and cutime + cstime (the postmaster's, of the backends it reaped), so backends that end do not count back.
 */
const serverCpuMs = (): number => {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks * 10;
};

const run = await benchCase.prepare();
counts.clear();
const server = serverCpuMs();
const cpu = process.cpuUsage();
const start = performance.now();
await run();
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
const serverMs = serverCpuMs() - server;
await benchCase.cleanup?.();
const nodeMs = (used.user + used.system) / 1000;
console.log(`${argument}, ${orders} orders: ${ms.toFixed(0)} ms, ${((orders * 1000) / ms).toFixed(1)} orders/s`);
console.log(
  `CPU per order: this process ${(nodeMs / orders).toFixed(2)} ms, PostgreSQL ${(serverMs / orders).toFixed(2)} ms; ` +
    `cores busy ${((nodeMs + serverMs) / ms).toFixed(2)} of 2`,
);
for (const [sql, { n, ms: total }] of [...counts].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(
    `${String(n).padStart(6)} ${(n / orders).toFixed(1).padStart(6)}/order ${total.toFixed(0).padStart(7)} ms  ${sql}`,
  );
