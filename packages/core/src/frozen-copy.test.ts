import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenCopy, mutableCopy } from './frozen-copy.js';

describe('frozenCopy', () => {
  it('law: equal to its input, sharing no object with it, frozen all the way down', () => {
    const objects: object[] = [];
    const collect = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      objects.push(value);
      for (const item of Object.values(value)) collect(item);
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = frozenCopy(value);
        expect(copy).toEqual(value);
        objects.length = 0;
        collect(value);
        const originals = new Set(objects);
        objects.length = 0;
        collect(copy);
        for (const object of objects) {
          expect(Object.isFrozen(object)).toBe(true);
          expect(originals.has(object)).toBe(false);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps an own "__proto__" key of JSON data as data, not as a prototype (fast-check found it)', () => {
    const value = JSON.parse('{"__proto__": 0, "a": {"__proto__": {"b": 1}}}') as Record<string, unknown>;
    const copy = frozenCopy(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(copy).toEqual(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
  });

  it('copies Maps, Sets and Dates through structuredClone and freezes them', () => {
    const source = { tags: new Set(['a']), byId: new Map([['x', { n: 1 }]]), at: new Date(0) };
    const copy = frozenCopy(source);
    expect(copy).toEqual(source);
    expect(copy.tags).not.toBe(source.tags);
    expect(() => copy.tags.add('b')).toThrow();
    expect(() => copy.byId.set('y', { n: 2 })).toThrow();
  });

  it('leaves the original mutable', () => {
    const line = { sku: 'apple', qty: 1 };
    const copy = frozenCopy({ lines: [line] });
    line.qty = 2;
    expect(copy.lines[0]?.qty).toBe(1);
  });
});

describe('mutableCopy', () => {
  it('law: equal to its input, mutable, sharing no object with it (1,000 runs)', () => {
    const objectsOf = (value: unknown, into: object[] = []): object[] => {
      if (typeof value !== 'object' || value === null) return into;
      into.push(value);
      for (const item of Object.values(value)) objectsOf(item, into);
      return into;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = mutableCopy(value);
        expect(copy).toEqual(value);
        const originals = new Set(objectsOf(value));
        for (const object of objectsOf(copy)) {
          expect(originals.has(object)).toBe(false);
          expect(Object.isFrozen(object)).toBe(false);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('copies what is not plain data (a Map, a Date) and data deeper than 64 levels with structuredClone', () => {
    const state = { seen: new Map([['a', { n: 1 }]]), at: new Date(0) };
    const copy = mutableCopy(state);
    expect(copy).toEqual(state);
    expect(copy.seen).not.toBe(state.seen);
    expect(copy.seen.get('a')).not.toBe(state.seen.get('a'));
    let deep: { next?: unknown } = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(mutableCopy(root)).toEqual(root);
    const copied = mutableCopy(cycle);
    expect(copied.self).toBe(copied);
  });
});
