import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { COMMAND_WINDOW, createCommandHandler, createEnvelopeDecoder, type SnapshotPolicy } from '@ordersource/core';
import { createPostgresEventStore, createPostgresSnapshotStore, type SqlExecutor } from '@ordersource/postgres';
import { cartDecider, cartEventCodec, type CartState } from '../cart.js';
import { cartCommands } from '../cart-workload.js';
import { lineChart } from '../chart.js';
import { median } from './measure.js';
import { uniqueName } from './workloads.js';
import { flatVerdict } from '../flatness.js';

/**
 * Load time against stream length on PostgreSQL (issue 18): one open cart
 * stream of each length, filled in SQL (one command per event, so one
 * commandId per event, untimed), loaded by `handler.load()` after `evict()`:
 * without snapshots; from a snapshot at the last event as the handler writes
 * it (the state and the commands of its last 1,000 events, `recentCommands`);
 * from the same snapshot listing every command the stream handled
 * (`commandIds`, as snapshots were written before, still loadable); and the
 * first new command after a load from the handler's snapshot, which looks up
 * the commands older than its window (`causationIds`, one column) and appends.
 */
export type StreamLengthPoint = Readonly<{
  events: number;
  /** Median wall-clock ms of one load. */
  noSnapshot: number;
  snapshot: number;
  snapshotWithAllCommandIds: number;
  /** Median wall-clock ms of one new command right after a load from `snapshot` (look-up and append). */
  firstCommand: number;
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
  /** Evict, load from the snapshot (untimed), then time one new command; the stream grows by one a round. */
  const timedFirstCommand = async (streamId: string): Promise<number> => {
    const times: number[] = [];
    const commands = cartCommands(`customer-${streamId}`, rounds + 1, 25);
    for (let round = -1; round < rounds; round++) {
      withSnapshots.evict(streamId);
      const loaded = await withSnapshots.load(streamId);
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      const start = performance.now();
      const handled = await withSnapshots.handle(streamId, commands[round + 1]!);
      const elapsed = performance.now() - start;
      if (E.isLeft(handled) || handled.right.duplicate) throw new Error(`the first command on ${streamId} failed`);
      if (round >= 0) times.push(elapsed);
    }
    return median(times);
  };
  try {
    for (const events of lengths) {
      const streamId = `cart-length-${events}`;
      const windowed = `${streamId}-window`;
      const withIds = `${streamId}-ids`;
      const first = `${streamId}-first`;
      for (const id of [streamId, windowed, withIds, first]) await fillStream(db, schema, id, events);
      const loaded = await plain.load(streamId);
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      const commandIds = (id: string, from: number) =>
        Array.from({ length: events - from }, (_, g) => `${id}-command-${from + g}`);
      const base = (id: string) => ({
        state: loaded.right.state,
        version: events - 1,
        schemaVersion: 1,
        eventId: `${id}-event-${events - 1}`,
      });
      // As the handler writes it: every command while the stream is within the window, else the window.
      const from = Math.max(0, events - COMMAND_WINDOW);
      const windowOf = (id: string) =>
        from === 0 ? { commandIds: commandIds(id, 0) } : { recentCommands: { from, commandIds: commandIds(id, from) } };
      for (const id of [windowed, first]) await snapshots.save(id, { ...base(id), ...windowOf(id) });
      await snapshots.save(withIds, { ...base(withIds), commandIds: commandIds(withIds, 0) });
      points.push({
        events,
        noSnapshot: await timed(plain, streamId, events),
        snapshot: await timed(withSnapshots, windowed, events),
        snapshotWithAllCommandIds: await timed(withSnapshots, withIds, events),
        firstCommand: await timedFirstCommand(first),
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
      { name: 'snapshot (recent commands)', colour: '#2ca02c', points: points.map((p) => [p.events, p.snapshot]) },
      {
        name: 'snapshot listing every command',
        colour: '#d62728',
        points: points.map((p) => [p.events, p.snapshotWithAllCommandIds]),
      },
      {
        name: 'first command after a snapshot load',
        colour: '#9467bd',
        points: points.map((p) => [p.events, p.firstCommand]),
      },
    ],
  });

export const formatStreamLength = (points: readonly StreamLengthPoint[]): string =>
  [
    '| events in the stream | load, no snapshots | load, snapshot (recent commands) | load, snapshot listing every command | first command after a snapshot load |',
    '| -------------------- | ------------------ | -------------------------------- | ------------------------------------ | ----------------------------------- |',
    ...points.map(
      (p) =>
        `| ${p.events.toLocaleString('en-US')} | ${p.noSnapshot.toFixed(1)} ms | ${p.snapshot.toFixed(1)} ms | ${p.snapshotWithAllCommandIds.toFixed(1)} ms | ${p.firstCommand.toFixed(1)} ms |`,
    ),
    '',
    flatVerdict(
      'load from a snapshot (recent commands)',
      points.map((p) => [p.events, p.snapshot] as const),
      { atMost: 3 },
    ),
  ].join('\n');
