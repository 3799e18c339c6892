import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { orderDecider } from './decider.js';
import { fold } from './decision.js';
import type { OrderEvent } from './events.js';
import { evolveOrder } from './evolve.js';
import { actors, command, sampleCheckout } from './examples.js';
import type { OrderState } from './state.js';

/** Every object reachable from `value` that is frozen. */
const frozenParts = (value: unknown, path = 'state', out: string[] = []): string[] => {
  if (typeof value !== 'object' || value === null) return out;
  if (Object.isFrozen(value)) out.push(path);
  for (const [key, item] of Object.entries(value)) frozenParts(item, `${path}.${key}`, out);
  return out;
};

/** An order as the command handler keeps it: a plain mutable state, evolved in place. */
const placedOrder = (): OrderState => {
  const state: OrderState = structuredClone(orderDecider.initialState);
  const placed = orderDecider.decide(
    command('PlaceOrder', sampleCheckout({ orderId: 'o-fold' }), '2026-11-24T10:00:00Z', actors.customer),
    state,
  );
  if (E.isLeft(placed)) throw new Error(placed.left.message);
  for (const event of structuredClone(placed.right) as OrderEvent[]) evolveOrder(state, event);
  return state;
};

describe('fold: decisions made of steps (issue 18)', () => {
  it('never freezes or changes the state it folds, so the handler can keep evolving it in place', () => {
    const state = placedOrder();
    const before = structuredClone(state);
    const decided = orderDecider.decide(command('ConfirmOfflinePayment', {}, '2026-11-24T11:00:00Z'), state);
    expect(E.isRight(decided)).toBe(true);
    const after = fold(state, E.isRight(decided) ? decided.right : []);
    expect(frozenParts(state)).toEqual([]);
    expect(state).toEqual(before);
    expect(after).not.toEqual(before);
    // The handler's next step: evolve the very same object in place.
    for (const event of E.isRight(decided) ? decided.right : []) expect(() => evolveOrder(state, event)).not.toThrow();
  });
});
