import type { Due } from './due.js';
import { timerId } from './due.js';
import {
  checkedCall,
  claimProblem,
  failProblem,
  optionalIdProblem,
  planProblem,
  settleProblem,
} from './runtime-store-checks.js';
import type { ClaimedTimer, StoredTimer, Timer, TimerStore } from './timer-store.js';
import { deepCopy } from './runtime.js';

/**
 * Timers in memory, for tests and single-process apps. Time comes only from
 * the arguments (`now`, `retryAt`), never from a clock, so a virtual clock
 * drives it. A claim is a lease that ends at `now + leaseMs` of the claimer;
 * its token is a fresh number for every claim, so a worker whose claim
 * lapsed and was taken over can no longer complete or fail the timer.
 */
type Claim = Readonly<{ owner: string; token: string; untilMs: number }>;
type Entry = { timer: StoredTimer; claim: Claim | undefined };

const ms = (iso: string): number => Date.parse(iso);

/** The timer a plan entry stands for; its command goes to the planning stream unless it names another. */
export const timerOf = (streamId: string, due: Due): Timer => ({
  id: timerId(streamId, due),
  streamId,
  key: due.key,
  at: due.at,
  command: { streamId: due.command.streamId ?? streamId, type: due.command.type, data: due.command.data },
});

// Copies out, so a caller that mutates what it got cannot change the store.
const copy = (timer: StoredTimer): StoredTimer => deepCopy(timer);

const byDue = (a: StoredTimer, b: StoredTimer): number =>
  ms(a.nextAttemptAt) - ms(b.nextAttemptAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const createInMemoryTimerStore = (): TimerStore => {
  const entries = new Map<string, Entry>();
  const byStream = new Map<string, Set<string>>();
  let tokens = 0;

  const current = (id: string, token: string): Entry | undefined => {
    const entry = entries.get(id);
    return entry?.timer.status === 'planned' && entry.claim?.token === token ? entry : undefined;
  };

  return {
    plan: (streamId, timers) =>
      checkedCall('plan', planProblem(streamId, timers), () => {
        const wanted = new Map<string, Timer>();
        for (const due of timers) {
          const timer = timerOf(streamId, deepCopy(due));
          wanted.set(timer.id, timer);
        }
        const ids = byStream.get(streamId) ?? new Set<string>();
        // Planned timers the state no longer asks for are dropped; fired ones stay as history.
        for (const id of ids) {
          const entry = entries.get(id);
          if (entry?.timer.status === 'planned' && !wanted.has(id)) {
            entries.delete(id);
            ids.delete(id);
          }
        }
        for (const [id, timer] of wanted) {
          const entry = entries.get(id);
          if (entry === undefined) {
            entries.set(id, {
              timer: { ...timer, status: 'planned', attempts: 0, nextAttemptAt: new Date(ms(timer.at)).toISOString() },
              claim: undefined,
            });
            ids.add(id);
          } else if (entry.timer.status === 'planned') {
            // Same key and time, so same id: the state may have changed the command's data.
            entry.timer = { ...entry.timer, command: timer.command };
          }
        }
        if (ids.size > 0) byStream.set(streamId, ids);
        else byStream.delete(streamId);
        return Promise.resolve();
      }),

    claimDue: (now, options) =>
      checkedCall('claimDue', claimProblem(now, options), () => {
        const nowMs = ms(now);
        const due = [...entries.values()]
          .filter(
            (entry) =>
              entry.timer.status === 'planned' &&
              ms(entry.timer.nextAttemptAt) <= nowMs &&
              (entry.claim === undefined || entry.claim.untilMs <= nowMs),
          )
          .sort((a, b) => byDue(a.timer, b.timer))
          .slice(0, options.limit);
        const claimed: ClaimedTimer[] = [];
        for (const entry of due) {
          tokens += 1;
          entry.claim = { owner: options.owner, token: String(tokens), untilMs: nowMs + options.leaseMs };
          claimed.push({ ...copy(entry.timer), token: entry.claim.token });
        }
        return Promise.resolve(claimed);
      }),

    complete: (id, token) =>
      checkedCall('complete', settleProblem(id, token), () => {
        const entry = current(id, token);
        if (entry === undefined) return Promise.resolve(false);
        entry.timer = { ...entry.timer, status: 'fired' };
        entry.claim = undefined;
        return Promise.resolve(true);
      }),

    fail: (id, token, error, retryAt) =>
      checkedCall('fail', failProblem(id, token, error, retryAt), () => {
        const entry = current(id, token);
        if (entry === undefined) return Promise.resolve(false);
        entry.timer = {
          ...entry.timer,
          attempts: entry.timer.attempts + 1,
          lastError: error,
          nextAttemptAt: new Date(ms(retryAt)).toISOString(),
        };
        entry.claim = undefined;
        return Promise.resolve(true);
      }),

    list: (streamId) =>
      checkedCall('list', optionalIdProblem(streamId, 'streamId'), () => {
        const chosen =
          streamId === undefined
            ? [...entries.values()]
            : [...(byStream.get(streamId) ?? [])].flatMap((id) => entries.get(id) ?? []);
        return Promise.resolve(chosen.map((entry) => copy(entry.timer)).sort(byDue));
      }),

    nextDue: () => {
      // A timer under a live claim is not due again before the claim ends.
      let earliest: number | undefined;
      for (const { timer, claim } of entries.values()) {
        if (timer.status !== 'planned') continue;
        const at = Math.max(ms(timer.nextAttemptAt), claim?.untilMs ?? -Infinity);
        if (earliest === undefined || at < earliest) earliest = at;
      }
      return Promise.resolve(earliest === undefined ? undefined : new Date(earliest).toISOString());
    },
  };
};
