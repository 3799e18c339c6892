import { loadavg } from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { createCommandHandler, createEnvelopeDecoder, newId, type Envelope } from '@ordersource/core';
import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresEventStore,
  createSqlProjection,
  type PostgresEventStore,
  type SqlExecutor,
  type SqlProjection,
} from '@ordersource/postgres';
import { cartDecider, cartEventCodec } from './cart.js';
import { cartCommands, cartWorkload } from './cart-workload.js';
import { emmettCartHandler } from './emmett-cart.js';
import { formatGrowth, runGrowth } from './postgres/growth.js';
import { formatStreamLength, runStreamLength } from './postgres/stream-length.js';
import { handRolledLifecycle, ordersourceLifecycle } from './postgres/lifecycle.js';
import { formatDbTable, type DbRow } from './postgres/table.js';
import { absolute, measureRounds, type DbCase } from './postgres/measure.js';
import {
  batchOf,
  concurrently,
  createRawTables,
  orderEvent,
  rawEventInsert,
  rawMinimalInsert,
  uniqueName,
} from './postgres/workloads.js';

/**
 * PostgreSQL suites: (a) single-event appends from 8 writers against raw
 * single-row INSERT transactions (same synchronous commit), (b) 100-event
 * batches, (c) subscription catch-up into a projection, (d) command handling
 * against Emmett 0.42 on the same server. (b) and (c) again on PGlite in
 * memory. Loopback servers only; every loop is bounded.
 */
const ROUNDS = 5;
const LOAD_ROUNDS = 15;
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const isLoopback = (url: string): boolean => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

const reachable = async (url: string): Promise<string | undefined> => {
  const probe = createPgExecutor({ connectionString: url, max: 1 });
  try {
    await probe.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await probe.close().catch(() => undefined);
  }
};

/** (b): 8 writers, each appending 100-event batches to its own fresh stream. */
const batchCase = (store: PostgresEventStore, writers: number, batches: number): DbCase => ({
  name: 'ordersource, 100-event batches',
  prepare: async () => {
    const run = newId();
    const inputs = Array.from({ length: writers }, () => Array.from({ length: batches }, () => batchOf(100)));
    return async () => {
      await concurrently(writers, batches, async (w, i) => {
        const result = await store.append(`batch-${run}-${w}`, inputs[w]![i]!, i === 0 ? 'no-stream' : i * 100 - 1);
        if (E.isLeft(result)) throw new Error(result.left.message);
      });
      return writers * batches * 100;
    };
  },
});

/** Fill a stream family for the catch-up cases (untimed). */
const preload = async (store: PostgresEventStore, prefix: string, events: number): Promise<void> => {
  await concurrently(4, events / 400, async (w, i) => {
    const result = await store.append(`${prefix}${w}`, batchOf(100), i === 0 ? 'no-stream' : i * 100 - 1);
    if (E.isLeft(result)) throw new Error(result.left.message);
  });
};

/** (c): a subscription from zero folding into an in-memory projection, until caught up. */
const catchUpCase = (store: PostgresEventStore, prefix: string): DbCase => ({
  name: 'ordersource, subscription catch-up',
  prepare: async () => async () => {
    const totals = new Map<string, number>();
    let seen = 0;
    const sub = store.subscribe(
      undefined,
      (envelope) => {
        seen++;
        const data = envelope.event.data as { cents: number; qty: number };
        totals.set(envelope.event.type, (totals.get(envelope.event.type) ?? 0) + data.cents * data.qty);
      },
      { streamPrefix: prefix },
    );
    await sub.caughtUp;
    await sub.close();
    return seen;
  },
});

const SKU_UPSERT = (table: string) =>
  `insert into ${table} values ($1, $2) on conflict (sku) do update set qty = sku_totals.qty + excluded.qty`;

