import type { Settings } from './harness.js';
import { runCartSuite } from './kernel/cart-suite.js';
import { runRehydrateSuite } from './kernel/rehydrate-suite.js';
import { formatTable, verdictOf, type Row } from './table.js';

/**
 * The kernel suites: our command handler against Emmett 0.42 and against a
 * loop with no store, then rehydration against a bare fold. Every figure
 * that decides pass or fail is a ratio between cases of the same run.
 */

export const FULL: Settings = { warmupSamples: 2, rounds: 15, minSampleMs: 120 };
export const QUICK: Settings = { warmupSamples: 1, rounds: 3, minSampleMs: 40 };

export type KernelReport = Readonly<{ rows: readonly Row[]; failed: number }>;

export const runKernelBenchmarks = async (settings: Settings = FULL): Promise<KernelReport> => {
  console.log('\nShopping cart: 1,000 carts x 20 commands (19 add-item, 1 confirm)');
  const cart = await runCartSuite(settings);
  console.log(formatTable(cart));

  console.log('\nRehydrate one 10,000-event stream');
  const rehydrate = await runRehydrateSuite(settings);
  console.log(formatTable(rehydrate));

  const rows = [...cart, ...rehydrate];
  const failed = rows.filter((row) => verdictOf(row) === 'FAIL').length;
  return { rows, failed };
};
