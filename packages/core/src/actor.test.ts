import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonEmptyString, notBlank } from './actor.js';

describe('NonEmptyString', () => {
  it('notBlank answers exactly as trim does, for any string (white space of every kind included)', () => {
    const space = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u00a0',
      '\u1680',
      '\u2003',
      '\u2028',
      '\u3000',
      '\ufeff',
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(fc.oneof(space, fc.string({ unit: 'grapheme', maxLength: 2 }))).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (s) => notBlank(s) === s.trim().length > 0),
      { numRuns: 5_000 },
    );
  });

  it('refuses the empty string and white space only, takes anything else', () => {
    for (const blank of ['', ' ', '\t\n', '\u00a0', '\u3000 \ufeff']) expect(NonEmptyString.is(blank)).toBe(false);
    for (const id of ['a', ' a', '\u00a0x', 'заказ-1', '~']) expect(NonEmptyString.is(id)).toBe(true);
    expect(NonEmptyString.is(1)).toBe(false);
  });
});
