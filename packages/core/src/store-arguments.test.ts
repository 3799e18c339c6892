import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoInstant } from './codec.js';
import {
  appendArgumentsProblem,
  idProblem,
  integerOption,
  isIsoInstant,
  jsonValueProblem,
  optionsProblem,
  readAllArgumentsProblem,
  readArgumentsProblem,
} from './store-arguments.js';

// The checks are exercised through every store by the contract suite (invalid-arguments.ts,
// argument-laws.ts); these are the properties of the mechanism itself (issue 8.5).

const event = (data: unknown = {}) => ({
  event: { type: 'Happened', data },
  eventId: 'e-1',
  occurredAt: '2026-11-24T10:00:00Z',
  actor: { kind: 'admin', id: 'a' },
});

describe('store arguments', () => {
  it('the fast ISO-8601 check agrees with the IsoInstant codec (2,000 generated instants and near misses)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const near = fc
      .record({
        year: fc.oneof(
          fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
          fc.constantFrom('20a6', '2026 ', '-202'),
        ),
        month: two(13),
        day: two(32),
        hour: two(25),
        minute: two(61),
        second: two(61),
        fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{0,11}$/)),
        zone: fc.oneof(
          fc.constantFrom('Z', 'z', '', '+00:00', '-23:59', '+24:00', '+05:60', '+0500', ' Z'),
          two(25).map((h) => `+${h}:30`),
        ),
        sep: fc.constantFrom('T', 'T', 'T', 't', ' '),
      })
      .map((p) => `${p.year}-${p.month}-${p.day}${p.sep}${p.hour}:${p.minute}:${p.second}${p.fraction}${p.zone}`);
    fc.assert(
      fc.property(fc.oneof(near, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expect(isIsoInstant(text), text).toBe(IsoInstant.is(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a path names the field inside the data; keys that are not identifiers are quoted', () => {
    const data = { lines: [{ sku: 'a' }, { 'unit price': { amount: Number.NaN } }] };
    expect(appendArgumentsProblem('s', [event(data)], 'any')).toEqual({
      path: 'events[0].event.data.lines[1]["unit price"].amount',
      rule: 'json',
      message: 'events[0].event.data.lines[1]["unit price"].amount is NaN, which JSON cannot hold',
    });
  });

  it('a cycle is named as circular at the value that repeats; deep data as too deep', () => {
    const node: Record<string, unknown> = { a: [1] };
    (node['a'] as unknown[]).push({ back: node });
    expect(jsonValueProblem(node, 'state')).toMatchObject({ path: 'state.a[1].back', rule: 'circular' });
    let deep: unknown = 0;
    for (let i = 0; i < 1_001; i++) deep = [deep];
    expect(jsonValueProblem(deep, 'state')?.rule).toBe('too-deep');
    let fine: unknown = 0;
    for (let i = 0; i < 999; i++) fine = [fine];
    expect(jsonValueProblem(fine, 'state')).toBeUndefined();
  });

  it('data that would expand past the size budget stops early: a shared subtree counts each time it appears', () => {
    let dag: unknown = 'x'.repeat(100);
    for (let i = 0; i < 60; i++) dag = [dag, dag]; // 2^60 leaves if walked naively
    const started = Date.now();
    expect(appendArgumentsProblem('s', [event(dag)], 'any')).toMatchObject({ rule: 'too-long' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('never throws, whatever it is given: a throwing getter or proxy is an unreadable problem', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    const getter = Object.defineProperty({}, 'limit', {
      enumerable: true,
      get: () => {
        throw new Error('no limit');
      },
    });
    expect(readArgumentsProblem('s', proxy)).toMatchObject({ path: 'arguments', rule: 'unreadable' });
    expect(readAllArgumentsProblem(undefined, getter, () => undefined)).toMatchObject({ rule: 'unreadable' });
    expect(appendArgumentsProblem('s', [event(proxy)], 'any')).toMatchObject({ rule: 'unreadable' });
  });

  it('ids are limited to 1,024 UTF-8 bytes, counted exactly', () => {
    expect(idProblem('€'.repeat(341), 'id')).toBeUndefined(); // 1,023 bytes
    expect(idProblem('€'.repeat(342), 'id')?.rule).toBe('too-long'); // 1,026 bytes
    expect(idProblem('😀'.repeat(256), 'id')).toBeUndefined(); // 1,024 bytes
    expect(idProblem('😀'.repeat(257), 'id')?.rule).toBe('too-long');
    expect(idProblem(' \u00a0\t', 'id')?.rule).toBe('blank');
    expect(idProblem('\u00a0x', 'id')).toBeUndefined();
  });

  it('an option rule is looked up as an own key: toString, __proto__ and constructor are unknown options', () => {
    const rules = { limit: integerOption(0, 10) };
    for (const key of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const options = JSON.parse(`{"${key}": 1}`) as unknown;
      expect(optionsProblem(options, 'options', rules), key).toMatchObject({ rule: 'unknown-key' });
    }
    expect(optionsProblem({ limit: undefined }, 'options', rules)).toBeUndefined();
  });
});
