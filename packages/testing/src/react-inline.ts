import * as E from 'fp-ts/lib/Either.js';
import {
  effectsOf,
  matchesFilter,
  type Checkpoint,
  type Command,
  type Envelope,
  type EnvelopeDecoder,
  type Event,
  type EventStore,
  type Reactor,
} from '@ordersource/core';

export type ReactInlineOptions<Ev extends Event, C extends Command, N> = Readonly<{
  store: EventStore;
  /** Decodes every new event for the caller's log (each reactor still decodes with its own decoder). */
  decode: EnvelopeDecoder<Ev>;
  reactors: readonly Reactor<Ev, C, N>[];
  /** Sends a command a reactor asked for (usually a command handler's `handle`). */
  handle: (streamId: string, command: C) => Promise<E.Either<Readonly<{ message: string }>, unknown>>;
  /** Read only the events after this position. */
  after?: Checkpoint;
}>;

export type ReactInlineResult<Ev extends Event, N> = Readonly<{
  /** Where the next call should start. */
  checkpoint: Checkpoint | undefined;
  /** Every event read, in order (including those the reactors' commands appended). */
  envelopes: readonly Envelope<Ev>[];
  notifications: readonly N[];
}>;

/**
 * A test's stand-in for the reactor runners: every event after `after` goes
 * to every reactor whose filter takes it; the commands they ask for are sent at once and the
 * notifications collected, until no new event appears. A command the handler
 * refuses throws, naming the reactor: in a scenario, a refused policy command
 * is a bug to see, not to skip.
 */
export const reactInline = async <Ev extends Event, C extends Command, N>(
  options: ReactInlineOptions<Ev, C, N>,
): Promise<ReactInlineResult<Ev, N>> => {
  let checkpoint = options.after;
  const envelopes: Envelope<Ev>[] = [];
  const notifications: N[] = [];
  for (let quiet = false; !quiet;) {
    quiet = true;
    for await (const raw of options.store.readAll(checkpoint)) {
      checkpoint = raw.globalPosition;
      const decoded = options.decode(raw);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      envelopes.push(decoded.right);
      for (const reactor of options.reactors) {
        if (!matchesFilter(raw, reactor.filter)) continue;
        const mine = reactor.decode(raw);
        if (E.isLeft(mine)) throw new Error(`${reactor.name}: ${mine.left.message}`);
        for (const effect of effectsOf(reactor, mine.right)) {
          if (effect.kind === 'notification') {
            notifications.push(effect.notification);
            continue;
          }
          quiet = false;
          const handled = await options.handle(effect.streamId, effect.command);
          if (E.isLeft(handled)) throw new Error(`${reactor.name}: ${effect.command.type}: ${handled.left.message}`);
        }
      }
    }
  }
  return { checkpoint, envelopes, notifications };
};
