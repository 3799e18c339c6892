// The main demo's flow on EventStoreDB / KurrentDB: one order from checkout to
// fulfilled, with a partial refund and its 54-FZ receipts, on the server that
// KURRENTDB_URL names (see docs/eventstoredb.md to start one).
//
//   KURRENTDB_URL='kurrentdb://127.0.0.1:2113?tls=false' \
//     npx -y pnpm@10 --filter @ordersource/example-eventstoredb start
//
// Run it twice: the second run finds the first run's order on the server.
import { connectEventStoreDb, redactConnectionString } from '@ordersource/eventstoredb';
import { runDemo } from '@ordersource/example-demo/src/walk.js';

const url = process.env['KURRENTDB_URL'] ?? process.env['EVENTSTOREDB_URL'];
if (url === undefined || url === '') {
  console.error(
    'Set KURRENTDB_URL, e.g. kurrentdb://127.0.0.1:2113?tls=false (docs/eventstoredb.md says how to start a server).',
  );
  process.exit(1);
}
const store = await connectEventStoreDb(url);
try {
  console.log(`ordersource demo: ${store.dialect} client, server ${redactConnectionString(url)}\n`);
  await runDemo(store, (line) => console.log(line));
} finally {
  await store.close();
}
