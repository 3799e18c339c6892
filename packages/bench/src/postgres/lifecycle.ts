import * as E from 'fp-ts/lib/Either.js';
import { newId, sleep, type Actor } from '@ordersource/core';
import { orderExamples, orderStreamId } from '@ordersource/domain';
import { receiptsStreamId } from '@ordersource/domain/receipts';
import {
  createPgExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
  type SqlExecutor,
  type SqlQueryable,
} from '@ordersource/postgres';
// The runtime is reached by path, as scale-out.ts does: the bench package does not depend on it.
import { createShop } from '../../../runtime/src/shop.js';
import type { DbCase } from './measure.js';

/**
 * Issue 18, the user's real alternative: the whole order lifecycle on one
 * PostgreSQL server, two ways.
 *
 * - ordersource: `createShop` on the PostgreSQL event store with its
 *   checkpoints, timers and parked events in the same database. The
 *   storefront places the order, the provider authorizes and captures, the
 *   policies record and confirm it and the receipts policy issues the
 *   prepayment receipt (one `runUntilIdle`), the admin ships and marks it
 *   delivered, and the policies lock it and issue the closing receipt (a
 *   second `runUntilIdle`). Every step keeps its events, every command is
 *   idempotent by its commandId, every receipt is a stream of its own.
 * - hand-rolled: what a competent developer writes without a framework. An
 *   `orders` row updated in place, an `order_history` row per step and a
 *   `receipts` row per receipt; one transaction per step, each step's status
 *   check in the UPDATE's WHERE (no row back: refused, rolled back), the
 *   checkout's totals checked in code before the insert.
 *
 * Both run `parallel` orders at a time and must end with every order
 * delivered and two receipts each (checked after each timed run).
 */

const { actors, sampleCheckout, sampleLines } = orderExamples;
const customer: Actor = { ...actors.customer, name: 'Lan Nguyen' };
const admin: Actor = actors.admin;
const provider: Actor = actors.provider;
const AT = '2026-11-01T10:00:00.000Z';

/** The domain's sample checkout with its physical line only, so both shops close on one delivery. */
const checkout = (orderId: string) =>
  sampleCheckout({
    orderId,
    orderNumber: `SO-${orderId}`,
    paymentId: `${orderId}-pay`,
    lines: sampleLines.filter((line) => line.kind === 'physical'),
  });

type Checkout = ReturnType<typeof checkout>;

const raw = (type: string, data: unknown, actor: Actor) => ({
  type,
  data,
  metadata: { commandId: newId(), actor, at: AT },
});

/** `parallel` loops over `items`, each taking the next item when it is done with one. */
const pooled = async <T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
};

/** Cases that create a schema per sample drop it after the sample, untimed. */
const cleanups = () => {
  const pending: (() => Promise<void>)[] = [];
  return {
    later: (drop: () => Promise<void>) => void pending.push(drop),
    cleanup: async () => {
      for (const drop of pending.splice(0)) await drop();
    },
  };
};

/**
 * `running`: the shop's workers run beside the commands (`start()`, as in
 * production); each order's admin waits for the policies' confirmation
 * before shipping, and the order is done when it is locked and its closing
 * receipt issued. `drained`: the same commands in two waves, the policies
 * run in between by `runUntilIdle()` (a batch job's way).
 */
export type LifecycleMode = 'running' | 'drained';

/** How the ordersource case is set up: the store's group commit, the shop's shared log reader, a probed executor. */
export type LifecycleSetup = Readonly<{
  groupCommit?: boolean;
  sharedLog?: boolean;
  /** The running workers' `concurrency` (events of different orders each reactor handles at once). */
  concurrency?: number;
  /** The store's NOTIFY after appends (default on, as for pg): only other processes' followers listen. */
  notify?: boolean;
  executor?: (options: Readonly<{ connectionString: string; max: number }>) => SqlExecutor;
}>;

