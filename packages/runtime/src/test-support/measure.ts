// Figures for docs/runtime.md: the whole shop (every policy, the receipts
// policy, the lock, the guest customer, the read models) run in-process.
//
//   npx tsx --conditions=source packages/runtime/src/test-support/measure.ts [orders]
//
// 1. runUntilIdle: N orders placed, authorized, captured, shipped and delivered
//    through shop.execute, then the reactors run to quiescence; on the
//    in-memory store and on PGlite.
// 2. start(): the same orders while the workers run, timing from the capture
//    to its fiscal receipt (the receipts reactor's reaction latency).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventStore, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import {
  createPgliteExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
} from '@ordersource/postgres';
import { createShop, type ShopOptions } from '../shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './orders.js';

const orders = Number(process.argv[2] ?? 200);
const T = '2026-11-01T10:00:00.000Z';

const walk = (orderId: string) => [
  raw('PlaceOrder', checkoutData(orderId, { orderNumber: `SO-${orderId}` }), customer, T),
  raw('AuthorizePayment', { paymentId: `${orderId}-pay`, amount: rub(7000) }, provider, T),
  raw('CapturePayment', { paymentId: `${orderId}-pay` }, provider, T),
  raw('ShipOrder', { shipmentId: `${orderId}-s`, carrier: 'CDEK' }, admin, '2026-11-02T10:00:00.000Z'),
  raw('MarkDelivered', {}, admin, '2026-11-03T10:00:00.000Z'),
];

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const drained = async (label: string, options: ShopOptions, n: number): Promise<void> => {
  const shop = createShop(options);
  const latencies: number[] = [];
  let executing = 0;
  let draining = 0;
  let drainCpu = 0;
  let sent = 0;
  const execute = async (commands: (i: number) => ReturnType<typeof raw>[]): Promise<void> => {
    const t = performance.now();
    for (let i = 0; i < n; i++)
      for (const command of commands(i)) {
        const t0 = performance.now();
        const handled = await shop.execute(orderStreamId(`m-${i}`), command);
        latencies.push(performance.now() - t0);
        if (handled._tag === 'Left') throw new Error(`${command.type}: ${handled.left.message}`);
      }
    executing += performance.now() - t;
    const d = performance.now();
    const cpu = process.cpuUsage();
    sent += (await shop.runUntilIdle()).commands.length;
    const used = process.cpuUsage(cpu);
    drainCpu += (used.user + used.system) / 1000;
    draining += performance.now() - d;
  };
  // Checkout to captured, the policies record and confirm; then shipped and delivered, the closing receipt locks.
  await execute((i) => walk(`m-${i}`).slice(0, 3));
  await execute((i) => walk(`m-${i}`).slice(3));
  let events = 0;
  for await (const _ of options.store.readAll()) events++;
  const total = executing + draining;
  console.log(
    `${label}: ${n} orders, ${n * 5} commands through execute in ${executing.toFixed(0)} ms (p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms); ` +
      `runUntilIdle: ${sent} reactor commands in ${draining.toFixed(0)} ms (${drainCpu.toFixed(0)} ms CPU); ` +
      `${events} events stored; ${((n * 1000) / total).toFixed(1)} orders/s end to end`,
  );
};

const following = async (label: string, store: EventStore, n: number): Promise<void> => {
  const shop = createShop({ store, pollMs: 200 });
  shop.start();
  const waits: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `f-${i}`;
    const [place, authorize, capture] = walk(id);
    for (const command of [place, authorize]) await shop.execute(orderStreamId(id), command);
    const t0 = performance.now();
    await shop.execute(orderStreamId(id), capture);
    // The capture's receipt is issued by the receipts reactor, woken by the append.
    for (;;) {
      const receipts = await shop.queries.receipts(id);
      if (receipts.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    waits.push(performance.now() - t0);
  }
  const stopped = await shop.stop({ timeoutMs: 10_000 });
  console.log(
    `${label}: capture -> fiscal receipt with the workers running, ${n} orders: p50 ${percentile(waits, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(waits, 99).toFixed(1)} ms; stop drained ${String(stopped.drained)} in ${stopped.waitedMs} ms`,
  );
};

await drained('in-memory', { store: createInMemoryEventStore() }, orders);
const dataDir = await mkdtemp(join(tmpdir(), 'ordersource-measure-'));
try {
  const executor = await createPgliteExecutor({ dataDir });
  const store = await createPostgresEventStore(executor);
  await drained(
    'PGlite',
    {
      store,
      checkpoints: createPostgresCheckpointStore(executor),
      timers: createPostgresTimerStore(executor),
      parked: createPostgresParkedStore(executor),
    },
    Math.max(1, Math.floor(orders / 4)),
  );
  await store.close();
  await executor.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
await following('in-memory', createInMemoryEventStore(), Math.min(orders, 100));
