import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { domainError, money, type Decider } from '@ordersource/core';
import { deciderSpec } from './decider-spec.js';
import { cartDecider, type CartCommand, type CartEvent } from './fixtures/cart.js';

const meta = { commandId: 'cmd-1', actor: { kind: 'customer' as const, id: 'c-1' }, at: '2026-11-24T10:00:00Z' };
const eur = (amount: number) => money.unsafe(amount, 'EUR');
const add = (sku: string, qty: number, price = eur(100)): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty, unitPrice: price },
  metadata: meta,
});
const added = (sku: string, qty: number, price = eur(100)): CartEvent => ({
  type: 'ItemAdded',
  data: { sku, qty, unitPrice: price },
});
const checkOut: CartCommand = { type: 'CheckOut', data: {}, metadata: meta };

const failureOf = (run: () => void): Error & { expected?: unknown; actual?: unknown } => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the spec to fail, it passed');
};

describe('deciderSpec', () => {
  const spec = deciderSpec(cartDecider);

  it('passes when the command produces exactly the expected events', () => {
    spec.when(add('apple', 2)).then([added('apple', 2)]);
    spec
      .given([added('apple', 2), added('pear', 1, eur(250))])
      .when(checkOut)
      .then([{ type: 'CheckedOut', data: { total: eur(450), at: meta.at } }]);
  });

  it('passes thenError by code or by predicate', () => {
    spec.when(checkOut).thenError('empty-cart');
    spec
      .given([added('apple', 98)])
      .when(add('apple', 2))
      .thenError((error) => error.code === 'too-many' && error.details?.['sku'] === 'apple');
  });

  it('passes thenState with a value or a predicate', () => {
    spec
      .given([added('apple', 2)])
      .when(add('apple', 3))
      .thenState({
        status: 'open',
        currency: 'EUR',
        lines: [{ sku: 'apple', qty: 5, unitPrice: eur(100) }],
        total: null,
        closedAt: null,
      });
    spec
      .given([added('apple', 2)])
      .when(checkOut)
      .thenState((state) => state.status === 'checked-out');
  });

  it('a wrong expectation fails with given, command, expected and actual in the message', () => {
    const error = failureOf(() =>
      spec
        .given([added('apple', 2)])
        .when(add('apple', 1))
        .then([added('apple', 7)]),
    );
    expect(error.message).toContain('given [');
    expect(error.message).toContain('"sku": "apple"');
    expect(error.message).toContain('when {');
    expect(error.message).toContain('"commandId": "cmd-1"');
    expect(error.message).toContain('then expected events');
    expect(error.message).toMatch(/but got events \[[\s\S]*"qty": 1/);
    expect(error.expected).toEqual([added('apple', 7)]);
    expect(error.actual).toEqual([added('apple', 1)]);
  });

  it('then fails when the command is refused, showing the DomainError', () => {
    const error = failureOf(() => spec.when(checkOut).then([]));
    expect(error.message).toContain('but got DomainError');
    expect(error.message).toContain('empty-cart');
  });

  it('thenError fails when the command succeeds or the code differs', () => {
    expect(failureOf(() => spec.when(add('apple', 1)).thenError('empty-cart')).message).toMatch(
      /expected DomainError with code "empty-cart"\nbut got events/,
    );
    const wrongCode = failureOf(() => spec.when(checkOut).thenError('cart-closed'));
    expect(wrongCode.message).toContain('but got DomainError');
    expect(wrongCode.expected).toBe('cart-closed');
    expect(wrongCode.actual).toBe('empty-cart');
    expect(failureOf(() => spec.when(checkOut).thenError(() => false)).message).toContain('the predicate accepts');
  });

  it('thenState fails with the expected and the actual state', () => {
    const error = failureOf(() => spec.when(add('fig', 1)).thenState(cartDecider.initialState));
    expect(error.message).toContain('then expected state');
    expect(error.message).toContain('but the state is');
    expect(error.actual).toMatchObject({ status: 'open' });
    expect(failureOf(() => spec.when(checkOut).thenState(cartDecider.initialState)).message).toContain(
      'expected a new state',
    );
    expect(failureOf(() => spec.when(add('fig', 1)).thenState(() => false)).message).toContain('predicate');
  });

  it('a decide that throws is reported as a broken decider, not as an error value', () => {
    const throwing: Decider<{ type: 'go' }, { type: 'went' }, null> = {
      initialState: null,
      decide: () => {
        throw new Error('boom');
      },
      evolve: () => undefined,
    };
    const error = failureOf(() => deciderSpec(throwing).when({ type: 'go' }).thenError('x'));
    expect(error.message).toContain('decide THREW');
    expect(error.message).toContain('boom');
  });

  it('refuses to be awaited as a promise', () => {
    const pending = deciderSpec(cartDecider).when(checkOut) as unknown as PromiseLike<unknown>;
    expect(() => pending.then(() => undefined)).toThrow('do not await');
  });

  it('works for any decider', () => {
    const counter: Decider<{ type: 'inc'; by: number }, { type: 'inced'; by: number }, number> = {
      initialState: 0,
      decide: (command, state) =>
        state + command.by > 3
          ? E.left(domainError('too-big', 'over 3'))
          : E.right([{ type: 'inced', by: command.by }]),
      evolve: () => undefined,
    };
    deciderSpec(counter)
      .when({ type: 'inc', by: 2 })
      .then([{ type: 'inced', by: 2 }]);
    deciderSpec(counter).when({ type: 'inc', by: 4 }).thenError('too-big');
  });
});
