import { connectEventStoreDb } from '@ordersource/eventstoredb';
import { runDemo } from '@ordersource/example-demo/src/walk.js';
import { describe, expect, it } from 'vitest';

/**
 * The demo's flow on a real EventStoreDB / KurrentDB server. It needs one:
 * without KURRENTDB_URL (or EVENTSTOREDB_URL) it is skipped, saying so; no
 * server runs on the machine this was written on, so it has not run here.
 */
const url = process.env['KURRENTDB_URL'] ?? process.env['EVENTSTOREDB_URL'];
if (url === undefined || url === '')
  console.warn(
    '[examples/eventstoredb] skipped: the demo flow on EventStoreDB / KurrentDB did not run because neither KURRENTDB_URL nor EVENTSTOREDB_URL is set (docs/eventstoredb.md says how to start a server)',
  );

describe.skipIf(url === undefined || url === '')('the demo on EventStoreDB / KurrentDB (examples/eventstoredb)', () => {
  it('walks one order from checkout to fulfilled with a partial refund', async () => {
    const store = await connectEventStoreDb(url ?? '');
    const lines: string[] = [];
    try {
      await runDemo(store, (line) => lines.push(line));
    } finally {
      await store.close();
    }
    const printed = lines.join('\n');
    expect(printed).toContain('✓ checkout -> OrderPlaced');
    expect(printed).toContain('✓ delivered -> ShipmentDelivered, OrderFulfilled');
    expect(printed).toContain('✓ refund two pairs of socks -> PaymentRefunded');
    expect(printed).toContain('ПОЛНЫЙ РАСЧЕТ (full-settlement, 1214=4)');
  });
});
