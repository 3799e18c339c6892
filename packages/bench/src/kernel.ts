import { writeFileSync } from 'node:fs';
import { lineChart } from './chart.js';
import type { Settings } from './harness.js';
import { CART_SHAPES, runCartSuite } from './kernel/cart-suite.js';
import { flatVerdict } from './flatness.js';
import { runGrowthSuite, type Growth } from './kernel/growth-suite.js';
import {
  readModelCatchUp,
  readModelMemory,
  runReadModelSuite,
  type ReadModelGrowth,
} from './kernel/read-model-suite.js';
import { runRehydrateSuite } from './kernel/rehydrate-suite.js';
import { formatTable, verdictOf, type Row } from './table.js';

/**
 * The kernel suites: our command handler against idiomatic Emmett 0.42 and
 * against the limit of the same work (decide + evolve in place, no store),
 * then rehydration against a bare fold. Every figure that decides pass or
 * fail is a ratio between cases of the same run.
 */

export const FULL: Settings = { warmupSamples: 2, rounds: 15, minSampleMs: 120 };
export const QUICK: Settings = { warmupSamples: 1, rounds: 3, minSampleMs: 40 };

/** Longer carts cost Emmett seconds per sample: fewer rounds there. */
const LONG_CART_ROUNDS = 7;

export type KernelReport = Readonly<{ rows: readonly Row[]; failed: number }>;

const count = (n: number): string => n.toLocaleString('en-US');

export const runKernelBenchmarks = async (settings: Settings = FULL): Promise<KernelReport> => {
  const rows: Row[] = [];
  for (const shape of CART_SHAPES) {
    const adds = shape.commandsPerCart - 1;
    console.log(
      `\nShopping cart: ${count(shape.carts)} carts x ${count(shape.commandsPerCart)} commands (${count(adds)} add-item, 1 confirm)`,
    );
    const rounds = shape.targets ? settings.rounds : Math.min(settings.rounds, LONG_CART_ROUNDS);
    const cart = await runCartSuite(shape, { ...settings, rounds });
    console.log(formatTable(cart));
    rows.push(...cart);
  }

  console.log('\nRehydrate one 10,000-event stream');
  const rehydrate = await runRehydrateSuite(settings);
  console.log(formatTable(rehydrate));
  rows.push(...rehydrate);

  console.log('\nGrowth: a cache-miss load against the stream length, and heap per cached cart');
  const growth = await runGrowthSuite(settings.rounds);
  console.log(formatGrowth(growth));
  writeFileSync(GROWTH_CHART, growthChart(growth));
  console.log(`chart written to ${GROWTH_CHART.pathname}`);

  console.log('\nGrowth of an in-memory read model: one event folded into the orders model as it grows (CPU time)');
  console.log(formatReadModel(runReadModelSuite(settings.rounds)));
  const catchUp = readModelCatchUp();
  console.log(
    `catch-up of the orders read model over ${count(catchUp.orders)} orders (${count(catchUp.events)} events, batches of 500, CPU): in place ${count(Math.round(catchUp.liveEventsPerSecond))} events/s, one produce per batch ${count(Math.round(catchUp.produceEventsPerSecond))} events/s (${(catchUp.liveEventsPerSecond / catchUp.produceEventsPerSecond).toFixed(1)}x)`,
  );
  const modelMemory = readModelMemory();
  console.log(
    modelMemory === undefined
      ? 'heap per order in the orders read model: not measured (no gc in this process)'
      : `heap per order in the orders read model (${count(modelMemory.orders)} placed orders): in place ${Math.round(modelMemory.liveBytesPerOrder).toLocaleString('en-US')} bytes, one produce ${Math.round(modelMemory.produceBytesPerOrder).toLocaleString('en-US')} bytes`,
  );

  const failed = rows.filter((row) => verdictOf(row) === 'FAIL').length;
  return { rows, failed };
};

/** Written by every kernel run; docs/performance.md shows it. */
const GROWTH_CHART = new URL('../../../docs/performance-growth.svg', import.meta.url);

const formatGrowth = (growth: Growth): string => {
  const lines = [
    '| events in the stream | load, no snapshots | load, snapshot every 1,000 events | first command after that load |',
    '|---|---|---|---|',
    ...growth.loads.map(
      ({ events, plainMs, snapshotMs, firstCommandMs }) =>
        `| ${count(events)} | ${plainMs.toFixed(2)} ms | ${snapshotMs.toFixed(2)} ms | ${firstCommandMs.toFixed(2)} ms |`,
    ),
  ];
  const { carts, bytesPerCart, orders, bytesPerOrder } = growth.memory;
  lines.push(
    '',
    flatVerdict(
      'load from a snapshot every 1,000 events',
      growth.loads.map((g) => [g.events, g.snapshotMs] as const),
      { atMost: 3 },
    ),
    bytesPerCart === undefined
      ? 'heap per cached cart: not measured (no gc in this process)'
      : `heap per cached cart (20 events, state + commandId index, ${count(carts)} carts): ${Math.round(bytesPerCart).toLocaleString('en-US')} bytes`,
    bytesPerOrder === undefined
      ? 'heap per cached order: not measured (no gc in this process)'
      : `heap per cached order (one PlaceOrder of 3 lines, state + commandId index, ${count(orders)} orders): ${Math.round(bytesPerOrder).toLocaleString('en-US')} bytes`,
  );
  return lines.join('\n');
};

const formatReadModel = (points: readonly ReadModelGrowth[]): string =>
  [
    '| orders in the model | one event folded in place (the projection worker) | one produce per batch (before issue 18; `project`) |',
    '|---|---|---|',
    ...points.map(
      ({ orders, eventMs, produceMs }) =>
        `| ${count(orders)} | ${eventMs.toFixed(3)} ms | ${produceMs.toFixed(3)} ms |`,
    ),
    '',
    flatVerdict(
      'one event folded into the orders model by the worker',
      points.map((p) => [p.orders, p.eventMs] as const),
      { atMost: 3 },
    ),
  ].join('\n');

const growthChart = (growth: Growth): string =>
  lineChart({
    title: 'Cache-miss load of one cart stream, in memory',
    xLabel: 'events in the stream (log scale)',
    yLabel: 'milliseconds',
    series: [
      { name: 'no snapshots', colour: '#c0392b', points: growth.loads.map((g) => [g.events, g.plainMs] as const) },
      {
        name: 'snapshot every 1,000',
        colour: '#2471a3',
        points: growth.loads.map((g) => [g.events, g.snapshotMs] as const),
      },
      {
        name: 'first command after a snapshot load',
        colour: '#27ae60',
        points: growth.loads.map((g) => [g.events, g.firstCommandMs] as const),
      },
    ],
  });
