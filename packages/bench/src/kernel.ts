import type { Settings } from './harness.js';
import { CART_SHAPES, runCartSuite } from './kernel/cart-suite.js';
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

  const failed = rows.filter((row) => verdictOf(row) === 'FAIL').length;
  return { rows, failed };
};
