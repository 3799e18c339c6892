import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  domainError,
  eventCodec,
  IsoInstant,
  NonEmptyString,
  NonNegativeInt,
  PositiveInt,
  type Command,
  type Decider,
  type DomainError,
  type Event,
} from '@ordersource/core';

/**
 * The shopping cart of Emmett's getting-started guide, written once as a
 * decide/evolve pair. Every benchmark (our kernel, Emmett, the bare loops)
 * runs exactly these two functions, so differences come from the kernels.
 */

export type ProductItem = { productId: string; quantity: number; unitPrice: number };

export type AddProductItem = Command<'AddProductItem', ProductItem>;
export type ConfirmCart = Command<'ConfirmCart', Record<string, never>>;
export type CartCommand = AddProductItem | ConfirmCart;

export type ProductItemAdded = Event<'ProductItemAdded', ProductItem>;
export type CartConfirmed = Event<'CartConfirmed', { confirmedAt: string }>;
export type CartEvent = ProductItemAdded | CartConfirmed;

export type CartState = {
  status: 'empty' | 'open' | 'confirmed';
  lines: ProductItem[];
  itemCount: number;
  confirmedAt: string | null;
};

/** A fresh state each call: the bare loops mutate what they get. */
export const initialCartState = (): CartState => ({ status: 'empty', lines: [], itemCount: 0, confirmedAt: null });

export const decideCart = (command: CartCommand, state: CartState): E.Either<DomainError, readonly CartEvent[]> => {
  if (state.status === 'confirmed') return E.left(domainError('cart-confirmed', 'the cart is confirmed already'));
  switch (command.type) {
    case 'AddProductItem': {
      const { productId, quantity, unitPrice } = command.data;
      return E.right([{ type: 'ProductItemAdded', data: { productId, quantity, unitPrice } }]);
    }
    case 'ConfirmCart':
      if (state.status === 'empty') return E.left(domainError('cart-empty', 'an empty cart cannot be confirmed'));
      return E.right([{ type: 'CartConfirmed', data: { confirmedAt: command.metadata.at } }]);
  }
};

/** Mutates `state` in place: an immer draft, or a private plain object in the bare loops. */
export const evolveCart = (state: CartState, event: CartEvent): void => {
  switch (event.type) {
    case 'ProductItemAdded': {
      const { productId, quantity, unitPrice } = event.data;
      const line = state.lines.find((candidate) => candidate.productId === productId);
      // Copy, never alias the payload: lines are mutated by later events.
      if (line === undefined) state.lines.push({ productId, quantity, unitPrice });
      else line.quantity += quantity;
      state.itemCount += quantity;
      state.status = 'open';
      return;
    }
    case 'CartConfirmed':
      state.status = 'confirmed';
      state.confirmedAt = event.data.confirmedAt;
      return;
  }
};

export const cartDecider: Decider<CartCommand, CartEvent, CartState> = {
  initialState: initialCartState(),
  decide: decideCart,
  evolve: evolveCart,
};

const ProductItemCodec = t.strict({ productId: NonEmptyString, quantity: PositiveInt, unitPrice: NonNegativeInt });

/** What the command handler decodes stored events with, as any real user would. */
export const cartEventCodec: t.Type<CartEvent, unknown, unknown> = t.union([
  eventCodec('ProductItemAdded', ProductItemCodec),
  eventCodec('CartConfirmed', t.strict({ confirmedAt: IsoInstant })),
]);
