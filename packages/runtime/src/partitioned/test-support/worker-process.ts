import { partitionOf } from '@ordersource/core';
import { createPgExecutor, createPostgresEventStore, createPostgresPartitionStore } from '@ordersource/postgres';
import { createPartitionedWorker } from '../worker.js';
import { ackDispatch, tallyProjection } from './tally.js';

/**
 * One worker process of the multi-process scale-out test (issue 11). It
 * prints one JSON line per ownership change; SIGTERM stops it gracefully
 * (drain, release), SIGKILL is the crash the test is about.
 * Env: ORDERSOURCE_PG_URL, WORKER_SCHEMA, WORKER_OWNER, WORKER_PARTITIONS, WORKER_LEASE_MS.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const schema = env('WORKER_SCHEMA');
const owner = env('WORKER_OWNER');
const k = Number(env('WORKER_PARTITIONS'));
const leaseMs = Number(env('WORKER_LEASE_MS'));
const executor = createPgExecutor({ connectionString: env('ORDERSOURCE_PG_URL'), max: 4, applicationName: owner });
const store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 50 });
const worker = createPartitionedWorker({
  store,
  partitions: createPostgresPartitionStore(store, { stalledCommitMs: leaseMs }),
  owner,
  partitionCount: k,
  leaseMs,
  balanceEveryMs: Math.floor(leaseMs / 4),
  batchSize: 200,
  idleMs: 100,
  waitForEvents: (ms) => store.waitForEvents(ms),
  projections: [tallyProjection(schema, owner, (streamId) => partitionOf(streamId, k))],
  reactors: [ackDispatch(executor, schema, owner)],
  onOwnership: (change) =>
    console.log(
      JSON.stringify({ type: 'ownership', ...change, leases: change.leases.map((l) => [l.partition, l.token]) }),
    ),
  onError: (error, where) => console.error(`[${owner} ${where}]`, error),
});
await worker.start();
console.log(JSON.stringify({ type: 'started', owner }));
process.once('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    console.log(JSON.stringify({ type: 'stopped', owner, status: worker.status() }));
    await store.close();
    await executor.close();
    process.exit(0);
  })();
});