/** One multi-row upsert for a page: quantities summed per sku first, then unnest, one round trip. */
const upsertPage = async (
  tx: Parameters<NonNullable<SqlProjection['handleBatch']>>[0],
  table: string,
  envelopes: readonly Envelope[],
): Promise<void> => {
  const totals = new Map<string, number>();
  for (const envelope of envelopes) {
    const data = envelope.event.data as { sku: string; qty: number };
    totals.set(data.sku, (totals.get(data.sku) ?? 0) + data.qty);
  }
  await tx.query(
    `insert into ${table} select * from unnest($1::text[], $2::bigint[])
     on conflict (sku) do update set qty = sku_totals.qty + excluded.qty`,
    [[...totals.keys()], [...totals.values()]],
  );
};

/**
 * (c'): a table projection from zero, the checkpoint committed with each page
 * of 1,000 events in the same transaction. `batched`: one upsert per page
 * (`handleBatch`); otherwise one UPSERT per event (`handle`). `rebuild` resets
 * the table and the checkpoint first; otherwise a new projection catches up.
 */
const sqlProjectionCase = (
  store: PostgresEventStore,
  executor: SqlExecutor,
  prefix: string,
  batched: boolean,
  rebuild: boolean,
): DbCase => ({
  name: `ordersource, SQL table projection ${rebuild ? 'rebuild' : 'catch-up'}${batched ? ', batched' : ''}`,
  prepare: async () => {
    const table = `"${store.schema}".sku_totals`;
    await executor.query(`create table if not exists ${table} (sku text primary key, qty bigint not null)`);
    if (!rebuild) await executor.query(`truncate ${table}`);
    const runner = createSqlProjection(store, {
      // A catch-up starts from no checkpoint: a name of its own per sample.
      name: rebuild ? `sku-totals${batched ? '-batched' : ''}` : `sku-totals-${newId()}`,
      filter: { streamPrefix: prefix },
      handle: async (tx, envelope) => {
        const data = envelope.event.data as { sku: string; qty: number };
        await tx.query(SKU_UPSERT(table), [data.sku, data.qty]);
      },
      ...(batched ? { handleBatch: (tx, envelopes) => upsertPage(tx, table, envelopes) } : {}),
      reset: async (tx) => {
        await tx.query(`truncate ${table}`);
      },
    } satisfies SqlProjection);
    return () => (rebuild ? runner.rebuild() : runner.catchUp());
  },
});

/** (e): load one 10,000-event cart stream on a cache miss, against a raw SELECT of its rows + JSON.parse. */
const loadRows = async (store: PostgresEventStore, executor: SqlExecutor): Promise<DbRow[]> => {
  const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
  const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
  const streamId = `cart-long-${newId()}`;
  // Written as 100 batches of 100 (untimed): the same events the kernel suite folds, with real envelopes.
  const commands = cartCommands('customer-long', 9_999, 25);
  const events = commands.slice(0, -1).map((command) => ({
    event: { type: 'ProductItemAdded', data: command.data },
    eventId: newId(),
    occurredAt: command.metadata.at,
    actor: command.metadata.actor,
    causationId: command.metadata.commandId,
    correlationId: command.metadata.commandId,
  }));
  for (let i = 0; i < events.length; i += 100) {
    const appended = await store.append(streamId, events.slice(i, i + 100), i === 0 ? 'no-stream' : i - 1);
    if (E.isLeft(appended)) throw new Error(appended.left.message);
  }
  const table = `"${store.schema}".events`;
  const [ours, raw] = await measureRounds(
    [
      {
        name: 'ordersource handler.load(), cache miss',
        prepare: async () => async () => {
          handler.evict(streamId);
          const loaded = await handler.load(streamId);
          if (E.isLeft(loaded)) throw new Error(loaded.left.message);
          return events.length;
        },
      },
      {
        name: 'raw SELECT + JSON.parse',
        prepare: async () => async () => {
          const rows = await executor.query(
            `select event_type, data::text as data, event_id, stream_version, causation_id from ${table}
              where stream_id = $1 order by stream_version`,
            [streamId],
          );
          let parsed = 0;
          for (const row of rows) if (JSON.parse(row['data'] as string) !== null) parsed++;
          return parsed;
        },
      },
    ],
    // A load takes tens of milliseconds: more rounds cost a second and settle the median.
    LOAD_ROUNDS,
  );
  return [
    {
      label: '(e) load a 10,000-event stream, cache miss',
      measured: ours!,
      unit: 'events',
      baseline: { label: 'raw SELECT + JSON.parse', measured: raw! },
      target: 0.8,
    },
  ];
};

