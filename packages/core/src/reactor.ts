import * as E from 'fp-ts/lib/Either.js';
import { systemActor } from './actor.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { Envelope } from './envelope.js';
import type { EventFilter, EventStore, Subscription } from './event-store.js';
import { derivedId } from './ids.js';
import type { Command, Event } from './message.js';
import type { EnvelopeDecoder } from './upcast.js';

/**
 * Reactors turn events into effects: commands for other streams (policies,
 * process managers) and notifications. `react` is pure; the runner delivers
 * its output at least once and saves the checkpoint only after every effect of
 * an event succeeded. Commands get ids derived from the causing event, so a
 * re-run after a crash is absorbed by the command handler's idempotency.
 */

/** A command a reactor wants sent, without metadata: the runner derives it from the cause. */
export type CommandIntent<C extends Command = Command> = Readonly<{
  kind: 'command';
  streamId: string;
  type: C['type'];
  data: C['data'];
}>;

export type NotificationIntent<N = unknown> = Readonly<{ kind: 'notification'; notification: N }>;

export type Reaction<C extends Command = Command, N = unknown> = CommandIntent<C> | NotificationIntent<N>;

export type Reactor<E extends Event, C extends Command = Command, N = unknown> = Readonly<{
  name: string;
  decode: EnvelopeDecoder<E>;
  filter?: EventFilter;
  react: (envelope: Envelope<E>) => readonly Reaction<C, N>[];
}>;

/** What a dispatcher receives: the full command, with a deterministic commandId. */
export type Effect<C extends Command = Command, N = unknown> =
  | Readonly<{ kind: 'command'; streamId: string; command: C; cause: Envelope }>
  | Readonly<{ kind: 'notification'; notification: N; id: string; cause: Envelope }>;

/**
 * The full command for an intent: commandId derived from (reactor, event,
 * index); time taken from the causing event, never from a clock.
 */
export const commandFor = <C extends Command>(
  reactorName: string,
  cause: Envelope,
  index: number,
  intent: CommandIntent<C>,
): C =>
  ({
    type: intent.type,
    data: intent.data,
    metadata: {
      commandId: derivedId('reactor', reactorName, cause.eventId, index),
      actor: systemActor(`reactor:${reactorName}`),
      at: cause.occurredAt,
      causationId: cause.eventId,
      correlationId: cause.correlationId ?? cause.eventId,
    },
  }) as unknown as C;

/** Turn one envelope's reactions into effects with stable ids. */
export const effectsOf = <E extends Event, C extends Command, N>(
  reactor: Reactor<E, C, N>,
  envelope: Envelope<E>,
): Effect<C, N>[] =>
  reactor.react(envelope).map((reaction, index) =>
    reaction.kind === 'command'
      ? {
          kind: 'command',
          streamId: reaction.streamId,
          command: commandFor(reactor.name, envelope, index, reaction),
          cause: envelope,
        }
      : {
          kind: 'notification',
          notification: reaction.notification,
          id: derivedId('reactor', reactor.name, envelope.eventId, index),
          cause: envelope,
        },
  );

export type ReactorRunnerOptions<C extends Command, N> = Readonly<{
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Performs one effect; throwing stops the runner before the checkpoint moves. */
  dispatch: (effect: Effect<C, N>) => Promise<void>;
}>;

/** Run a reactor from its saved checkpoint: catch up, then follow live. */
export const runReactor = async <E extends Event, C extends Command, N>(
  reactor: Reactor<E, C, N>,
  options: ReactorRunnerOptions<C, N>,
): Promise<Subscription> => {
  const after = await options.checkpoints.load(reactor.name);
  return options.store.subscribe(
    after,
    async (raw) => {
      const decoded = reactor.decode(raw);
      if (E.isLeft(decoded)) throw new Error(`reactor ${reactor.name}: ${decoded.left.message}`);
      for (const effect of effectsOf(reactor, decoded.right)) await options.dispatch(effect);
      await options.checkpoints.save(reactor.name, raw.globalPosition);
    },
    reactor.filter,
  );
};
