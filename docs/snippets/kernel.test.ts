import { describe, expect, it } from 'vitest';
import { tour } from './cart.js';

describe('docs/kernel.md tour', () => {
  it('runs as documented and prints what the guide shows', async () => {
    const lines: string[] = [];
    await tour((line) => lines.push(line));
    expect(lines).toEqual([
      'invalid cart command: data.qty: must be PositiveInteger (got 0); data.unitPrice.amount: must be SafeInteger (got 1.5); metadata: required (CommandMetadata)',
      'cart-1: 1 line(s), total 900',
      'refused: the cart is already confirmed',
      'confirmed carts: 1',
      'as of 10:01 the cart was open',
    ]);
  });
});
