import type { Clock } from '@ordersource/core';

/**
 * The runtime's clocks. Deciders never see one (time comes in the command);
 * the timer worker asks the clock what is due. The system clock is wall
 * time; the virtual clock moves only when told, so a test or `ordersource
 * simulate` says "advance 25 hours" and the timers due by then fire, in order,
 * without waiting.
 */

export type VirtualClock = Clock &
  Readonly<{
    virtual: true;
    /** Move time forward by `ms` (a finite number >= 0); sleepers due by then wake. */
    advance: (ms: number) => string;
    /** Move time forward to `iso` (never back). */
    advanceTo: (iso: string) => string;
  }>;

export const systemClock: Clock = {
  now: () => new Date().toISOString(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, Math.max(0, ms));
    }),
};

const instant = (iso: string, what: string): number => {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what}: must be an ISO-8601 instant (got ${String(iso)})`);
  return ms;
};

export const createVirtualClock = (start: string): VirtualClock => {
  let nowMs = instant(start, 'createVirtualClock(start)');
  // Sleepers in the order they are due; a sleep of 0 resolves at once.
  let sleepers: { until: number; resolve: () => void }[] = [];

  const wake = (): void => {
    const due = sleepers.filter((s) => s.until <= nowMs);
    sleepers = sleepers.filter((s) => s.until > nowMs);
    for (const sleeper of due.sort((a, b) => a.until - b.until)) sleeper.resolve();
  };

  const to = (ms: number): string => {
    nowMs = ms;
    wake();
    return new Date(nowMs).toISOString();
  };

  return {
    virtual: true,
    now: () => new Date(nowMs).toISOString(),
    sleep: (ms) =>
      ms <= 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            sleepers.push({ until: nowMs + ms, resolve });
          }),
    advance: (ms) => {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance(ms): must be a finite number >= 0 (got ${String(ms)})`);
      return to(nowMs + ms);
    },
    advanceTo: (iso) => {
      const target = instant(iso, 'advanceTo(iso)');
      if (target < nowMs)
        throw new RangeError(`advanceTo(iso): ${iso} is before the clock's now ${new Date(nowMs).toISOString()}`);
      return to(target);
    },
  };
};

export const isVirtualClock = (clock: Clock): clock is VirtualClock =>
  (clock as Partial<VirtualClock>).virtual === true;

/** Durations for `advance`: `hours(25)`. */
export const seconds = (n: number): number => n * 1_000;
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;