const serverRows = async (url: string): Promise<DbRow[]> => {
  const schema = uniqueName('bench_pg');
  const executor = createPgExecutor({ connectionString: url, max: 12 });
  const store = await createPostgresEventStore(executor, { schema });
  // The same tables, appends grouped into shared commits (issue 18).
  const grouped = await createPostgresEventStore(executor, { schema, groupCommit: true });
  const rows: DbRow[] = [];
  try {
    await createRawTables(executor, schema);

    // (a) single-event appends, 8 writers.
    const writers = 8;
    const each = 150;
    const appendCase = (name: string, target: PostgresEventStore): DbCase => ({
      name,
      prepare: async () => {
        const run = newId();
        const events = Array.from({ length: writers * each }, (_, i) => orderEvent(i));
        return () =>
          concurrently(writers, each, async (w, i) => {
            const result = await target.append(
              `single-${run}-${w}`,
              [events[w * each + i]!],
              i === 0 ? 'no-stream' : i - 1,
            );
            if (E.isLeft(result)) throw new Error(result.left.message);
          });
      },
    });
    const [ours, minimal, sameSchema, groupCommit] = await measureRounds(
      [
        appendCase('ordersource append', store),
        {
          name: 'raw INSERT, minimal table',
          prepare: async () => {
            const events = Array.from({ length: writers * each }, (_, i) => orderEvent(i));
            return () =>
              concurrently(writers, each, (w, i) =>
                rawMinimalInsert(executor, schema, `s-${w}`, events[w * each + i]!),
              );
          },
        },
        {
          name: 'raw INSERT, same columns and constraints',
          prepare: async () => {
            const run = newId();
            const events = Array.from({ length: writers * each }, (_, i) => orderEvent(i));
            return () =>
              concurrently(writers, each, (w, i) =>
                rawEventInsert(executor, schema, `s-${run}-${w}`, i, events[w * each + i]!),
              );
          },
        },
        appendCase('ordersource append, group commit', grouped),
      ],
      ROUNDS,
    );
    rows.push(
      {
        label: '(a) single-event appends, 8 writers',
        measured: ours!,
        unit: 'appends',
        baseline: { label: 'raw INSERT, minimal table', measured: minimal! },
        target: 0.8,
      },
      {
        label: '(a) single-event appends, 8 writers',
        measured: ours!,
        unit: 'appends',
        baseline: { label: 'raw INSERT, same columns + constraints', measured: sameSchema! },
        target: 0.8,
      },
      {
        label: '(a) single-event appends, 8 writers, groupCommit: true',
        measured: groupCommit!,
        unit: 'appends',
        baseline: { label: 'raw INSERT, same columns + constraints', measured: sameSchema! },
        target: 0.8,
      },
    );

    // (b) 100-event batches.
    const [batches] = await measureRounds([batchCase(store, 8, 5)], ROUNDS);
    rows.push({
      label: '(b) 100-event batches, 8 writers',
      measured: batches!,
      unit: 'events',
      baseline: { label: 'absolute 20 k events/s', measured: absolute(20_000, ROUNDS) },
      target: 1,
    });

    // (c) catch-up.
    const prefix = `catchup-${newId()}-`;
    await preload(store, prefix, 20_000);
    const [catchUp] = await measureRounds([catchUpCase(store, prefix)], ROUNDS);
    rows.push({
      label: '(c) subscription catch-up, 20k events',
      measured: catchUp!,
      unit: 'events',
      baseline: { label: 'absolute 50 k events/s', measured: absolute(50_000, ROUNDS) },
      target: 1,
    });
    const fifty = { label: 'absolute 50 k events/s', measured: absolute(50_000, 3) };
    const [perEvent, batchedRebuild, batchedCatchUp] = await measureRounds(
      [
        sqlProjectionCase(store, executor, prefix, false, true),
        sqlProjectionCase(store, executor, prefix, true, true),
        sqlProjectionCase(store, executor, prefix, true, false),
      ],
      3,
    );
    rows.push(
      { label: "(c') SQL projection rebuild, one UPSERT per event (handle)", measured: perEvent!, unit: 'events' },
      {
        label: "(c') SQL projection rebuild, one upsert per page (handleBatch)",
        measured: batchedRebuild!,
        unit: 'events',
        baseline: fifty,
        target: 1,
      },
      {
        label: "(c') SQL projection catch-up from zero (handleBatch)",
        measured: batchedCatchUp!,
        unit: 'events',
        baseline: fifty,
        target: 1,
      },
    );

    // (e) a long stream loaded on a cache miss.
    rows.push(...(await loadRows(store, executor)));

    // (d) commands: our handler vs Emmett 0.42's PostgreSQL store, 8 carts in parallel.
    rows.push(...(await commandsRows(url, store, grouped)));

    // (f) the order lifecycle: the shop runtime against a hand-rolled shop on the same server.
    rows.push(...(await lifecycleRows(url)));
  } finally {
    await store.close();
    await grouped.close();
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  }
  return rows;
};

