import {
  systemActor,
  type Clock,
  type Command,
  type ClaimedTimer,
  type Envelope,
  type TimerStore,
} from '@ordersource/core';
import type { HandlerLike } from './dispatch.js';
import { backoffMs, type RetryPolicy } from './retry.js';
import type { DecoderRegistry } from './streams.js';
import type { Telemetry } from './telemetry.js';

/**
 * Timers: business time without a clock in the core. A stream kind whose
 * decider has `due(state)` gets its plan re-made after every change (the
 * planner, a checkpointed consumer, so a crash between an append and its plan
 * is made good on the next start); the timer worker claims what is due on
 * the runtime's Clock and sends each command with commandId = the timer's id,
 * so firing twice (a crash before `complete`) appends nothing twice.
 */

export type TimerOutcome = Readonly<{
  timerId: string;
  streamId: string;
  key: string;
  type: string;
  outcome: 'fired' | 'refused' | 'failed' | 'lost';
  error?: string;
}>;

/** Streams whose last written plan the planner remembers (least recently planned forgotten first). */
export const PLANS_REMEMBERED = 10_000;

/**
 * The planner's `handle`: plan the stream's state again (only for the newest
 * event of the stream).
 *
 * Issue 18: most events leave a stream's plan as it was (an order's plan is
 * empty from its capture on), and writing the same plan again changes no row
 * (planned rows are kept or updated to themselves, fired rows stay). Each
 * plan was a transaction of two or more statements, five per order in the
 * lifecycle bench: the planner remembers the plan it last wrote per stream
 * and writes only a different one. A process that starts remembers nothing,
 * so its first plan of a stream is always written (a crash between an append
 * and its plan is made good as before). This holds while one planner plans
 * each stream (one process, or the partitioned workers, which own their
 * streams).
 */
export const planTimers = (
  registry: DecoderRegistry,
  handlers: (category: string) => HandlerLike | undefined,
  timers: TimerStore,
  remember: number = PLANS_REMEMBERED,
) => {
  const written = new Map<string, string>();
  return async (raw: Envelope): Promise<void> => {
    const kind = registry.kindOf(raw.streamId);
    const due = kind?.decider.due;
    if (kind === undefined || due === undefined) return;
    const handler = handlers(kind.category);
    if (handler === undefined) return;
    const loaded = await handler.load(raw.streamId);
    if (loaded._tag === 'Left') throw new Error(`timer plan of ${raw.streamId}: ${loaded.left.message}`);
    // A later event of this stream is still to come: it plans the newer state.
    if (loaded.right.version > raw.streamVersion) return;
    const plan = due(loaded.right.state);
    const text = JSON.stringify(plan);
    if (written.get(raw.streamId) === text) return;
    // Forgotten before the write: a plan that fails is not remembered as written.
    written.delete(raw.streamId);
    await timers.plan(raw.streamId, plan);
    written.set(raw.streamId, text);
    if (written.size > remember) written.delete(written.keys().next().value as string);
  };
};

export type FireOptions = Readonly<{
  timers: TimerStore;
  clock: Clock;
  owner: string;
  leaseMs: number;
  limit: number;
  retry: RetryPolicy;
  telemetry: Telemetry;
  /** Send one decoded-or-raw command through the shop (decoded by its stream kind). */
  execute: (streamId: string, input: unknown) => Promise<Readonly<{ ok: boolean; domain: boolean; message?: string }>>;
  report: (outcome: TimerOutcome) => void;
}>;

/** The command a timer fires: its id is the timer's, its time the clock's now. */
export const timerCommand = (timer: ClaimedTimer, at: string): Command => ({
  type: timer.command.type,
  data: timer.command.data,
  metadata: { commandId: timer.id, actor: systemActor('timer'), at, correlationId: timer.id },
});

/** Claim and fire every timer due now; resolves with how many were claimed. */
export const fireDueTimers = async (options: FireOptions): Promise<number> => {
  const { timers, clock, telemetry } = options;
  const claimed = await timers.claimDue(clock.now(), {
    limit: options.limit,
    owner: options.owner,
    leaseMs: options.leaseMs,
  });
  for (const timer of claimed)
    await telemetry.inSpan(
      'ordersource.timer',
      {
        'ordersource.timer.key': timer.key,
        'ordersource.stream.id': timer.command.streamId,
        'ordersource.command.type': timer.command.type,
      },
      async () => {
        const base = { timerId: timer.id, streamId: timer.command.streamId, key: timer.key, type: timer.command.type };
        let result: Awaited<ReturnType<FireOptions['execute']>>;
        try {
          result = await options.execute(timer.command.streamId, timerCommand(timer, clock.now()));
        } catch (thrown) {
          result = { ok: false, domain: false, message: thrown instanceof Error ? thrown.message : String(thrown) };
        }
        // A refusal means the plan no longer holds (paid meanwhile): done, never fired again.
        if (result.ok || result.domain) {
          const completed = await timers.complete(timer.id, timer.token);
          options.report({
            ...base,
            outcome: !completed ? 'lost' : result.ok ? 'fired' : 'refused',
            ...(result.message === undefined ? {} : { error: result.message }),
          });
          return;
        }
        const error = result.message ?? 'failed';
        telemetry.retries.add(1, { 'ordersource.consumer': 'timers' });
        const retryAt = new Date(Date.parse(clock.now()) + backoffMs(options.retry, timer.attempts + 1)).toISOString();
        const kept = await timers.fail(timer.id, timer.token, error, retryAt);
        options.report({ ...base, outcome: kept ? 'failed' : 'lost', error });
      },
    );
  return claimed.length;
};
