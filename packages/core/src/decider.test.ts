import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  cartCommandArb,
  cartDecider,
  CART_MAX_QTY,
  checkDeciderLaws,
  deciderSpec,
  type CartCommand,
  type CartEvent,
  type CartState,
  type Invariant,
} from '../../testing/src/index.js';
import { applyEvents, folder, rehydrate } from './decider.js';
import * as money from './money.js';

const eur = (amount: number) => money.unsafe(amount, 'EUR');
const meta = { commandId: 'cmd-1', actor: { kind: 'customer' as const, id: 'c-1' }, at: '2026-11-24T10:00:00Z' };
const add = (sku: string, qty: number, unitPrice = eur(100)): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty, unitPrice },
  metadata: meta,
});
const added = (sku: string, qty: number, unitPrice = eur(100)): CartEvent => ({
  type: 'ItemAdded',
  data: { sku, qty, unitPrice },
});
const checkOut: CartCommand = { type: 'CheckOut', data: {}, metadata: meta };
const abandon: CartCommand = { type: 'Abandon', data: {}, metadata: meta };
const remove = (sku: string): CartCommand => ({ type: 'RemoveItem', data: { sku }, metadata: meta });

describe('cart decider (the kernel test fixture): examples', () => {
  const cart = deciderSpec(cartDecider);

  it('adds, merges and removes lines', () => {
    cart.when(add('apple', 2)).then([added('apple', 2)]);
    cart
      .given([added('apple', 2)])
      .when(add('apple', 3))
      .thenState((s) => s.lines.length === 1 && s.lines[0]?.qty === 5);
    cart
      .given([added('apple', 2)])
      .when(remove('apple'))
      .thenState((s) => s.lines.length === 0 && s.status === 'open');
    cart.when(remove('apple')).thenError('unknown-item');
  });

  it('keeps one currency, one price per line and a quantity limit', () => {
    cart
      .given([added('apple', 1)])
      .when(add('pear', 1, money.unsafe(100, 'USD')))
      .thenError('currency-mismatch');
    cart
      .given([added('apple', 1)])
      .when(add('apple', 1, eur(120)))
      .thenError('price-changed');
    cart
      .given([added('apple', 90)])
      .when(add('apple', CART_MAX_QTY - 89))
      .thenError('too-many');
    cart
      .given([added('apple', 90)])
      .when(add('apple', CART_MAX_QTY - 90))
      .then([added('apple', 9)]);
  });

  it('checks out with the total taken from the lines and the time from the command', () => {
    cart
      .given([added('apple', 3), added('pear', 2, eur(250))])
      .when(checkOut)
      .then([{ type: 'CheckedOut', data: { total: eur(800), at: meta.at } }]);
    cart.when(checkOut).thenError('empty-cart');
    cart
      .given([added('apple', 1), added('apple', 1), { type: 'ItemRemoved', data: { sku: 'apple' } }])
      .when(checkOut)
      .thenError('empty-cart');
  });

  it('a total past the safe integer range is a domain error, not a wrong number', () => {
    cart
      .given([added('gold', 2, eur(Number.MAX_SAFE_INTEGER - 1))])
      .when(checkOut)
      .thenError('total-overflow');
  });

  it('a closed cart refuses everything', () => {
    const closed: CartEvent[] = [added('apple', 1), { type: 'Abandoned', data: { at: meta.at } }];
    for (const command of [add('apple', 1), remove('apple'), checkOut, abandon])
      cart.given(closed).when(command).thenError('cart-closed');
    cart.when(abandon).thenError('empty-cart');
  });
});

