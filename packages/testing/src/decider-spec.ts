import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Decider, type DomainError } from '@ordersource/core';
import { assertionFailure, deepEqual, show } from './equality.js';

/**
 * Given/when/then for deciders:
 *
 *   deciderSpec(cart).given([itemAdded]).when(checkout).then([checkedOut]);
 *   deciderSpec(cart).given([checkedOut]).when(addItem).thenError('cart-closed');
 *   deciderSpec(cart).given([itemAdded]).when(removeItem).thenState({ ... });
 *
 * Each `then*` runs the decider and throws an AssertionError whose message
 * shows the given events, the command, and what was expected against what
 * happened. The `then*` methods return nothing: never `await` a spec (an object
 * with a `then` method looks like a promise to `await`).
 */

export type ErrorExpectation = string | ((error: DomainError) => boolean);

export type Then<E, S> = Readonly<{
  /** The command succeeds and produces exactly these events (deep equality, in order). */
  then: (expected: readonly E[]) => void;
  /** The command is refused with a DomainError of this code (or one the predicate accepts). */
  thenError: (expected: ErrorExpectation) => void;
  /** The command succeeds and the state after its events equals this (or satisfies the predicate). */
  thenState: (expected: S | ((state: S) => boolean)) => void;
}>;

export type When<C, E, S> = Readonly<{ when: (command: C) => Then<E, S> }>;

export type DeciderSpec<C, E, S> = When<C, E, S> & Readonly<{ given: (events: readonly E[]) => When<C, E, S> }>;

type Outcome<E> =
  | Readonly<{ kind: 'events'; events: readonly E[] }>
  | Readonly<{ kind: 'error'; error: DomainError }>
  | Readonly<{ kind: 'threw'; thrown: unknown }>;

const describeOutcome = <E>(outcome: Outcome<E>): string => {
  switch (outcome.kind) {
    case 'events':
      return `events ${show(outcome.events)}`;
    case 'error':
      return `DomainError ${show(outcome.error)}`;
    case 'threw':
      return `decide THREW ${outcome.thrown instanceof Error ? (outcome.thrown.stack ?? outcome.thrown.message) : show(outcome.thrown)} (deciders return Left, they never throw)`;
  }
};

export const deciderSpec = <C, E, S>(decider: Decider<C, E, S>): DeciderSpec<C, E, S> => {
  const given = (history: readonly E[]): When<C, E, S> => ({
    when: (command) => {
      const context = (): string => `given ${show(history)}\nwhen ${show(command)}`;
      const prior = (): S => {
        try {
          return rehydrate(decider, history);
        } catch (thrown) {
          throw assertionFailure(`${context()}\nfolding the given events threw: ${String(thrown)}`);
        }
      };
      const run = (): { state: S; outcome: Outcome<E> } => {
        const state = prior();
        try {
          const result = decider.decide(command, state);
          return {
            state,
            outcome: E.isRight(result)
              ? { kind: 'events', events: result.right }
              : { kind: 'error', error: result.left },
          };
        } catch (thrown) {
          return { state, outcome: { kind: 'threw', thrown } };
        }
      };
      const guard = (expected: unknown, method: string): void => {
        if (typeof expected === 'function' && method === 'then')
          throw new Error('deciderSpec: `.then` takes the expected events; a spec is not a promise, do not await it');
      };
      return {
        then: (expected) => {
          guard(expected, 'then');
          const { outcome } = run();
          if (outcome.kind === 'events' && deepEqual(outcome.events, expected)) return;
          throw assertionFailure(
            `${context()}\nthen expected events ${show(expected)}\nbut got ${describeOutcome(outcome)}`,
            expected,
            outcome.kind === 'events' ? outcome.events : outcome.kind === 'error' ? outcome.error : outcome.thrown,
          );
        },
        thenError: (expected) => {
          const { outcome } = run();
          const wanted =
            typeof expected === 'string'
              ? `DomainError with code "${expected}"`
              : 'a DomainError the predicate accepts';
          if (outcome.kind === 'error') {
            const ok = typeof expected === 'string' ? outcome.error.code === expected : expected(outcome.error);
            if (ok) return;
            throw assertionFailure(
              `${context()}\nthen expected ${wanted}\nbut got ${describeOutcome(outcome)}`,
              typeof expected === 'string' ? expected : undefined,
              typeof expected === 'string' ? outcome.error.code : undefined,
            );
          }
          throw assertionFailure(`${context()}\nthen expected ${wanted}\nbut got ${describeOutcome(outcome)}`);
        },
        thenState: (expected) => {
          const { outcome } = run();
          if (outcome.kind !== 'events')
            throw assertionFailure(`${context()}\nthen expected a new state\nbut got ${describeOutcome(outcome)}`);
          let state: S;
          try {
            state = rehydrate(decider, [...history, ...outcome.events]);
          } catch (thrown) {
            throw assertionFailure(
              `${context()}\nproduced ${show(outcome.events)}\nbut folding them threw: ${String(thrown)}`,
            );
          }
          if (typeof expected === 'function') {
            if ((expected as (state: S) => boolean)(state)) return;
            throw assertionFailure(
              `${context()}\nproduced ${show(outcome.events)}\nthen expected a state the predicate accepts\nbut the state is ${show(state)}`,
            );
          }
          if (deepEqual(state, expected)) return;
          throw assertionFailure(
            `${context()}\nproduced ${show(outcome.events)}\nthen expected state ${show(expected)}\nbut the state is ${show(state)}`,
            expected,
            state,
          );
        },
      };
    },
  });
  return { given, when: (command) => given([]).when(command) };
};
