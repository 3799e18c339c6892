import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, deepCopy, rehydrate, type Decider } from '@ordersource/core';
import { deepEqual, deepFreeze, show } from './equality.js';

/**
 * Model-based laws for any decider. Random command sequences are driven
 * through `decide`; after every step the runner checks that
 * - `decide` returned an Either (it never throws) and is deterministic;
 * - the state folded batch by batch with `applyEvents` equals
 *   `rehydrate(decider, allEvents)`; events are deep-frozen first, as a store
 *   keeps them, so an `evolve` that stores a payload and later mutates it fails;
 * - once `isTerminal(state)` holds, no command produces events;
 * - every user invariant holds.
 */

export type LawStep<C, E> = Readonly<{ index: number; command: C; events: readonly E[] }>;

/** `true` when it holds; `false` or a message saying what broke otherwise. */
export type Invariant<C, E, S> = (state: S, history: readonly E[], step: LawStep<C, E>) => boolean | string;

export type DeciderLawsOptions<C, E, S> = Readonly<{
  decider: Decider<C, E, S>;
  /**
   * Commands to draw from; sequences of them are run against one stream. Either
   * one arbitrary, or a function of the current state that returns one (to aim
   * at commands that make sense now, e.g. removing a line that exists).
   */
  commands: fc.Arbitrary<C> | ((state: S) => fc.Arbitrary<C>);
  /** Named invariants (or a list, named by position). */
  invariants?: Readonly<Record<string, Invariant<C, E, S>>> | readonly Invariant<C, E, S>[];
  /** Sequences to try (default 100). */
  numRuns?: number;
  /** Longest sequence (default 25). */
  maxCommands?: number;
  seed?: number;
}>;

const named = <C, E, S>(invariants: DeciderLawsOptions<C, E, S>['invariants']): [string, Invariant<C, E, S>][] =>
  invariants === undefined
    ? []
    : Array.isArray(invariants)
      ? (invariants as readonly Invariant<C, E, S>[]).map((invariant, i) => [`invariant #${i}`, invariant])
      : Object.entries(invariants as Readonly<Record<string, Invariant<C, E, S>>>);

const isEither = (value: unknown): value is E.Either<unknown, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  (((value as { _tag?: unknown })._tag === 'Left' && 'left' in value) ||
    ((value as { _tag?: unknown })._tag === 'Right' && 'right' in value));

const describeThrown = (thrown: unknown): string =>
  thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : show(thrown);

/**
 * Run one command sequence and return the first law it breaks, as a message,
 * or `undefined` when every law held. `checkDeciderLaws` calls this for random
 * sequences; call it directly to pin a sequence that once failed.
 */
export const deciderLawViolation = <C, E, S>(
  decider: Decider<C, E, S>,
  commands: readonly C[],
  invariants: DeciderLawsOptions<C, E, S>['invariants'] = undefined,
): string | undefined => runLaws(decider, (_state, index) => commands[index], invariants);

