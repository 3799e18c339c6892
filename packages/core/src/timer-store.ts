import type { Due } from './due.js';

/**
 * Durable timers (memory for tests, a table on PostgreSQL). The runtime
 * replaces a stream's plan after each change (`plan`), and a timer worker
 * claims what is due (`claimDue`), sends the command, then `complete`s it.
 * A claim is a lease: a worker that dies mid-fire loses it when `leaseMs`
 * passes and another worker fires the timer again with the same id.
 */
export type Timer = Readonly<{
  /** `timerId(streamId, due)`; also the commandId of the fired command. */
  id: string;
  /** The stream whose state planned it. */
  streamId: string;
  key: string;
  at: string;
  command: Readonly<{ streamId: string; type: string; data: unknown }>;
}>;

export type TimerStatus = 'planned' | 'fired';

export type StoredTimer = Timer &
  Readonly<{
    status: TimerStatus;
    /** Failed attempts so far. */
    attempts: number;
    lastError?: string;
    /** When a failed timer is tried again (ISO-8601); `at` until it first fails. */
    nextAttemptAt: string;
  }>;

/** A claimed timer: `token` fences `complete` / `fail` against a lease that already moved on. */
export type ClaimedTimer = StoredTimer & Readonly<{ token: string }>;

export type ClaimOptions = Readonly<{
  /** At most this many timers per claim. */
  limit: number;
  /** Who holds the claim (worker id), for inspection. */
  owner: string;
  /** How long the claim holds before another worker may take the timer. */
  leaseMs: number;
}>;

export interface TimerStore {
  /**
   * Make `timers` the stream's whole plan. Planned timers not in the list are
   * dropped; a timer already fired is never planned again (same id).
   */
  plan(streamId: string, timers: readonly Due[]): Promise<void>;
  /** Claim planned timers whose `nextAttemptAt` is at or before `now`, earliest first. */
  claimDue(now: string, options: ClaimOptions): Promise<readonly ClaimedTimer[]>;
  /** The command was handled: mark fired. False when the claim was lost (token no longer current). */
  complete(id: string, token: string): Promise<boolean>;
  /** The command failed: try again at `retryAt`. False when the claim was lost. */
  fail(id: string, token: string, error: string, retryAt: string): Promise<boolean>;
  /** Timers of one stream (or all), for queries, `doctor` and tests. */
  list(streamId?: string): Promise<readonly StoredTimer[]>;
  /** The earliest `nextAttemptAt` of a planned timer, so a worker can sleep until then. */
  nextDue(): Promise<string | undefined>;
}
