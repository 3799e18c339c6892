// The example shop: HTTP API, admin pages and customer portal on ordersource.
//
//   npx -y pnpm@10 install && npx -y pnpm@10 --filter @ordersource/example-shop-api start
//
// PGlite (PostgreSQL in-process) in examples/shop-api/.shop-data by default;
// PostgreSQL when SHOP_DATABASE_URL (or ORDERSOURCE_PG_URL) is set. An empty
// store gets a sample order, company and subscription (see seed.ts).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '@ordersource/core';
import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import { seedShop } from './seed.js';
import { startShop } from './server.js';

const env = process.env;
const databaseUrl = env['SHOP_DATABASE_URL'] ?? env['ORDERSOURCE_PG_URL'];
const dataDir = env['SHOP_DATA'] ?? fileURLToPath(new URL('../.shop-data', import.meta.url));

const openStore = async (): Promise<{ store: EventStore; executor: SqlExecutor; where: string }> => {
  if (databaseUrl !== undefined && databaseUrl !== '') {
    const executor = createPgExecutor({ connectionString: databaseUrl, max: 10, applicationName: 'ordersource-shop' });
    const schema = env['SHOP_SCHEMA'] ?? 'shop';
    return {
      executor,
      store: await createPostgresEventStore(executor, { schema }),
      where: `PostgreSQL, schema ${schema}`,
    };
  }
  const executor = await createPgliteExecutor({ dataDir });
  return { executor, store: await createPostgresEventStore(executor), where: `PGlite in ${dataDir}` };
};

const adminPassword = env['SHOP_ADMIN_PASSWORD'] ?? randomBytes(9).toString('base64url');
const webhookSecret = env['SHOP_WEBHOOK_SECRET'] ?? randomBytes(24).toString('base64url');
const { store, executor, where } = await openStore();
const running = await startShop({
  store,
  port: Number(env['PORT'] ?? 3000),
  host: env['HOST'] ?? '127.0.0.1',
  admins: { admin: adminPassword },
  webhookSecrets: [webhookSecret],
  notifier: { transport: env['SHOP_SMTP_URL'] ?? env['SHOP_NOTIFY'] ?? 'console' },
  // Timers (the ORD-7 hold end, link and authorization expiry) fire on time between requests too.
  tickMs: 5_000,
  ...(env['SHOP_BASE_URL'] === undefined ? {} : { baseUrl: env['SHOP_BASE_URL'] }),
});
const seeded = await seedShop(running.shop);
console.log(`ordersource example shop on ${running.url} (${where})
  admin:   ${running.url}/admin  user "admin", password ${env['SHOP_ADMIN_PASSWORD'] === undefined ? `"${adminPassword}" (set SHOP_ADMIN_PASSWORD to choose)` : 'from SHOP_ADMIN_PASSWORD'}
  portal:  ${running.url}/portal/login
  API:     ${running.url}/openapi.json
  webhook: POST ${running.url}/webhooks/payments, secret ${env['SHOP_WEBHOOK_SECRET'] === undefined ? `"${webhookSecret}"` : 'from SHOP_WEBHOOK_SECRET'}`);
for (const line of seeded) console.log(`  ${line}`);

const stop = async () => {
  await running.close();
  await store.close();
  await executor.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