/** The law loop; `next` supplies the command for each step from the state (undefined: stop). */
const runLaws = <C, E, S>(
  decider: Decider<C, E, S>,
  next: (state: S, index: number) => C | undefined,
  invariants: DeciderLawsOptions<C, E, S>['invariants'],
): string | undefined => {
  const checks = named(invariants);
  let state: S;
  try {
    state = rehydrate(decider, []);
  } catch (thrown) {
    return `the initial state cannot be copied and frozen: ${describeThrown(thrown)}`;
  }
  const history: E[] = [];

  for (let index = 0; ; index++) {
    const command = next(state, index);
    if (command === undefined) break;
    const at = `step ${index}, command ${show(command, 0)}, state before ${show(state, 0)}`;
    let result: unknown;
    try {
      result = decider.decide(command, state);
    } catch (thrown) {
      return `decide threw at ${at}: ${describeThrown(thrown)} (deciders return Left, they never throw)`;
    }
    if (!isEither(result)) return `decide returned ${show(result, 0)}, not an Either, at ${at}`;
    let again: unknown;
    try {
      again = decider.decide(command, state);
    } catch (thrown) {
      return `decide threw on the second call with the same input at ${at}: ${describeThrown(thrown)}`;
    }
    if (!deepEqual(result, again))
      return `decide is not deterministic at ${at}: first ${show(result, 0)}, then ${show(again, 0)}`;

    let produced: readonly E[] = [];
    if (E.isLeft(result)) {
      const error = result.left as { kind?: unknown; code?: unknown };
      if (error.kind !== 'domain' || typeof error.code !== 'string' || error.code.length === 0)
        return `decide returned a Left that is not a DomainError at ${at}: ${show(result.left, 0)}`;
    } else {
      if (!Array.isArray(result.right))
        return `decide returned Right of a non-array at ${at}: ${show(result.right, 0)}`;
      const events = result.right as readonly E[];
      if (events.length > 0 && decider.isTerminal?.(state) === true)
        return `the state is terminal but ${show(events, 0)} were produced at ${at}`;
      // As a store keeps them: copied and deep-frozen.
      let stored: readonly E[];
      try {
        stored = deepFreeze(deepCopy(events));
      } catch (thrown) {
        return `the events are not plain data at ${at}: ${describeThrown(thrown)}`;
      }
      history.push(...stored);
      const before = deepCopy(state);
      let incremental: S;
      try {
        incremental = applyEvents(decider, state, stored);
      } catch (thrown) {
        return `evolve threw while applying ${show(stored, 0)} with applyEvents at ${at}: ${describeThrown(thrown)}`;
      }
      let full: S;
      try {
        full = rehydrate(decider, history);
      } catch (thrown) {
        return (
          `evolve threw while rehydrating ${history.length} events after ${at}: ${describeThrown(thrown)} ` +
          '(does evolve keep a frozen event payload in state and change it later? copy what you store)'
        );
      }
      if (!deepEqual(incremental, full))
        return (
          `applyEvents and rehydrate disagree after ${at}, events ${show(stored, 0)}:\n` +
          `  applyEvents batch by batch: ${show(incremental, 0)}\n  rehydrate(all events):      ${show(full, 0)}`
        );
      if (!deepEqual(state, before)) return `applyEvents changed the previous state at ${at}`;
      state = incremental;
      produced = stored;
    }

    const step: LawStep<C, E> = { index, command, events: produced };
    for (const [name, invariant] of checks) {
      let verdict: boolean | string;
      try {
        verdict = invariant(state, history, step);
      } catch (thrown) {
        return `${name} threw after ${at}: ${describeThrown(thrown)}`;
      }
      if (verdict !== true)
        return `${name} broken after ${at}, events ${show(produced, 0)}: ${
          verdict === false ? 'returned false' : verdict
        }; state now ${show(state, 0)}`;
    }
  }
  return undefined;
};

/**
 * Check the laws on random command sequences with `fc.assert`: throws (with
 * the shrunk counterexample and the broken law) when one fails, so it can be
 * the body of an `it()`.
 */
export const checkDeciderLaws = <C, E, S>(options: DeciderLawsOptions<C, E, S>): void => {
  const maxCommands = options.maxCommands ?? 25;
  const parameters: fc.Parameters<unknown> = {
    numRuns: options.numRuns ?? 100,
    // The broken law belongs in the failure message, not only in its cause.
    includeErrorInReport: true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const fail = (violation: string | undefined): void => {
    if (violation !== undefined) throw new Error(violation);
  };
  const { commands } = options;
  if (typeof commands === 'function')
    // Each command is drawn for the state it will meet; fc.gen keeps the draws shrinkable.
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 0, max: maxCommands }), (gen, length) =>
        fail(
          runLaws(
            options.decider,
            (state, index) => (index < length ? gen(commands, state) : undefined),
            options.invariants,
          ),
        ),
      ),
      parameters,
    );
  else
    fc.assert(
      fc.property(fc.array(commands, { maxLength: maxCommands }), (sequence) =>
        fail(deciderLawViolation(options.decider, sequence, options.invariants)),
      ),
      parameters,
    );
};
