import { derivedId } from './ids.js';

/**
 * Business time without a clock in the core. A decider may declare what is
 * due from its state alone: `due(state)` is pure, so "what fires when" is
 * replayable and testable without waiting. The runtime keeps the plan in a
 * `TimerStore`, fires each entry at its time as a command with a
 * deterministic id, and asks again after every change of the stream, so a
 * plan that no longer holds (the order was paid, the hold was lifted) is
 * dropped rather than fired.
 */
export type Due = Readonly<{
  /** What the timer is for, unique within its stream ("hold-expiry", "renewal-2027-01"). */
  key: string;
  /** ISO-8601 instant at or after which the command is sent. */
  at: string;
  /** The command to send; `streamId` defaults to the stream that planned it. */
  command: Readonly<{ streamId?: string; type: string; data: unknown }>;
}>;

/** A decider's optional plan: what its state says must happen later. */
export type DuePlanner<S> = (state: S) => readonly Due[];

/**
 * The timer's id, and the commandId of the command it fires: the same plan
 * entry always gives the same id, so a timer fired twice (a crash between the
 * command and `complete`) is absorbed by the handler's idempotency.
 */
export const timerId = (streamId: string, due: Pick<Due, 'key' | 'at'>): string =>
  derivedId('timer', streamId, due.key, due.at);