/** (f): 40 orders, 8 at a time, place -> pay -> confirm -> ship -> deliver -> closing receipt. */
const lifecycleRows = async (url: string): Promise<DbRow[]> => {
  const orders = 40;
  const parallel = 8;
  const tuned = { concurrency: parallel, groupCommit: true } as const;
  const [running, runningTuned, drained, drainedGrouped, hand, quiet] = await measureRounds(
    [
      ordersourceLifecycle(url, orders, parallel, 'running'),
      // The shop's own settings a busy shop would pick: each policy on 8 orders at once, single-event appends grouped.
      ordersourceLifecycle(url, orders, parallel, 'running', tuned),
      ordersourceLifecycle(url, orders, parallel, 'drained'),
      ordersourceLifecycle(url, orders, parallel, 'drained', { groupCommit: true }),
      handRolledLifecycle(url, orders, parallel),
      // What the store's NOTIFY (for other processes' followers; this one polls) costs here.
      ordersourceLifecycle(url, orders, parallel, 'running', { ...tuned, notify: false }),
    ],
    3,
  );
  const baseline = { label: 'hand-rolled shop: orders in place + history', measured: hand! };
  return [
    { label: '(f) order lifecycle, shop workers running', measured: running!, unit: 'orders', baseline, target: 1 },
    {
      label: '(f) order lifecycle, workers running, concurrency 8, group commit',
      measured: runningTuned!,
      unit: 'orders',
      baseline,
      target: 1,
    },
    {
      label: '(f) order lifecycle, as above without NOTIFY',
      measured: quiet!,
      unit: 'orders',
      baseline,
    },
    {
      label: '(f) order lifecycle, policies drained in waves',
      measured: drained!,
      unit: 'orders',
      baseline,
      target: 1,
    },
    {
      label: '(f) order lifecycle, drained in waves, group commit',
      measured: drainedGrouped!,
      unit: 'orders',
      baseline,
      target: 1,
    },
  ];
};

