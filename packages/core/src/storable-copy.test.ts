import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_STORABLE, startStorableBatch, storableCopy } from './storable-copy.js';
import { jsonValueProblem } from './store-arguments.js';

const deeplyFrozen = (value: unknown): boolean =>
  typeof value !== 'object' ||
  value === null ||
  (Object.isFrozen(value) && Object.values(value).every((item) => deeplyFrozen(item)));

describe('storableCopy: the in-memory store copy and check of a decided payload in one walk (issue 18)', () => {
  it('law: what it accepts the store check accepts, copied equal, unshared and frozen all the way down (5,000 runs)', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        startStorableBatch();
        const copied = storableCopy(value);
        if (copied === NOT_STORABLE) return;
        expect(jsonValueProblem(value, 'data')).toBeUndefined();
        expect(copied).toEqual(value);
        expect(deeplyFrozen(copied)).toBe(true);
        if (typeof value === 'object' && value !== null) expect(copied).not.toBe(value);
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes plain JSON data, and leaves to the full check what the store refuses or might', () => {
    startStorableBatch();
    expect(storableCopy({ a: [1, 'x', null, true], b: { c: -0 } })).toEqual({ a: [1, 'x', null, true], b: { c: -0 } });
    for (const bad of [
      { n: Number.NaN },
      { u: undefined },
      // eslint-disable-next-line no-sparse-arrays -- a hole is what it checks
      [1, , 3],
      { d: new Date(0) },
      { s: 'nul\u0000' },
      { s: '\uD800' },
      { ['\uDC00']: 1 },
      JSON.parse('{"__proto__": 1}') as unknown,
      Object.create({ inherited: 1 }) as unknown,
      10n,
    ]) {
      startStorableBatch();
      expect(storableCopy(bad), String(bad)).toBe(NOT_STORABLE);
    }
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(storableCopy(throwing)).toBe(NOT_STORABLE);
  });
});
