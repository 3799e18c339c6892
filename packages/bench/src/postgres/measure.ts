import { performance } from 'node:perf_hooks';

/**
 * Database benchmarks: each case prepares fresh inputs (untimed), then one
 * timed run performs a known number of operations. Cases that are compared
 * run in interleaved rounds (round 1 of each, then round 2, ...), so load
 * from other processes lands on every case alike, and a ratio is the median
 * of per-round ratios. Only wall-clock time is meaningful here: most of the
 * work happens in the database server, not in this process.
 */
export type DbCase = Readonly<{
  name: string;
  /** Untimed setup; returns the timed run, which resolves with the operations it performed. */
  prepare: () => Promise<() => Promise<number>>;
  /** Untimed, after each timed run (drop what `prepare` created). */
  cleanup?: () => Promise<void>;
}>;

export type DbMeasurement = Readonly<{
  name: string;
  /** Operations per second of each round. */
  samples: readonly number[];
  median: number;
  /** Median absolute deviation over the median. */
  spread: number;
}>;

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
};

const summarise = (name: string, samples: readonly number[]): DbMeasurement => {
  const middle = median(samples);
  return {
    name,
    samples,
    median: middle,
    spread: middle === 0 ? 0 : median(samples.map((value) => Math.abs(value - middle))) / middle,
  };
};

export const measureRounds = async (cases: readonly DbCase[], rounds: number): Promise<DbMeasurement[]> => {
  const samples = new Map<DbCase, number[]>(cases.map((c) => [c, []]));
  for (let round = -1; round < rounds; round++) {
    // Rotate the order each round; round -1 is a warm-up and is not kept.
    const order = cases.map((_, i) => cases[(i + Math.max(round, 0)) % cases.length] as DbCase);
    for (const benchCase of order) {
      const run = await benchCase.prepare();
      const start = performance.now();
      const ops = await run();
      const seconds = (performance.now() - start) / 1000;
      await benchCase.cleanup?.();
      if (round >= 0) samples.get(benchCase)?.push(ops / seconds);
    }
  }
  return cases.map((benchCase) => summarise(benchCase.name, samples.get(benchCase) ?? []));
};

/** An absolute target expressed as a baseline, so the table prints a ratio and a verdict. */
export const absolute = (perSecond: number, rounds: number): DbMeasurement =>
  summarise(
    'target',
    Array.from({ length: rounds }, () => perSecond),
  );
