import type { Either } from 'fp-ts/lib/Either.js';
import { enableMapSet, freeze, produce, type Draft } from 'immer';
import type { DuePlanner } from './due.js';
import type { DomainError } from './errors.js';
import { deepCopy } from './runtime.js';

// Deciders may keep Maps and Sets in state.
enableMapSet();

/**
 * A decider is the whole behaviour of one stream kind as pure functions
 * (Jérémie Chassaing's pattern): no clock, no ids, no I/O. Time and ids arrive
 * in the command; business errors are values.
 *
 * `evolve` mutates the state it is given in place: an immer draft
 * (`applyEvents`), or a private plain copy (`rehydrate`, and the command
 * handler's cached state, which it evolves in place on every command). It must
 * not keep a reference to an event payload that a later `evolve` mutates (copy
 * what you store: `draft.lines.push({ ...event.data.line })`): payloads are
 * frozen and shared with other readers, so doing it throws.
 *
 * `decide` reads the state and never changes it. The handler passes it its
 * private state, unfrozen (a freeze per command would cost what it saves), so
 * a decider that mutates its input is caught by the laws of
 * `@ordersource/testing`, which decide on frozen states. Events it returns
 * may contain parts of the state: the handler copies them.
 */
export type Decider<C, E, S> = Readonly<{
  initialState: S;
  decide: (command: C, state: S) => Either<DomainError, readonly E[]>;
  evolve: (draft: Draft<S>, event: E) => void;
  /** A terminal state accepts no command that would produce events (law-checked). */
  isTerminal?: (state: S) => boolean;
  /** What the state says must happen later (timers); pure, asked again after every change. */
  due?: DuePlanner<S>;
}>;

/**
 * Fold a whole history from the initial state. This runs `evolve` on a private
 * mutable copy with no proxies (38x faster than an immer draft on a 10,000
 * event stream), then freezes the result.
 */
export const rehydrate = <C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>): S => {
  const state = deepCopy(decider.initialState);
  for (const event of events) decider.evolve(state as Draft<S>, event);
  return freeze(state, true);
};

/**
 * Apply new events to a state that others may hold (a cache): one `produce`
 * per batch, so the old state stays valid and unchanged parts are shared.
 */
export const applyEvents = <C, E, S>(decider: Decider<C, E, S>, state: S, events: readonly E[]): S =>
  events.length === 0
    ? state
    : produce<S>(state, (draft) => {
        for (const event of events) decider.evolve(draft, event);
      });

/** A mutable folder for long or incremental histories (rehydrate in chunks). */
export type Folder<E, S> = Readonly<{ push: (event: E) => void; result: () => S }>;

export const folder = <C, E, S>(decider: Decider<C, E, S>, from: S = decider.initialState): Folder<E, S> => {
  const state = deepCopy(from);
  return {
    push: (event) => decider.evolve(state as Draft<S>, event),
    result: () => freeze(deepCopy(state), true),
  };
};
