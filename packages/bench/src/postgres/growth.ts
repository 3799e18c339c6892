import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { newId } from '@ordersource/core';
import { createPostgresEventStore, type SqlExecutor } from '@ordersource/postgres';
import { lineChart } from '../chart.js';
import { flatVerdict } from '../flatness.js';
import { median } from './measure.js';
import { concurrently, orderEvent, uniqueName } from './workloads.js';

/**
 * Growth on PostgreSQL (issue 18): does an append get slower as the event
 * table grows? The table is filled with one `insert ... select from
 * generate_series` per level (100 events per stream, untimed), then 8
 * writers append single events to fresh streams: throughput and the p99 of
 * one append's latency. At the largest level, a subscription catches up over
 * the whole table from zero. Writes docs/performance-pg-growth.svg.
 */

export type GrowthPoint = Readonly<{
  events: number;
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}>;

export type GrowthReport = Readonly<{
  points: readonly GrowthPoint[];
  catchUp: Readonly<{ events: number; perSecond: number }>;
}>;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Fill rows `from` .. `to` - 1 in one statement: the store's columns, 100 versions per stream. */
const fill = async (db: SqlExecutor, schema: string, from: number, to: number): Promise<void> => {
  if (to <= from) return;
  await db.query(
    `insert into "${schema}".events (stream_id, stream_version, event_id, event_type, data, occurred_at, actor,
                                   schema_version, batch_first, batch_last)
     select 'fill-' || (g / 100), g % 100, 'fill-event-' || g, 'LineAdded',
            jsonb_build_object('sku', 'SKU-' || (g % 50), 'qty', 1 + g % 3, 'cents', 1999),
            '2026-11-24T10:00:00.000Z', '{"kind":"customer","id":"customer-1"}'::jsonb, 1, g % 100, g % 100
       from generate_series($1::bigint, $2::bigint) g`,
    [from, to - 1],
  );
  await db.query(`analyze "${schema}".events`);
};

export const runGrowth = async (
  db: SqlExecutor,
  levels: readonly number[],
  rounds: number,
  chartPath: URL | undefined,
): Promise<GrowthReport> => {
  const schema = uniqueName('bench_growth');
  const store = await createPostgresEventStore(db, { schema, notify: false });
  const points: GrowthPoint[] = [];
  let filled = 0;
  try {
    for (const level of levels) {
      await fill(db, schema, filled, level);
      filled = level;
      const rates: number[] = [];
      const latencies: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const run = newId();
        const writers = 8;
        const each = 50;
        const events = Array.from({ length: writers * each }, (_, i) => orderEvent(i));
        const start = performance.now();
        await concurrently(writers, each, async (w, i) => {
          const began = performance.now();
          const result = await store.append(`grow-${run}-${w}`, [events[w * each + i]!], i === 0 ? 'no-stream' : i - 1);
          latencies.push(performance.now() - began);
          if (E.isLeft(result)) throw new Error(result.left.message);
        });
        rates.push((writers * each) / ((performance.now() - start) / 1000));
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      points.push({
        events: level,
        appendsPerSecond: median(rates),
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
      });
    }
    // Catch-up from zero over everything in the table.
    const [count] = await db.query(`select count(*)::bigint::text as n from "${schema}".events`);
    const total = Number(count?.['n']);
    let seen = 0;
    const start = performance.now();
    const subscription = store.subscribe(undefined, () => {
      seen++;
    });
    await subscription.caughtUp;
    const seconds = (performance.now() - start) / 1000;
    await subscription.close();
    if (seen !== total) throw new Error(`the catch-up saw ${seen} of ${total} events`);
    const report = { points, catchUp: { events: total, perSecond: total / seconds } };
    if (chartPath !== undefined) await writeFile(chartPath, growthChart(report));
    return report;
  } finally {
    await store.close();
    await db.query(`drop schema if exists "${schema}" cascade`);
  }
};

export const growthChart = (report: GrowthReport): string =>
  lineChart({
    title: 'PostgreSQL: single-event appends, 8 writers, as the table grows',
    xLabel: 'events already in the table',
    yLabel: 'appends/s (blue), p99 latency x 100 ms (red)',
    series: [
      { name: 'appends/s', colour: '#1f77b4', points: report.points.map((p) => [p.events, p.appendsPerSecond]) },
      { name: 'p99 ms x 100', colour: '#d62728', points: report.points.map((p) => [p.events, p.p99Ms * 100]) },
    ],
  });

export const formatGrowth = (report: GrowthReport): string =>
  [
    '| events in the table | appends/s (8 writers) | p50 latency | p99 latency |',
    '| ------------------- | --------------------- | ----------- | ----------- |',
    ...report.points.map(
      (p) =>
        `| ${p.events.toLocaleString('en-US')} | ${p.appendsPerSecond.toFixed(0)} | ${p.p50Ms.toFixed(1)} ms | ${p.p99Ms.toFixed(1)} ms |`,
    ),
    '',
    flatVerdict(
      'appends/s as the table grows',
      report.points.map((p) => [p.events, p.appendsPerSecond] as const),
      { atLeast: 0.8 },
    ),
    flatVerdict(
      'p99 latency as the table grows',
      report.points.map((p) => [p.events, p.p99Ms] as const),
      { atMost: 3 },
    ),
    `catch-up from zero over ${report.catchUp.events.toLocaleString('en-US')} events: ${(report.catchUp.perSecond / 1000).toFixed(1)} k events/s`,
  ].join('\n');
