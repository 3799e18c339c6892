import { DeciderCommandHandler } from '@event-driven-io/emmett';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { decideCart, evolveCart, initialCartState, type CartCommand, type CartEvent, type CartState } from './cart.js';

/**
 * The same cart, adapted to Emmett 0.42's decider shape: `evolve` returns a
 * new state, `decide` returns events or throws (Emmett signals a rejected
 * command with an exception).
 *
 * Two evolves: the one Emmett's docs teach (plain spreads, a new object per
 * event), which is what the figures compare with, and ours wrapped in one
 * immer `produce` per event, kept only as a labelled reference row.
 */

/** Emmett's commands carry `metadata.now`; the workload's commands carry both shapes. */
export type EmmettCartCommand = CartCommand & { metadata: { now: Date } };

/** Idiomatic Emmett: spread the parts that change, share the rest. Same semantics as `evolveCart`. */
export const evolveCartBySpread = (state: CartState, event: CartEvent): CartState => {
  switch (event.type) {
    case 'ProductItemAdded': {
      const { productId, quantity, unitPrice } = event.data;
      const known = state.lines.some((line) => line.productId === productId);
      const lines = known
        ? state.lines.map((line) =>
            line.productId === productId ? { ...line, quantity: line.quantity + quantity } : line,
          )
        : [...state.lines, { productId, quantity, unitPrice }];
      return { ...state, status: 'open', lines, itemCount: state.itemCount + quantity };
    }
    case 'CartConfirmed':
      return { ...state, status: 'confirmed', confirmedAt: event.data.confirmedAt };
  }
};

/** Reference only: our draft-mutating evolve under one `produce` per event. */
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
  evolve: evolveCartBySpread,
  initialState: initialCartState,
});

export const emmettImmerCartHandler = DeciderCommandHandler<CartState, EmmettCartCommand, CartEvent>({
  decide: decideOrThrow,
  evolve: evolveCartImmutably,
  initialState: initialCartState,
});
