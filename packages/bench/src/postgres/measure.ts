import { performance } from 'node:perf_hooks';
import { median, type Measurement } from '../harness.js';

/**
 * Database benchmarks: each case prepares fresh inputs (untimed), then one
 * timed run performs a known number of operations. Cases that are compared
 * run in interleaved rounds (round 1 of each, then round 2, ...) so that load
 * from other processes lands on every case alike.
 */
export type DbCase = Readonly<{
  name: string;
  /** Untimed setup; returns the timed run, which resolves with the operations it performed. */
  prepare: () => Promise<() => Promise<number>>;
}>;

export const measureRounds = async (cases: readonly DbCase[], rounds: number): Promise<Measurement[]> => {
  const samples = new Map<DbCase, number[]>(cases.map((c) => [c, []]));
  for (let round = -1; round < rounds; round++) {
    // Rotate the order each round; round -1 is a warm-up and is not kept.
    const order = cases.map((_, i) => cases[(i + Math.max(round, 0)) % cases.length] as DbCase);
    for (const benchCase of order) {
      const run = await benchCase.prepare();
      const start = performance.now();
      const ops = await run();
      const seconds = (performance.now() - start) / 1000;
      if (round >= 0) samples.get(benchCase)?.push(ops / seconds);
    }
  }
  return cases.map((benchCase) => {
    const values = samples.get(benchCase) ?? [];
    const middle = median(values);
    return {
      name: benchCase.name,
      samples: values,
      median: middle,
      spread: middle === 0 ? 0 : median(values.map((value) => Math.abs(value - middle))) / middle,
    };
  });
};

/** An absolute target expressed as a baseline, so the table prints a ratio and a verdict. */
export const absolute = (perSecond: number, rounds: number): Measurement => ({
  name: 'target',
  samples: Array.from({ length: rounds }, () => perSecond),
  median: perSecond,
  spread: 0,
});