export const ordersourceLifecycle = (
  url: string,
  orders: number,
  parallel: number,
  mode: LifecycleMode,
  setup: LifecycleSetup = {},
): DbCase => {
  const { later, cleanup } = cleanups();
  const variant = [
    ...(setup.groupCommit === true ? ['group commit'] : []),
    ...(setup.sharedLog === false ? ['a log reader per consumer'] : []),
    ...(setup.concurrency === undefined ? [] : [`concurrency ${setup.concurrency}`]),
    ...(setup.notify === false ? ['no NOTIFY'] : []),
  ];
  return {
    name: `ordersource shop on PostgreSQL, ${mode === 'running' ? 'workers running' : 'policies drained in waves'}${variant.map((v) => `, ${v}`).join('')}`,
    cleanup,
    prepare: async () => {
      const schema = `bench_shop_${newId().replaceAll('-', '').slice(-12)}`;
      const executor = (setup.executor ?? createPgExecutor)({ connectionString: url, max: 20 });
      const store = await createPostgresEventStore(executor, {
        schema,
        groupCommit: setup.groupCommit === true,
        ...(setup.notify === undefined ? {} : { notify: setup.notify }),
      });
      const shop = createShop({
        ...(setup.sharedLog === undefined ? {} : { sharedLog: setup.sharedLog }),
        ...(setup.concurrency === undefined ? {} : { concurrency: setup.concurrency }),
        store,
        checkpoints: createPostgresCheckpointStore(executor, { schema }),
        timers: createPostgresTimerStore(executor, { schema }),
        parked: createPostgresParkedStore(executor, { schema }),
      });
      // A shop that has run before, as a service's is: its consumers loaded their checkpoints and parked
      // lists (two queries each, 19 consumers), which is process start-up, not the orders' cost.
      await shop.runUntilIdle();
      const ids = Array.from({ length: orders }, (_, i) => `o-${i}`);
      const must = async (streamId: string, input: unknown) => {
        const result = await shop.execute(streamId, input);
        if (E.isLeft(result)) throw new Error(`${streamId}: ${result.left.message}`);
      };
      later(async () => {
        await store.close();
        await executor.query(`drop schema if exists "${schema}" cascade`);
        await executor.close();
      });
      /** Poll the handlers' cached state (no query on a hit) until the running policies got there. */
      const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
        for (let polls = 0; polls < 30_000; polls++) {
          if (await done()) return;
          await sleep(2);
        }
        // Say which worker is stuck, if one is: its failing event or its last error.
        const stuck = (await shop.health()).consumers.filter(
          (c) => c.failing !== undefined || c.lastError !== undefined,
        );
        throw new Error(`${what}: not reached; ${JSON.stringify(stuck)}`);
      };
      const confirmed = (stream: string) =>
        until(`${stream} confirmed`, async () => {
          const order = await shop.handlers.order.load(stream);
          return E.isRight(order) && order.right.state.status === 'confirmed';
        });
      const closed = (id: string) =>
        until(`order ${id} closed`, async () => {
          const order = await shop.handlers.order.load(orderStreamId(id));
          if (!E.isRight(order) || order.right.state.locked === undefined) return false;
          const receipts = await shop.handlers.receipts.load(receiptsStreamId(id));
          return E.isRight(receipts) && receipts.right.state.closingReceiptId !== null;
        });
      const pay = async (id: string): Promise<void> => {
        const stream = orderStreamId(id);
        await must(stream, raw('PlaceOrder', checkout(id), customer));
        await must(stream, raw('AuthorizePayment', { paymentId: `${id}-pay`, amount: checkout(id).total }, provider));
        await must(stream, raw('CapturePayment', { paymentId: `${id}-pay` }, provider));
      };
      const deliver = async (id: string): Promise<void> => {
        const stream = orderStreamId(id);
        await must(stream, raw('ShipOrder', { shipmentId: `${id}-s`, carrier: 'CDEK' }, admin));
        await must(stream, raw('MarkDelivered', {}, admin));
      };
      const drain = async (): Promise<void> => {
        const report = await shop.runUntilIdle();
        if (report.refusals.length > 0 || report.parked.length > 0)
          throw new Error(
            `the policies refused or parked work: ${JSON.stringify(report.refusals[0] ?? report.parked[0])}`,
          );
      };
      return async () => {
        if (mode === 'running') {
          shop.start();
          await pooled(ids, parallel, async (id) => {
            await pay(id);
            await confirmed(orderStreamId(id));
            await deliver(id);
            // Done when the policies locked the order and the closing receipt is issued.
            await closed(id);
          });
        } else {
          await pooled(ids, parallel, pay);
          await drain();
          await pooled(ids, parallel, deliver);
          await drain();
          await pooled(ids, parallel, closed);
        }
        await shop.stop({ timeoutMs: 60_000 });
        const view = await shop.queries.order(ids[0]!);
        const kinds = view?.receipts.map((r) => r.receipt.kind).join(',');
        if (kinds !== 'prepayment,full-settlement') throw new Error(`order ${ids[0]!}'s receipts are ${kinds}`);
        return orders;
      };
    },
  };
};

/** The checkout checks a hand-rolled shop makes before it stores an order (integer minor units, totals add up). */
const checkCheckout = (order: Checkout): void => {
  const lines = order.lines.reduce((sum, line) => {
    if (!Number.isInteger(line.qty) || line.qty <= 0) throw new Error(`line ${line.lineId}: qty`);
    if (!Number.isInteger(line.unitPrice.amount) || line.unitPrice.currency !== order.total.currency)
      throw new Error(`line ${line.lineId}: unitPrice`);
    return sum + line.qty * line.unitPrice.amount;
  }, 0);
  if (lines !== order.subtotal.amount) throw new Error('subtotal does not match the lines');
  if (order.subtotal.amount + order.shippingFee.amount - order.discount.amount !== order.total.amount)
    throw new Error('total does not match subtotal + shipping - discount');
};

