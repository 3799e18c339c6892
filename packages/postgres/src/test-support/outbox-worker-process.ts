import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createPostgresEventStore } from '../event-store.js';
import { createPgExecutor } from '../executor/pg.js';
import { processOutbox } from '../outbox.js';

/**
 * Child process of outbox.test.ts: one outbox round with a 1 s lease. Its
 * delivery prints `delivering <id>`, waits for a line on stdin and then fails
 * (its last attempt: it would dead-letter the row), so the parent can SIGSTOP
 * it past its lease while it delivers. It prints the round as JSON at the end.
 */
const url = process.env['ORDERSOURCE_PG_URL'];
const schema = process.env['OUTBOX_SCHEMA'];
if (url === undefined || schema === undefined)
  throw new Error('outbox-worker-process needs ORDERSOURCE_PG_URL and OUTBOX_SCHEMA');

const executor = createPgExecutor({ connectionString: url, max: 2, applicationName: 'ordersource-outbox-pause' });
const store = await createPostgresEventStore(executor, { schema, migrate: false });
const round = await processOutbox(store, {
  leaseMs: 1_000,
  maxAttempts: 1,
  onError: (error) => process.stderr.write(`renewal failed: ${String(error)}\n`),
  deliver: async (message) => {
    process.stdout.write(`delivering ${message.id}\n`);
    const lines = createInterface({ input: process.stdin });
    await once(lines, 'line');
    lines.close();
    throw new Error('smtp timeout after a pause');
  },
});
process.stdout.write(`${JSON.stringify(round)}\n`);
await store.close();
await executor.close();
