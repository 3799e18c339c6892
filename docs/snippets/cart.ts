// The kernel tour from docs/kernel.md, as a program that really runs
// (docs/snippets/kernel.test.ts executes it). A tiny shopping cart: the same
// workload Emmett's docs and our benchmarks use.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  commandCodec,
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  createProjectionRunner,
  decode,
  domainError,
  eventCodec,
  MoneyCodec,
  NonEmptyString,
  PositiveInt,
  stateAsOf,
  type Command,
  type Decider,
  type Event,
  type Money,
  type Projection,
} from '@ordersource/core';

// 1. Messages: plain data, with codecs for the boundary.
export const AddItemData = t.strict({ sku: NonEmptyString, qty: PositiveInt, unitPrice: MoneyCodec });
export type AddItem = Command<'AddItem', t.TypeOf<typeof AddItemData>>;
export type Confirm = Command<'Confirm', Record<string, never>>;
export type CartCommand = AddItem | Confirm;

export type ItemAdded = Event<'ItemAdded', { sku: string; qty: number; unitPrice: Money }>;
export type CartConfirmed = Event<'CartConfirmed', { confirmedAt: string }>;
export type CartEvent = ItemAdded | CartConfirmed;

export const decodeCartCommand = decode(
  t.union([commandCodec('AddItem', AddItemData), commandCodec('Confirm', t.strict({}))]),
  'cart command',
);
export const CartEventCodec = t.union([
  eventCodec('ItemAdded', AddItemData),
  eventCodec('CartConfirmed', t.strict({ confirmedAt: t.string })),
]);

// 2. The decider: pure functions, errors as values, time from the command.
export type Cart = { items: { sku: string; qty: number }[]; total: number; confirmedAt: string | null };

export const cartDecider: Decider<CartCommand, CartEvent, Cart> = {
  initialState: { items: [], total: 0, confirmedAt: null },
  decide: (command, cart) => {
    if (cart.confirmedAt !== null) return E.left(domainError('cart-confirmed', 'the cart is already confirmed'));
    switch (command.type) {
      case 'AddItem':
        return E.right([{ type: 'ItemAdded', data: command.data }]);
      case 'Confirm':
        return cart.items.length === 0
          ? E.left(domainError('cart-empty', 'an empty cart cannot be confirmed'))
          : E.right([{ type: 'CartConfirmed', data: { confirmedAt: command.metadata.at } }]);
    }
  },
  evolve: (cart, event) => {
    switch (event.type) {
      case 'ItemAdded':
        cart.items.push({ sku: event.data.sku, qty: event.data.qty });
        cart.total += event.data.qty * event.data.unitPrice.amount;
        return;
      case 'CartConfirmed':
        cart.confirmedAt = event.data.confirmedAt;
    }
  },
  isTerminal: (cart) => cart.confirmedAt !== null,
};

// 3. A projection: a read model folded from every cart's events.
const revenue: Projection<{ confirmedCarts: number }, CartEvent> = {
  name: 'confirmed-carts',
  initialState: { confirmedCarts: 0 },
  decode: createEnvelopeDecoder(CartEventCodec),
  filter: { eventTypes: ['CartConfirmed'] },
  evolve: (model) => {
    model.confirmedCarts += 1;
  },
};

export const tour = async (log: (line: string) => void = console.log) => {
  const store = createInMemoryEventStore();
  const carts = createCommandHandler({
    store,
    decider: cartDecider,
    decodeEnvelope: createEnvelopeDecoder(CartEventCodec),
  });
  const metadata = (commandId: string, at: string) => ({
    commandId,
    actor: { kind: 'customer' as const, id: 'c-7' },
    at,
  });

  // Input from outside is decoded first; a bad command names its field and rule.
  const bad = decodeCartCommand({
    type: 'AddItem',
    data: { sku: 'tea', qty: 0, unitPrice: { amount: 1.5, currency: 'EUR' } },
  });
  if (E.isLeft(bad)) log(bad.left.message);

  const add = decodeCartCommand({
    type: 'AddItem',
    data: { sku: 'tea', qty: 2, unitPrice: { amount: 450, currency: 'EUR' } },
    metadata: metadata('cmd-1', '2026-11-24T10:00:00Z'),
  });
  if (E.isLeft(add)) throw new Error(add.left.message);
  await carts.handle('cart-1', add.right);
  await carts.handle('cart-1', add.right); // same commandId: appends nothing
  const confirmed = await carts.handle('cart-1', {
    type: 'Confirm',
    data: {},
    metadata: metadata('cmd-2', '2026-11-24T10:05:00Z'),
  });
  // `handle` returns the events and the version; the state is read with `load` (a frozen copy).
  const cart = await carts.load('cart-1');
  if (E.isRight(confirmed) && E.isRight(cart))
    log(`cart-1: ${cart.right.state.items.length} line(s), total ${cart.right.state.total}`);

  const again = await carts.handle('cart-1', {
    type: 'Confirm',
    data: {},
    metadata: metadata('cmd-3', '2026-11-24T10:06:00Z'),
  });
  if (E.isLeft(again)) log(`refused: ${again.left.message}`);

  const runner = createProjectionRunner(store, revenue);
  await runner.catchUp();
  log(`confirmed carts: ${runner.state().confirmedCarts}`);

  const before = await stateAsOf(store, cartDecider, createEnvelopeDecoder(CartEventCodec), 'cart-1', {
    at: '2026-11-24T10:01:00Z',
  });
  if (E.isRight(before))
    log(`as of 10:01 the cart was ${before.right.state.confirmedAt === null ? 'open' : 'confirmed'}`);
};