const createHandRolledTables = async (db: SqlExecutor, schema: string): Promise<void> => {
  await db.query(`create schema "${schema}"`);
  await db.query(`create table "${schema}".orders (
    order_id text primary key, order_number text not null unique, status text not null,
    payment_status text not null, fulfillment_status text not null,
    total_amount bigint not null, currency text not null, paid_amount bigint not null default 0,
    payment_id text not null, shipment_id text, customer jsonb not null, lines jsonb not null,
    shipping_address jsonb not null, version integer not null default 1, updated_at timestamptz not null default now())`);
  await db.query(`create table "${schema}".order_history (
    id bigint generated always as identity primary key, order_id text not null references "${schema}".orders,
    step text not null, actor jsonb not null, data jsonb, at timestamptz not null default now())`);
  await db.query(`create index on "${schema}".order_history (order_id)`);
  await db.query(`create table "${schema}".receipts (
    id bigint generated always as identity primary key, order_id text not null references "${schema}".orders,
    kind text not null, amount bigint not null, currency text not null, lines jsonb not null,
    issued_at timestamptz not null default now(), unique (order_id, kind))`);
};

/** One step: the guarded UPDATE, its history row and any receipt, in one transaction. */
const step = async (
  db: SqlExecutor,
  schema: string,
  orderId: string,
  name: string,
  actor: Actor,
  set: string,
  guard: string,
  receipt?: string,
): Promise<void> => {
  await db.transaction(async (tx: SqlQueryable) => {
    const rows = await tx.query(
      `update "${schema}".orders set ${set}, version = version + 1, updated_at = now()
        where order_id = $1 and ${guard} returning total_amount, currency, lines`,
      [orderId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`${orderId}: ${name} refused`);
    await tx.query(`insert into "${schema}".order_history (order_id, step, actor) values ($1, $2, $3)`, [
      orderId,
      name,
      JSON.stringify(actor),
    ]);
    if (receipt !== undefined)
      await tx.query(
        `insert into "${schema}".receipts (order_id, kind, amount, currency, lines) values ($1, $2, $3, $4, $5)`,
        [orderId, receipt, row['total_amount'], row['currency'], JSON.stringify(row['lines'])],
      );
  });
};

export const handRolledLifecycle = (url: string, orders: number, parallel: number): DbCase => {
  const { later, cleanup } = cleanups();
  return {
    name: 'hand-rolled shop (orders updated in place + history)',
    cleanup,
    prepare: async () => {
      const schema = `bench_hand_${newId().replaceAll('-', '').slice(-12)}`;
      const db = createPgExecutor({ connectionString: url, max: 20 });
      await createHandRolledTables(db, schema);
      const inputs = Array.from({ length: orders }, (_, i) => checkout(`o-${i}`));
      later(async () => {
        await db.query(`drop schema if exists "${schema}" cascade`);
        await db.close();
      });
      return async () => {
        await pooled(inputs, parallel, async (order) => {
          checkCheckout(order);
          const id = order.orderId;
          await db.transaction(async (tx) => {
            await tx.query(
              `insert into "${schema}".orders (order_id, order_number, status, payment_status, fulfillment_status,
                 total_amount, currency, payment_id, customer, lines, shipping_address)
               values ($1, $2, 'placed', 'pending', 'unfulfilled', $3, $4, $5, $6, $7, $8)`,
              [
                id,
                order.orderNumber,
                order.total.amount,
                order.total.currency,
                order.paymentId,
                JSON.stringify(order.customer),
                JSON.stringify(order.lines),
                JSON.stringify(order.shippingAddress),
              ],
            );
            await tx.query(
              `insert into "${schema}".order_history (order_id, step, actor, data) values ($1, $2, $3, $4)`,
              [id, 'placed', JSON.stringify(customer), JSON.stringify({ total: order.total })],
            );
          });
          const amount = order.total.amount;
          await step(
            db,
            schema,
            id,
            'authorized',
            provider,
            `payment_status = 'authorized'`,
            `payment_status = 'pending' and status = 'placed' and total_amount = ${amount}`,
          );
          await step(
            db,
            schema,
            id,
            'captured',
            provider,
            `payment_status = 'paid', paid_amount = total_amount`,
            `payment_status = 'authorized'`,
            'prepayment',
          );
          await step(
            db,
            schema,
            id,
            'confirmed',
            admin,
            `status = 'confirmed'`,
            `status = 'placed' and payment_status = 'paid'`,
          );
          await step(
            db,
            schema,
            id,
            'shipped',
            admin,
            `fulfillment_status = 'shipped', shipment_id = order_id || '-s'`,
            `status = 'confirmed' and fulfillment_status = 'unfulfilled'`,
          );
          await step(
            db,
            schema,
            id,
            'delivered',
            admin,
            `fulfillment_status = 'delivered', status = 'locked'`,
            `fulfillment_status = 'shipped'`,
            'full-settlement',
          );
        });
        const [count] = await db.query(
          `select count(*)::int as n from "${schema}".orders o
            where o.status = 'locked' and (select count(*) from "${schema}".receipts r where r.order_id = o.order_id) = 2`,
        );
        if (count?.['n'] !== orders) throw new Error(`only ${String(count?.['n'])} of ${orders} orders completed`);
        return orders;
      };
    },
  };
};
