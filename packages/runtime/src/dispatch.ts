import type { CommandHandler, Envelope, Handled, HandlerError, ValidationError } from '@ordersource/core';
import type * as E from 'fp-ts/lib/Either.js';
import type { ShopNotification } from './reactors.js';
import type { TimerOutcome } from './timers.js';

/** A command handler of any stream kind, as the runtime routes to it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerLike = CommandHandler<any, any, any>;

/** A stream id whose category no stream kind of the shop claims. */
export type UnknownStream = Readonly<{
  kind: 'unknown-stream';
  code: 'unknown-stream';
  streamId: string;
  message: string;
}>;

/** What `execute` may answer: the handler's errors (each with a `code`) or a stream the shop does not run. */
export type ShopError = HandlerError | UnknownStream;

export type ExecuteResult<Ev> = E.Either<ShopError, Handled<Ev & { type: string; data: unknown }>>;

/** A notification a reactor decided, with its stable id (derived from the reactor and the event). */
export type NotificationOut<N = ShopNotification> = Readonly<{
  id: string;
  reactor: string;
  notification: N;
  /** The event that caused it. */
  cause: Readonly<{ eventId: string; streamId: string; streamVersion: number; occurredAt: string }>;
}>;

/**
 * What the shop did, as it did it: every command a reactor sent (appended,
 * duplicate or refused), every notification decided, every event parked,
 * every timer fired. `runUntilIdle` returns those of its run; `onActivity`
 * streams them (the CLI's simulate prints them).
 */
export type Activity<N = ShopNotification> =
  | Readonly<{
      kind: 'command';
      reactor: string;
      streamId: string;
      type: string;
      commandId: string;
      duplicate: boolean;
      events: readonly string[];
    }>
  | Readonly<{
      kind: 'refused';
      reactor: string;
      streamId: string;
      type: string;
      commandId: string;
      error: Readonly<{ code: string; message: string }>;
    }>
  | Readonly<{ kind: 'notification'; reactor: string; out: NotificationOut<N> }>
  | Readonly<{ kind: 'parked'; consumer: string; eventId: string; streamId: string; attempts: number; error: string }>
  | (Readonly<{ kind: 'timer' }> & TimerOutcome)
  /** A running worker's pass failed outside any one event (a lost connection); it tries again after a pause. */
  | Readonly<{ kind: 'worker-error'; consumer: string; error: string }>;

export const unknownStream = (streamId: unknown, categories: readonly string[]): UnknownStream => ({
  kind: 'unknown-stream',
  code: 'unknown-stream',
  streamId: String(streamId),
  message: `stream "${String(streamId)}": no stream kind of this shop runs it (categories: ${categories.join(', ')}; a stream id is "<category>-<id>")`,
});

export const causeOf = (raw: Envelope): NotificationOut['cause'] => ({
  eventId: raw.eventId,
  streamId: raw.streamId,
  streamVersion: raw.streamVersion,
  occurredAt: raw.occurredAt,
});

export type { ValidationError };
