/**
 * How often and how patiently a worker tries again. A reactor that fails on
 * an event is tried `attempts` times in all, `baseMs`, `2 * baseMs`, ...
 * apart (at most `maxMs`); after the last failure the event is parked for
 * that reactor alone. Waits are real time: they pace retries against a sick
 * dependency, which a virtual clock would not heal.
 */
export type RetryPolicy = Readonly<{ attempts: number; baseMs: number; maxMs: number }>;

export const defaultRetry: RetryPolicy = { attempts: 5, baseMs: 50, maxMs: 5_000 };

/** The wait after failed attempt `n` (1-based). */
export const backoffMs = (policy: RetryPolicy, n: number): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, n - 1));

export const checkRetryPolicy = (policy: RetryPolicy): RetryPolicy => {
  if (!Number.isSafeInteger(policy.attempts) || policy.attempts < 1)
    throw new RangeError(`retry.attempts: must be an integer >= 1 (got ${String(policy.attempts)})`);
  for (const key of ['baseMs', 'maxMs'] as const)
    if (!Number.isFinite(policy[key]) || policy[key] < 0)
      throw new RangeError(`retry.${key}: must be a finite number >= 0 (got ${String(policy[key])})`);
  return policy;
};

/** A real-time wait that `stop` can cut short. */
export type Waiter = Readonly<{ wait: (ms: number) => Promise<void>; wakeAll: () => void }>;

export const createWaiter = (): Waiter => {
  const waiting = new Set<() => void>();
  return {
    wait: (ms) =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        waiting.add(done);
      }),
    wakeAll: () => {
      for (const done of [...waiting]) done();
    },
  };
};
