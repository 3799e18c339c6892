// The examples of README.md, run as tests so the README cannot drift from the code.
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, it } from 'vitest';
import { money } from '@ordersource/core';
import { moneyArb } from './arbitraries.js';
import { deciderSpec } from './decider-spec.js';
import { cartCommandArb } from './fixtures/cart-arbitraries.js';
import { cartDecider } from './fixtures/cart.js';
import { checkDeciderLaws } from './laws.js';

const meta = { commandId: 'c1', actor: { kind: 'customer', id: 'u1' }, at: '2026-11-24T10:00:00Z' } as const;
const eur = (amount: number) => money.unsafe(amount, 'EUR');
const added = { type: 'ItemAdded', data: { sku: 'apple', qty: 2, unitPrice: eur(100) } } as const;

describe('README examples', () => {
  it('checks out with the total of the lines', () => {
    deciderSpec(cartDecider)
      .given([added])
      .when({ type: 'CheckOut', data: {}, metadata: meta })
      .then([{ type: 'CheckedOut', data: { total: eur(200), at: meta.at } }]);
  });

  it('refuses an empty cart', () => {
    deciderSpec(cartDecider).when({ type: 'CheckOut', data: {}, metadata: meta }).thenError('empty-cart');
  });

  it('the cart laws hold', () => {
    checkDeciderLaws({
      decider: cartDecider,
      commands: cartCommandArb(),
      numRuns: 200,
      invariants: {
        'one line per sku': (state) => new Set(state.lines.map((l) => l.sku)).size === state.lines.length,
        'quantities are positive': (state) => state.lines.every((l) => l.qty > 0) || 'a line with qty <= 0',
      },
    });
  });

  it('a + b - b === a, or an overflow error', () => {
    fc.assert(
      fc.property(moneyArb({ currency: 'RUB' }), moneyArb({ currency: 'RUB' }), (a, b) => {
        const back = E.flatMap(money.add(a, b), (sum) => money.subtract(sum, b));
        return E.isRight(back) ? money.equals(back.right, a) : back.left.code === 'overflow';
      }),
    );
  });
});