const commandsRows = async (url: string, store: PostgresEventStore, grouped: PostgresEventStore): Promise<DbRow[]> => {
  // Emmett creates its tables in the first schema of the search_path: give it its own.
  const emmettSchema = uniqueName('bench_emmett');
  const admin = createPgExecutor({ connectionString: url, max: 1 });
  await admin.query(`create schema "${emmettSchema}"`);
  const emmettUrl = new URL(url);
  emmettUrl.searchParams.set('options', `-c search_path=${emmettSchema}`);
  const emmett = getPostgreSQLEventStore(emmettUrl.toString());
  const carts = 16;
  const commandsPerCart = 20;
  const parallel = 8;
  const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
  try {
    const drive = async (
      handle: (streamId: string, command: (typeof workload)[number]['commands'][number]) => Promise<void>,
      workload: ReturnType<typeof cartWorkload>,
    ) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          for (let cart = next++; cart < workload.length; cart = next++)
            for (const command of workload[cart]!.commands) await handle(workload[cart]!.streamId, command);
        }),
      );
      return workload.length * commandsPerCart;
    };
    const oursOn = (name: string, target: PostgresEventStore): DbCase => ({
      name,
      prepare: async () => {
        const run = newId();
        const workload = cartWorkload(carts, commandsPerCart).map((cart) => ({
          ...cart,
          streamId: `${cart.streamId}-${run}`,
        }));
        const handler = createCommandHandler({ store: target, decider: cartDecider, decodeEnvelope });
        return () =>
          drive(async (streamId, command) => {
            const result = await handler.handle(streamId, command);
            if (E.isLeft(result)) throw new Error(result.left.message);
          }, workload);
      },
    });
    const [ours, theirs, oursGrouped] = await measureRounds(
      [
        oursOn('ordersource command handler', store),
        {
          name: 'Emmett 0.42 PostgreSQL',
          prepare: async () => {
            const run = newId();
            const workload = cartWorkload(carts, commandsPerCart).map((cart) => ({
              ...cart,
              streamId: `${cart.streamId}-${run}`,
            }));
            return () =>
              drive(async (streamId, command) => {
                await emmettCartHandler(emmett, streamId, command);
              }, workload);
          },
        },
        // The store's own option for many writers (docs/postgres.md): concurrent appends share a commit.
        oursOn('ordersource command handler, group commit', grouped),
      ],
      ROUNDS,
    );
    const baseline = { label: 'Emmett 0.42 PostgreSQL (spread evolve)', measured: theirs! };
    return [
      // Issue 18: at least 3x Emmett as its docs write it.
      { label: '(d) cart commands, 8 carts in parallel', measured: ours!, unit: 'commands', baseline, target: 3 },
      {
        label: '(d) cart commands, 8 carts in parallel, groupCommit: true',
        measured: oursGrouped!,
        unit: 'commands',
        baseline,
        target: 3,
      },
    ];
  } finally {
    await emmett.close();
    await admin.query(`drop schema if exists "${emmettSchema}" cascade`);
    await admin.close();
  }
};

const pgliteRows = async (): Promise<DbRow[]> => {
  const executor = await createPgliteExecutor();
  const store = await createPostgresEventStore(executor, { schema: 'bench' });
  try {
    const [batches] = await measureRounds([batchCase(store, 1, 40)], ROUNDS);
    const prefix = 'catchup-';
    await preload(store, prefix, 20_000);
    const [catchUp] = await measureRounds([catchUpCase(store, prefix)], ROUNDS);
    return [
      {
        label: '(b) PGlite: 100-event batches',
        measured: batches!,
        unit: 'events',
        baseline: { label: 'absolute 20 k events/s', measured: absolute(20_000, ROUNDS) },
        target: 1,
      },
      {
        label: '(c) PGlite: subscription catch-up, 20k events',
        measured: catchUp!,
        unit: 'events',
        baseline: { label: 'absolute 50 k events/s', measured: absolute(50_000, ROUNDS) },
        target: 1,
      },
    ];
  } finally {
    await store.close();
    await executor.close();
  }
};

/**
 * Growth: 10 k, 100 k, 1 M and 10 M events in the table, the catch-up over all of them at the end
 * (about 2.5 minutes and 3-4 GB of table on a quiet 2-core machine, dropped after);
 * ORDERSOURCE_BENCH_GROWTH_MAX=1000000 stops at 1 M.
 */
