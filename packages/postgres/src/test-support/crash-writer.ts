import { newId } from '@ordersource/core';
import { createPostgresEventStore } from '../event-store.js';
import { createPgExecutor } from '../executor/pg.js';

/**
 * Child process of crash.test.ts: appends batches as fast as it can until it
 * is killed. Each event says which batch it belongs to and how large the batch
 * is, so the parent can check that no batch was stored in part.
 */
const url = process.env['ORDERSOURCE_PG_URL'];
const schema = process.env['CRASH_SCHEMA'];
if (url === undefined || schema === undefined)
  throw new Error('crash-writer needs ORDERSOURCE_PG_URL and CRASH_SCHEMA');

const executor = createPgExecutor({ connectionString: url, max: 4, applicationName: 'ordersource-crash-writer' });
const store = await createPostgresEventStore(executor, { schema, migrate: false });
let announced = false;
const writer = async (w: number) => {
  for (;;) {
    const size = 1 + Math.floor(Math.random() * 40);
    const batch = newId();
    const streamId = `crash-${Math.floor(Math.random() * 12)}`;
    const events = Array.from({ length: size }, (_, index) => ({
      event: {
        type: 'Chunk',
        data: { batch, index, size, writer: w, note: `it's; "batch" ${'x'.repeat(index * 50)}` },
      },
      eventId: newId(),
      occurredAt: new Date().toISOString(),
      actor: { kind: 'system' as const, id: 'crash-writer' },
    }));
    await store.append(streamId, events, 'any');
    if (!announced) {
      announced = true;
      process.stdout.write('appending\n');
    }
  }
};
await Promise.all([writer(0), writer(1), writer(2), writer(3)]);
