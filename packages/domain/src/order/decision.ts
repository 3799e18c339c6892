import * as E from 'fp-ts/lib/Either.js';
import { Immer } from 'immer';
import { domainError, type Actor, type DomainError } from '@ordersource/core';
import type { OrderEvent } from './events.js';
import { evolveOrder } from './evolve.js';
import type { OrderState } from './state.js';

/** Shared plumbing of the order's decide functions. */

export type Decision = E.Either<DomainError, OrderEvent[]>;

/** What every decide function needs from the command's metadata. */
export type Ctx = Readonly<{ at: string; actor: Actor; commandId: string }>;

export const ok = (...events: OrderEvent[]): Decision => E.right(events);

export const fail = (code: string, message: string, details?: Readonly<Record<string, unknown>>): Decision =>
  E.left(domainError(code, message, details));

/**
 * Copy-on-write without freezing: `decide` folds the command handler's
 * private state, which the handler then evolves in place. immer's default
 * `produce` deep-freezes its result, and with it every part the result shares
 * with that state, so the handler's next in-place `evolve` would throw and it
 * would fall back to copying the state before every decision (issue 18).
 * The base is never changed either way.
 */
const unfrozen = new Immer({ autoFreeze: false });

/** The state after some events (for decisions made of steps). */
export const fold = (state: OrderState, events: readonly OrderEvent[]): OrderState =>
  events.length === 0
    ? state
    : unfrozen.produce(state, (draft) => {
        for (const event of events) evolveOrder(draft, event);
      });

/** Run decisions one after another, each on the state the previous ones left. */
export const chain = (state: OrderState, steps: readonly ((state: OrderState) => Decision)[]): Decision => {
  const all: OrderEvent[] = [];
  let current = state;
  for (const step of steps) {
    const decided = step(current);
    if (E.isLeft(decided)) return decided;
    all.push(...decided.right);
    current = fold(current, decided.right);
  }
  return E.right(all);
};

/** ISO instants compared as instants (offsets differ), never with a clock. */
export const isAtOrAfter = (a: string, b: string): boolean => Date.parse(a) >= Date.parse(b);

export const addHours = (instant: string, hours: number): string =>
  new Date(Date.parse(instant) + hours * 3_600_000).toISOString();
