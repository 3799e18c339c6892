import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCheckpoints, comparePositions, decodeCheckpoint, encodePosition } from './position.js';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const position = fc.record({ commit: u64, prepare: u64 });

describe('checkpoints: an $all position as an opaque string', () => {
  it('round-trips every pair of unsigned 64-bit positions, through JSON too', () => {
    fc.assert(
      fc.property(position, (p) => {
        const checkpoint = encodePosition(p);
        expect(decodeCheckpoint(checkpoint)).toEqual(p);
        expect(JSON.parse(JSON.stringify({ checkpoint })) as unknown).toEqual({ checkpoint });
      }),
      { numRuns: 1_000 },
    );
  });

  it('orders checkpoints as the log does: by commit, then by prepare', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected =
          a.commit === b.commit ? Math.sign(Number(a.prepare - b.prepare)) : a.commit < b.commit ? -1 : 1;
        expect(Math.sign(compareCheckpoints(encodePosition(a), encodePosition(b)))).toBe(expected);
        expect(Math.sign(comparePositions(b, a))).toBe(-expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps positions past 2^53 exact (a number would round them)', () => {
    const big = { commit: 2n ** 53n + 1n, prepare: 2n ** 64n - 1n };
    expect(encodePosition(big)).toBe('C:9007199254740993/P:18446744073709551615');
    expect(decodeCheckpoint(encodePosition(big))).toEqual(big);
  });

  it.each([
    ['', 'empty'],
    ['42', "another store's checkpoint"],
    ['C:1/P:', 'no prepare'],
    ['C:01/P:1', 'a leading zero'],
    ['C:-1/P:1', 'a sign'],
    ['C:1/P:18446744073709551616', 'past 2^64 - 1'],
    [' C:1/P:1', 'surrounding space'],
  ])('refuses %j (%s) with an invalid-checkpoint error', (text) => {
    expect(() => decodeCheckpoint(text)).toThrow(expect.objectContaining({ kind: 'invalid-checkpoint' }));
  });
});
