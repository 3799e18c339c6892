import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';

/**
 * A small measurement harness. Cases that are compared with each other run
 * in one group, and the group's rounds are interleaved (round 1 of every
 * case, then round 2, ...), with the order rotated each round: noise from
 * other processes on the machine then lands on every case alike, and the
 * ratios between cases stay meaningful even when absolute figures drift.
 *
 * Each sample is timed twice: wall clock (performance.now) and this
 * process's CPU time. On a shared machine the process is descheduled at
 * random moments; CPU time does not count those gaps, so its ratios are the
 * steadier cross-check.
 */

/** What one sample times: called `calls` times back to back; may be async. */
export type Run = () => unknown;

export type Case = Readonly<{
  name: string;
  /** Operations one call of the run performs (commands handled, events folded). */
  opsPerCall: number;
  /** Untimed: builds fresh inputs for one sample (a new store, say) and returns the run. */
  prepare: () => Run | Promise<Run>;
  /** Upper bound on calls per sample; 1 for runs that may only happen once per prepare. */
  maxCallsPerSample?: number;
}>;

export type Settings = Readonly<{
  warmupSamples: number;
  rounds: number;
  /** A sample repeats the run until it lasts about this long (timer resolution, JIT noise). */
  minSampleMs: number;
}>;

export type Series = Readonly<{
  /** ops/s of each timed round, in round order. */
  samples: readonly number[];
  median: number;
  /** Median absolute deviation over the median, as a fraction (0.03 is +/-3%). */
  spread: number;
}>;

export type Measurement = Readonly<{
  name: string;
  /** Operations per second of wall-clock time. */
  wall: Series;
  /** Operations per second of this process's CPU time (user + system). */
  cpu: Series;
}>;

type Timing = Readonly<{ wallMs: number; cpuMs: number }>;

const CALLS_LIMIT = 1_000_000;

// Results go here so the engine cannot drop a run whose value looks unused.
const sink: { value: unknown } = { value: undefined };
export const keep = (value: unknown): void => {
  sink.value = value;
};

const collectGarbage = (globalThis as { gc?: () => void }).gc;

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** One sample: how long `calls` calls of a freshly prepared run take. */
const sample = async (benchCase: Case, calls: number): Promise<Timing> => {
  const run = await benchCase.prepare();
  collectGarbage?.();
  const cpuStart = cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const result = run();
    keep(isPromise(result) ? await result : result);
  }
  const wallMs = performance.now() - start;
  const cpu = cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
};

const seriesOf = (samples: readonly number[]): Series => {
  const middle = median(samples);
  const spread = middle === 0 ? 0 : median(samples.map((value) => Math.abs(value - middle))) / middle;
  return { samples, median: middle, spread };
};

const perSecond = (ops: number, ms: number): number => (ops * 1000) / Math.max(ms, 0.001);

/** Warm up and calibrate each case, then time interleaved rounds. */
export const measureGroup = async (cases: readonly Case[], settings: Settings): Promise<Measurement[]> => {
  const calls = new Map<Case, number>();
  for (const benchCase of cases) {
    const limit = Math.min(benchCase.maxCallsPerSample ?? CALLS_LIMIT, CALLS_LIMIT);
    let n = 1;
    for (let i = 0; i < settings.warmupSamples; i++) {
      const { wallMs } = await sample(benchCase, n);
      const wanted = Math.ceil((settings.minSampleMs * n) / Math.max(wallMs, 0.001));
      n = Math.max(1, Math.min(limit, wanted));
    }
    calls.set(benchCase, n);
  }

  const timings = new Map<Case, Timing[]>(cases.map((benchCase) => [benchCase, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const benchCase = cases[(round + k) % cases.length] as Case;
      timings.get(benchCase)?.push(await sample(benchCase, calls.get(benchCase) ?? 1));
    }
  }

  return cases.map((benchCase) => {
    const ops = benchCase.opsPerCall * (calls.get(benchCase) ?? 1);
    const taken = timings.get(benchCase) ?? [];
    return {
      name: benchCase.name,
      wall: seriesOf(taken.map((timing) => perSecond(ops, timing.wallMs))),
      cpu: seriesOf(taken.map((timing) => perSecond(ops, timing.cpuMs))),
    };
  });
};
