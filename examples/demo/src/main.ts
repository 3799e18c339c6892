// The main ordersource demo: one order from checkout to fulfilled, with a
// partial refund and its 54-FZ receipts, on the embedded default store
// (PGlite, PostgreSQL in-process, kept in examples/demo/.demo-data).
//
//   npx -y pnpm@10 install && npx -y pnpm@10 demo
//
// Run it twice: the second run finds the first run's order in the store. The shop is
// @ordersource/runtime's createShop: its reactors run the policies, no hand-written loop.
import { fileURLToPath } from 'node:url';
import {
  createPgliteExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
} from '@ordersource/postgres';
import { runDemo } from './walk.js';

const dataDir = process.env.ORDERSOURCE_DEMO_DATA ?? fileURLToPath(new URL('../.demo-data', import.meta.url));
const executor = await createPgliteExecutor({ dataDir });
const store = await createPostgresEventStore(executor);
try {
  console.log(`ordersource demo: PGlite store in ${dataDir}\n`);
  // The runtime keeps its checkpoints, timers and parked events in the same database.
  await runDemo(store, (line) => console.log(line), {
    checkpoints: createPostgresCheckpointStore(executor),
    timers: createPostgresTimerStore(executor),
    parked: createPostgresParkedStore(executor),
  });
} finally {
  await store.close();
  await executor.close();
}
