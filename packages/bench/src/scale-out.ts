import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { newId, sleep, type NewEvent } from '@ordersource/core';
import { createPgExecutor, createPostgresEventStore, migrate, type SqlExecutor } from '@ordersource/postgres';
// The runtime is reached by path: the bench package does not depend on it.
import { tallyTables } from '../../runtime/src/partitioned/test-support/tally.js';

/**
 * Scale-out throughput (issue 11): the same backlog of events processed by
 * 1, 2 and 4 partitioned worker PROCESSES on the real server. Each event
 * costs a projection row (committed with the partition checkpoints under
 * the lease fence) and a reactor command (one INSERT, its id derived from
 * the event). The rate is taken once the group has settled (every worker
 * holds its share), from then until the backlog is done, so process start
 * and the first rebalance are not counted.
 *
 *   npx tsx --conditions=source packages/bench/src/scale-out.ts [--events 10000] [--rounds 1]
 *
 * Needs ORDERSOURCE_PG_URL (a loopback server; default postgres://postgres@127.0.0.1:5432/test).
 */
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
const K = 16;
const LEASE_MS = 4_000;
const STREAMS = 200;
const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('../../runtime/src/partitioned/test-support/worker-process.ts', import.meta.url));

const count = async (db: SqlExecutor, sql: string): Promise<number> => Number((await db.query(sql))[0]?.['n']);

const backlog = async (db: SqlExecutor, schema: string, events: number): Promise<void> => {
  const store = await createPostgresEventStore(db, { schema });
  const perAppend = 50;
  for (let i = 0; i < events; i += perAppend) {
    const batch: NewEvent[] = Array.from({ length: Math.min(perAppend, events - i) }, (_, j) => ({
      event: { type: 'Ticked', data: { n: i + j } },
      eventId: newId(),
      occurredAt: '2026-12-01T00:00:00.000Z',
      actor: { kind: 'system', id: 'bench' },
    }));
    await store.append(`tick-${(i / perAppend) % STREAMS}`, batch, 'any');
  }
  await store.close();
};

type Run = Readonly<{
  workers: number;
  events: number;
  settledAt: number;
  seconds: number;
  rate: number;
  load: string;
}>;

const runOnce = async (url: string, workers: number, events: number): Promise<Run> => {
  const db = createPgExecutor({ connectionString: url, max: 4 });
  const schema = `os_bench_scale_${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  try {
    await migrate(db, schema);
    for (const statement of tallyTables(schema)) await db.query(statement);
    await backlog(db, schema, events);
    for (let i = 0; i < workers; i++)
      children.push(
        spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
          cwd: root,
          env: {
            ...process.env,
            ORDERSOURCE_PG_URL: url,
            WORKER_SCHEMA: schema,
            WORKER_OWNER: `bench-${i}`,
            WORKER_PARTITIONS: String(K),
            WORKER_LEASE_MS: String(LEASE_MS),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    // Settled: every worker holds floor(K / workers) or more.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const rows = await db.query(
        `select owner, count(*)::int as n from "${schema}".partition_leases where owner is not null group by owner`,
      );
      if (rows.length === workers && rows.every((row) => Number(row['n']) >= Math.floor(K / workers))) break;
      if (Date.now() > deadline) throw new Error(`${workers} workers did not settle within 120 s`);
      await sleep(20);
    }
    const start = Date.now();
    const settledAt = await count(db, `select count(*)::int as n from "${schema}".tally`);
    const done = `select least((select count(*) from "${schema}".tally),
                               (select count(distinct cause_event_id) from "${schema}".dispatched))::int as n`;
    while ((await count(db, done)) < events) {
      if (Date.now() - start > 600_000) throw new Error('the backlog was not done within 10 minutes');
      await sleep(20);
    }
    const seconds = (Date.now() - start) / 1000;
    const twice = await count(db, `select count(*)::int as n from "${schema}".tally where applied > 1`);
    if (twice > 0) throw new Error(`${twice} events applied twice`);
    return {
      workers,
      events,
      settledAt,
      seconds,
      rate: (events - settledAt) / seconds,
      load: loadavg()
        .map((value) => value.toFixed(1))
        .join(' '),
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()) : resolve())),
      ),
    );
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.close();
  }
};

export const runScaleOutBenchmarks = async (options: Readonly<{ events?: number; rounds?: number }> = {}) => {
  const url = process.env['ORDERSOURCE_PG_URL'] ?? DEFAULT_URL;
  const events = options.events ?? 10_000;
  const rounds = options.rounds ?? 1;
  const machine = cpus();
  console.log(
    `\nScale-out (issue 11): ${events} events over ${STREAMS} streams, K = ${K}, lease ${LEASE_MS} ms; ` +
      `${machine.length} cores; load before: ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}`,
  );
  const runs: (Run & { round: number })[] = [];
  for (let round = 0; round < rounds; round++)
    // Alternate the order, so a load that rises or falls during the run favours no worker count.
    for (const workers of round % 2 === 0 ? [1, 2, 4] : [4, 2, 1])
      runs.push({ ...(await runOnce(url, workers, events)), round });
  // Each rate against the 1-worker run of the same round: rounds minutes apart see different loads.
  const baseOf = (round: number): number => runs.find((run) => run.round === round && run.workers === 1)?.rate ?? 0;
  console.log(
    '| round | workers | events/s (projection + reactor) | vs 1 worker, same round | done before settled | seconds | load after |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---|');
  for (const run of runs)
    console.log(
      `| ${run.round + 1} | ${run.workers} | ${Math.round(run.rate)} | ${(run.rate / baseOf(run.round)).toFixed(2)}x | ${run.settledAt} | ${run.seconds.toFixed(1)} | ${run.load} |`,
    );
  return runs;
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { events: { type: 'string' }, rounds: { type: 'string' } },
  });
  await runScaleOutBenchmarks({
    ...(values.events === undefined ? {} : { events: Number(values.events) }),
    ...(values.rounds === undefined ? {} : { rounds: Number(values.rounds) }),
  });
}
