import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { createCommandHandler, createEnvelopeDecoder, type SnapshotPolicy } from '@ordersource/core';
import { createPostgresEventStore, createPostgresSnapshotStore, type SqlExecutor } from '@ordersource/postgres';
import { cartDecider, cartEventCodec, type CartState } from '../cart.js';
import { lineChart } from '../chart.js';
import { median } from './measure.js';
import { uniqueName } from './workloads.js';

/**
 * Load time against stream length on PostgreSQL (issue 18): one open cart
 * stream of each length, filled in SQL (one command per event, so one
 * commandId per event, untimed), loaded by `handler.load()` after `evict()`:
 * without snapshots, from a snapshot at the last event as the handler writes
 * it (the state and the commandId of every command the stream handled), and
 * from the same snapshot with an empty commandId record (what a bounded
 * record would cost; the handler does not write such snapshots today).
 */
export type StreamLengthPoint = Readonly<{
  events: number;
  /** Median wall-clock ms of one load. */
  noSnapshot: number;
  snapshot: number;
  snapshotWithoutCommandIds: number;
}>;

const fillStream = async (db: SqlExecutor, schema: string, streamId: string, events: number): Promise<void> => {
  await db.query(
    `insert into "${schema}".events (stream_id, stream_version, event_id, event_type, data, occurred_at, actor,
                                   causation_id, correlation_id, schema_version, batch_first, batch_last)
     select $1, g, $1 || '-event-' || g, 'ProductItemAdded',
            jsonb_build_object('productId', 'product-' || (g % 25), 'quantity', 1, 'unitPrice', 100),
            '2026-01-01T00:00:00.000Z', '{"kind":"customer","id":"customer-long"}'::jsonb,
            $1 || '-command-' || g, $1 || '-command-' || g, 1, g, g
       from generate_series(0, $2::integer - 1) g`,
    [streamId, events],
  );
};

export const runStreamLength = async (
  db: SqlExecutor,
  lengths: readonly number[],
  rounds: number,
  chartPath: URL | undefined,
): Promise<readonly StreamLengthPoint[]> => {
  const schema = uniqueName('bench_length');
  const store = await createPostgresEventStore(db, { schema, notify: false });
  const snapshots = createPostgresSnapshotStore<CartState>(db, {
    schema,
    schemaVersion: 1,
    codec: { decode: (stored) => E.right(stored as CartState) },
  });
  const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
  const policy: SnapshotPolicy<CartState> = { store: snapshots, every: 1_000, schemaVersion: 1 };
  const plain = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
  const withSnapshots = createCommandHandler({ store, decider: cartDecider, decodeEnvelope, snapshots: policy });
  const points: StreamLengthPoint[] = [];
  const timed = async (handler: typeof plain, streamId: string, events: number): Promise<number> => {
    const times: number[] = [];
    for (let round = -1; round < rounds; round++) {
      handler.evict(streamId);
      const start = performance.now();
      const loaded = await handler.load(streamId);
      const elapsed = performance.now() - start;
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      if (loaded.right.version !== events - 1) throw new Error(`loaded version ${loaded.right.version} of ${events}`);
      if (round >= 0) times.push(elapsed);
    }
    return median(times);
  };
  try {
    for (const events of lengths) {
      const streamId = `cart-length-${events}`;
      const withIds = `${streamId}-ids`;
      const withoutIds = `${streamId}-no-ids`;
      for (const id of [streamId, withIds, withoutIds]) await fillStream(db, schema, id, events);
      const loaded = await plain.load(streamId);
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      const commandIds = (id: string) => Array.from({ length: events }, (_, g) => `${id}-command-${g}`);
      const snapshotOf = (id: string, ids: readonly string[]) =>
        snapshots.save(id, {
          state: loaded.right.state,
          version: events - 1,
          schemaVersion: 1,
          commandIds: ids,
          eventId: `${id}-event-${events - 1}`,
        });
      await snapshotOf(withIds, commandIds(withIds));
      await snapshotOf(withoutIds, []);
      points.push({
        events,
        noSnapshot: await timed(plain, streamId, events),
        snapshot: await timed(withSnapshots, withIds, events),
        snapshotWithoutCommandIds: await timed(withSnapshots, withoutIds, events),
      });
    }
    if (chartPath !== undefined) await writeFile(chartPath, streamLengthChart(points));
    return points;
  } finally {
    await store.close();
    await db.query(`drop schema if exists "${schema}" cascade`);
  }
};

export const streamLengthChart = (points: readonly StreamLengthPoint[]): string =>
  lineChart({
    title: 'PostgreSQL: handler.load() on a cache miss against stream length',
    xLabel: 'events in the stream',
    yLabel: 'ms per load',
    series: [
      { name: 'no snapshots', colour: '#1f77b4', points: points.map((p) => [p.events, p.noSnapshot]) },
      { name: 'snapshot with commandIds', colour: '#d62728', points: points.map((p) => [p.events, p.snapshot]) },
      {
        name: 'snapshot, no commandIds',
        colour: '#2ca02c',
        points: points.map((p) => [p.events, p.snapshotWithoutCommandIds]),
      },
    ],
  });

export const formatStreamLength = (points: readonly StreamLengthPoint[]): string =>
  [
    '| events in the stream | load, no snapshots | load, snapshot (state + commandIds) | load, snapshot without commandIds |',
    '| -------------------- | ------------------ | ----------------------------------- | --------------------------------- |',
    ...points.map(
      (p) =>
        `| ${p.events.toLocaleString('en-US')} | ${p.noSnapshot.toFixed(1)} ms | ${p.snapshot.toFixed(1)} ms | ${p.snapshotWithoutCommandIds.toFixed(1)} ms |`,
    ),
  ].join('\n');
