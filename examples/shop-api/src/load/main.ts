// The load run on PostgreSQL (issue 16):
//   ORDERSOURCE_PG_URL=postgres://postgres@127.0.0.1:5432/test \
//     npx -y pnpm@10 --filter @ordersource/example-shop-api load [connections] [seconds]
// A schema of its own, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { createPgExecutor, createPostgresEventStore } from '@ordersource/postgres';
import { describeReport, runLoad } from './run.js';

const url = process.env['ORDERSOURCE_PG_URL'] ?? process.env['SHOP_DATABASE_URL'];
if (url === undefined || url === '') {
  console.error('set ORDERSOURCE_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}
const connections = Number(process.argv[2] ?? 16);
const seconds = Number(process.argv[3] ?? 20);
const schema = `shop_load_${randomBytes(4).toString('hex')}`;
const executor = createPgExecutor({ connectionString: url, max: 20, applicationName: 'ordersource-shop-load' });
const store = await createPostgresEventStore(executor, { schema });
try {
  const report = await runLoad({ store, connections, seconds });
  console.log(describeReport(report));
  console.log(JSON.stringify(report));
  if (report.missingOrDuplicated > 0 || report.paymentsNotOnce > 0) process.exitCode = 1;
} finally {
  await store.close();
  await executor.query(`drop schema if exists ${schema} cascade`);
  await executor.close();
}
