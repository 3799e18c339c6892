import { afterAll, describe, expect, it } from 'vitest';
import { createPgExecutor, createPostgresEventStore, type SqlExecutor } from '@ordersource/postgres';
import { checkoutBody } from '../fixtures.js';
import { probePostgres, testSchema } from '../test-support/postgres.js';
import { adminToken, bearer, json, placeOrder, startTestShop, type TestShop } from '../test-support/shop.js';

/**
 * Issue 16: If-Match is the write's expected stream version, so it holds
 * across processes. Two shops, each with its own connection pool and its own
 * handler cache, run on one PostgreSQL schema, as two processes of one shop
 * would: both read the order, the first writes, the second's If-Match is
 * stale and it is 412 with nothing written, though its cache still says the
 * version matches.
 */
const probe = await probePostgres('shop If-Match across processes');
const schema = testSchema();
const executors: SqlExecutor[] = [];
const shops: TestShop[] = [];
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };

afterAll(async () => {
  for (const shop of shops) await shop.stop();
  if (executors[0] !== undefined) await executors[0].query(`drop schema if exists ${schema} cascade`);
  for (const executor of executors) await executor.close();
});

const startOn = async (url: string, name: string): Promise<TestShop> => {
  const executor = createPgExecutor({ connectionString: url, max: 4, applicationName: name });
  executors.push(executor);
  const shop = await startTestShop({ store: await createPostgresEventStore(executor, { schema }) });
  shops.push(shop);
  return shop;
};

describe.skipIf(probe.url === undefined)('If-Match across two shop processes on one PostgreSQL', () => {
  it("the second writer's stale If-Match is 412 and writes nothing; with the current ETag it passes", async () => {
    const a = await startOn(probe.url!, 'shop-if-match-a');
    const b = await startOn(probe.url!, 'shop-if-match-b');
    const [tokenA, tokenB] = [await adminToken(a.url), await adminToken(b.url)];
    await placeOrder(a.url, checkoutBody({ orderId: 'im-1', orderNumber: 'SO-IM-1', customer: olga }));
    const readA = await fetch(`${a.url}/api/orders/im-1`, { headers: bearer(tokenA) });
    const readB = await fetch(`${b.url}/api/orders/im-1`, { headers: bearer(tokenB) });
    const etag = readA.headers.get('etag')!;
    expect(readB.headers.get('etag')).toBe(etag);

    const first = await fetch(
      `${a.url}/api/orders/im-1/commands/ProcessOrder`,
      json({ status: 'Packing' }, { ...bearer(tokenA), 'if-match': etag }),
    );
    expect(first.status).toBe(200);
    const after = first.headers.get('etag')!;
    expect(after).not.toBe(etag);

    // b's cache is still at `etag`: only the write itself can tell it is stale.
    const second = await fetch(
      `${b.url}/api/orders/im-1/commands/ProcessOrder`,
      json({ status: 'Packed' }, { ...bearer(tokenB), 'if-match': etag }),
    );
    expect(second.status).toBe(412);
    const body = (await second.json()) as { code: string; expected: number; actual: number };
    expect(body).toMatchObject({ code: 'version-mismatch', status: 412, expected: Number(etag.slice(2, -1)) });
    expect(body.actual).toBeGreaterThan(body.expected);
    const now = await fetch(`${a.url}/api/orders/im-1`, { headers: bearer(tokenA) });
    expect(now.headers.get('etag')).toBe(after);
    expect((await a.shop.order('im-1'))!.state.processing.status).toBe('Packing');

    // The ETag b answers now is current: the same command passes.
    const fresh = (await fetch(`${b.url}/api/orders/im-1`, { headers: bearer(tokenB) })).headers.get('etag')!;
    expect(fresh).toBe(after);
    const third = await fetch(
      `${b.url}/api/orders/im-1/commands/ProcessOrder`,
      json({ status: 'Packed' }, { ...bearer(tokenB), 'if-match': fresh }),
    );
    expect(third.status).toBe(200);
  }, 60_000);
});
