import { DeciderCommandHandler } from '@event-driven-io/emmett';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { decideCart, evolveCart, initialCartState, type CartCommand, type CartEvent, type CartState } from './cart.js';

/**
 * The same cart, adapted to Emmett 0.42's decider shape: `evolve` returns a
 * new state (one immer `produce` around our evolve), `decide` returns events
 * or throws (Emmett signals a rejected command with an exception).
 */

/** Emmett's commands carry `metadata.now`; the workload's commands carry both shapes. */
export type EmmettCartCommand = CartCommand & { metadata: { now: Date } };

export const evolveCartImmutably = (state: CartState, event: CartEvent): CartState =>
  produce(state, (draft) => {
    evolveCart(draft, event);
  });

const decideOrThrow = (command: EmmettCartCommand, state: CartState): CartEvent[] => {
  const decided = decideCart(command, state);
  if (E.isLeft(decided)) throw new Error(decided.left.message);
  // Emmett's type asks for a mutable array; it only reads it.
  return decided.right as CartEvent[];
};

export const emmettCartHandler = DeciderCommandHandler<CartState, EmmettCartCommand, CartEvent>({
  decide: decideOrThrow,
  evolve: evolveCartImmutably,
  initialState: initialCartState,
});