describe('rehydrate, applyEvents and folder', () => {
  const history = [added('apple', 1), added('pear', 2), added('apple', 4)];

  it('rehydrate folds from the initial state without touching it, and freezes the result', () => {
    const initial = JSON.stringify(cartDecider.initialState);
    const state = rehydrate(cartDecider, history);
    expect(state.lines.map((l) => [l.sku, l.qty])).toEqual([
      ['apple', 5],
      ['pear', 2],
    ]);
    expect(JSON.stringify(cartDecider.initialState)).toBe(initial);
    expect(Object.isFrozen(state) && Object.isFrozen(state.lines) && Object.isFrozen(state.lines[0])).toBe(true);
    expect(rehydrate(cartDecider, [])).toEqual(cartDecider.initialState);
    expect(rehydrate(cartDecider, [])).not.toBe(cartDecider.initialState);
  });

  it('applyEvents leaves the old state valid, shares what did not change, and returns it as is for no events', () => {
    const before = rehydrate(cartDecider, history);
    const after = applyEvents(cartDecider, before, [added('fig', 1)]);
    expect(before.lines).toHaveLength(2);
    expect(after.lines).toHaveLength(3);
    expect(after.lines[0]).toBe(before.lines[0]);
    expect(applyEvents(cartDecider, before, [])).toBe(before);
    expect(after).toEqual(rehydrate(cartDecider, [...history, added('fig', 1)]));
  });

  it('folder folds incrementally; each result is its own frozen copy', () => {
    const fold = folder(cartDecider);
    fold.push(history[0]!);
    const first = fold.result();
    fold.push(history[1]!);
    fold.push(history[2]!);
    expect(first.lines).toEqual([{ sku: 'apple', qty: 1, unitPrice: eur(100) }]);
    expect(fold.result()).toEqual(rehydrate(cartDecider, history));
    expect(Object.isFrozen(first)).toBe(true);
    const resumed = folder(cartDecider, first);
    resumed.push(history[1]!);
    expect(resumed.result().lines).toHaveLength(2);
    expect(first.lines).toHaveLength(1);
  });
});

/** The cart as a plain model, recomputed from the history alone. */
const expectedLines = (history: readonly CartEvent[]): Map<string, number> => {
  const lines = new Map<string, number>();
  for (const event of history)
    if (event.type === 'ItemAdded') lines.set(event.data.sku, (lines.get(event.data.sku) ?? 0) + event.data.qty);
    else if (event.type === 'ItemRemoved') lines.delete(event.data.sku);
  return lines;
};

const invariants: Record<string, Invariant<CartCommand, CartEvent, CartState>> = {
  'lines match a plain model of the history': (state, history) => {
    const model = expectedLines(history);
    const actual = new Map(state.lines.map((l) => [l.sku, l.qty]));
    return (
      (model.size === actual.size && [...model].every(([sku, qty]) => actual.get(sku) === qty)) ||
      `model ${JSON.stringify([...model])} vs state ${JSON.stringify([...actual])}`
    );
  },
  'one line per sku, quantities within 1..max': (state) =>
    new Set(state.lines.map((l) => l.sku)).size === state.lines.length &&
    state.lines.every((l) => Number.isSafeInteger(l.qty) && l.qty >= 1 && l.qty <= CART_MAX_QTY),
  'every line is priced in the cart currency': (state) =>
    state.lines.every((l) => l.unitPrice.currency === state.currency && l.unitPrice.amount > 0),
  'a total exists exactly when checked out, and equals the lines': (state) => {
    if (state.status !== 'checked-out') return state.total === null;
    const total = money.sum(
      state.currency ?? '',
      state.lines.map((l) => money.unsafe(l.unitPrice.amount * l.qty, l.unitPrice.currency)),
    );
    return E.isRight(total) && state.total !== null && money.equals(total.right, state.total);
  },
  'closedAt is set exactly in the terminal states': (state) =>
    (state.closedAt !== null) === (cartDecider.isTerminal?.(state) ?? false),
  'status is empty only before the first item': (state, history) =>
    (state.status === 'empty') === !history.some((e) => e.type === 'ItemAdded'),
  'a step produces at most one event': (_state, _history, step) => step.events.length <= 1,
};

describe('cart decider laws (model-based)', () => {
  it('the random commands reach every rule of the cart (so the laws are exercised)', () => {
    const outcomes = new Set<string>();
    for (const commands of fc.sample(fc.array(cartCommandArb(), { maxLength: 30 }), { numRuns: 1000, seed: 42 })) {
      let state = cartDecider.initialState;
      for (const command of commands) {
        const result = cartDecider.decide(command, state);
        if (E.isLeft(result)) outcomes.add(result.left.code);
        else {
          result.right.forEach((event) => outcomes.add(event.type));
          state = applyEvents(cartDecider, state, result.right);
        }
      }
    }
    expect([...outcomes].sort()).toEqual(
      [
        'Abandoned',
        'CheckedOut',
        'ItemAdded',
        'ItemRemoved',
        'cart-closed',
        'currency-mismatch',
        'empty-cart',
        'price-changed',
        'too-many',
        'total-overflow',
        'unknown-item',
      ].sort(),
    );
  });

  it('hold over 1000 random command sequences', () => {
    checkDeciderLaws({ decider: cartDecider, commands: cartCommandArb(), invariants, numRuns: 1000, maxCommands: 30 });
  });
});