const growthSection = async (url: string): Promise<void> => {
  const max = Number(process.env['ORDERSOURCE_BENCH_GROWTH_MAX'] ?? 10_000_000);
  const levels = [10_000, 100_000, 1_000_000, 10_000_000].filter((level) => level <= max);
  const executor = createPgExecutor({ connectionString: url, max: 10 });
  try {
    console.log(
      `\nGrowth on PostgreSQL (load average before: ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')})`,
    );
    const report = await runGrowth(
      executor,
      levels,
      3,
      new URL('../../../docs/performance-pg-growth.svg', import.meta.url),
    );
    console.log(formatGrowth(report));
    console.log('chart: docs/performance-pg-growth.svg');
    console.log('\nLoad against stream length on PostgreSQL, handler.load() after evict(), median of 3 (wall clock)');
    const lengths = await runStreamLength(
      executor,
      [1_000, 10_000, 100_000],
      3,
      new URL('../../../docs/performance-pg-stream-length.svg', import.meta.url),
    );
    console.log(formatStreamLength(lengths));
    console.log('chart: docs/performance-pg-stream-length.svg');
  } finally {
    await executor.close();
  }
};

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

/** `pnpm bench -- --only lifecycle`: the order lifecycle (f) alone, on the server. */
export async function runLifecycleBenchmark(): Promise<void> {
  const url = process.env['ORDERSOURCE_PG_URL'] ?? DEFAULT_URL;
  console.log(`\nThe order lifecycle on PostgreSQL; load average before: ${load()}`);
  const problem = isLoopback(url) ? await reachable(url) : `${new URL(url).hostname} is not a loopback address`;
  if (problem !== undefined) {
    console.log(`skipped: ${problem}`);
    return;
  }
  console.log(formatDbTable(await lifecycleRows(url)));
  console.log(`load average after: ${load()}`);
}

/** (e) alone, on a schema of its own: `ORDERSOURCE_PG_ONLY=e pnpm bench -- --only postgres`. */
const loadOnlyRows = async (url: string): Promise<DbRow[]> => {
  const schema = uniqueName('bench_pg');
  const executor = createPgExecutor({ connectionString: url, max: 12 });
  const store = await createPostgresEventStore(executor, { schema });
  try {
    return await loadRows(store, executor);
  } finally {
    await store.close();
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  }
};

export async function runPostgresBenchmarks(): Promise<void> {
  const url = process.env['ORDERSOURCE_PG_URL'] ?? DEFAULT_URL;
  if (process.env['ORDERSOURCE_PG_ONLY'] === 'e') {
    console.log(`\n(e) alone on PostgreSQL; load average before: ${load()}`);
    const problem = isLoopback(url) ? await reachable(url) : `${new URL(url).hostname} is not a loopback address`;
    console.log(problem === undefined ? formatDbTable(await loadOnlyRows(url)) : `skipped: ${problem}`);
    console.log(`load average after: ${load()}`);
    return;
  }
  console.log(`\nPostgreSQL and PGlite (ordersource event store); load average before: ${load()}`);
  const rows: DbRow[] = [];
  if (!isLoopback(url)) {
    console.log(`server suites skipped: ${new URL(url).hostname} is not a loopback address (benchmarks stay local)`);
  } else {
    const problem = await reachable(url);
    if (problem === undefined) rows.push(...(await serverRows(url)));
    else console.log(`server suites skipped: no PostgreSQL at ORDERSOURCE_PG_URL / ${DEFAULT_URL}: ${problem}`);
  }
  rows.push(...(await pgliteRows()));
  console.log(formatDbTable(rows));
  if (isLoopback(url) && (await reachable(url)) === undefined) await growthSection(url);
  console.log(`load average after: ${load()} (absolute figures drop when other processes share the cores)`);
}
