import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { NonEmptyString } from './actor.js';
import { IsoInstant, NonNegativeInt, PositiveInt, refine, SafeInt, strict } from './codec.js';
import { identityGuard } from './identity-guard.js';
import { eventCodec } from './message.js';

/** A codec from string to number: `is` checks the number, `decode` wants the string. */
const NumberFromString = new t.Type<number, string, unknown>(
  'NumberFromString',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && u !== '' && !Number.isNaN(Number(u)) ? t.success(Number(u)) : t.failure(u, c)),
  String,
);
/** Turns a missing value into 0. */
const WithDefault = new t.Type<number, number, unknown>(
  'WithDefault',
  (u): u is number => typeof u === 'number',
  (u, c) => (u === undefined ? t.success(0) : typeof u === 'number' ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const Line = t.strict({ sku: NonEmptyString, qty: PositiveInt, price: NonNegativeInt });
const codecs: Record<string, t.Any> = {
  taggedEvents: t.union([
    eventCodec('Added', Line),
    eventCodec('Confirmed', t.strict({ at: IsoInstant })),
    eventCodec('Noted', t.type({ note: t.string, tags: t.array(t.keyof({ a: null, b: null })) })),
  ]),
  untaggedUnion: t.union([t.strict({ a: t.number }), t.strict({ b: t.string }), t.string]),
  // The first member strips what the second keeps: io-ts takes the first.
  firstMemberWins: t.union([t.strict({ a: t.number }), t.type({ a: t.number, b: t.string })]),
  optional: t.intersection([t.type({ id: t.string }), t.partial({ n: WithDefault, m: SafeInt })]),
  partialWithDefault: t.partial({ n: WithDefault, s: t.string }),
  exactPartial: t.exact(t.partial({ x: t.boolean, y: t.null })),
  readonly: t.readonly(t.strict({ list: t.readonlyArray(refine(SafeInt, (n) => n % 2 === 0, 'Even')) })),
  transforming: t.strict({ amount: NumberFromString }),
  literalOrNull: t.union([t.literal('x'), t.null, t.undefined]),
  commandStrict: strict(t.type({ kind: t.literal('k'), data: t.type({ v: t.number }) })),
  unknownField: t.type({ any: t.unknown }),
};

/** Values near the codecs' shapes, and their near misses (extra keys, missing keys, wrong types). */
const nearby: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('Added', 'Confirmed', 'Noted', 'x', 'k', 'a', 'b', '', ' ', '12', '2026-11-24T10:00:00Z'),
    fc.constantFrom(0, 1, 2, -1, 1.5, Number.NaN, 2 ** 53, null, undefined, true, false),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'type',
        'data',
        'sku',
        'qty',
        'price',
        'at',
        'note',
        'tags',
        'a',
        'b',
        'id',
        'n',
        'm',
        's',
        'x',
        'y',
        'list',
        'amount',
        'kind',
        'v',
        'any',
        'extra',
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** Every own string key of `u` and of the objects inside it is enumerable (what `ownKeysEnumerable` promises). */
const ownKeysAllEnumerable = (u: unknown, depth: number): boolean => {
  if (typeof u !== 'object' || u === null) return true;
  if (depth > 20) return false;
  for (const key of Object.getOwnPropertyNames(u)) {
    if (Array.isArray(u) && key === 'length') continue;
    if (!Object.prototype.propertyIsEnumerable.call(u, key)) return false;
    if (!ownKeysAllEnumerable((u as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
};

describe('identityGuard: the decode fast path', () => {
  it('law: true only where decode returns the very input (5,000 runs per codec)', () => {
    for (const [name, codec] of Object.entries(codecs)) {
      const guard = identityGuard(codec);
      fc.assert(
        fc.property(fc.oneof(nearby, fc.anything()), (u) => {
          if (!guard(u)) return;
          const decoded = codec.decode(u);
          expect(E.isRight(decoded), name).toBe(true);
          expect(E.isRight(decoded) && Object.is(decoded.right, u), name).toBe(true);
        }),
        { numRuns: 5_000 },
      );
    }
  });

  it('law, ownKeysEnumerable: on values whose own keys are all enumerable, true only where decode returns the input (5,000 runs per codec)', () => {
    for (const [name, codec] of Object.entries(codecs)) {
      const guard = identityGuard(codec, { ownKeysEnumerable: true });
      const full = identityGuard(codec);
      fc.assert(
        fc.property(fc.oneof(nearby, fc.anything()), (u) => {
          if (!ownKeysAllEnumerable(u, 0)) return;
          // The same answer as the guard that lists every key, where its promise holds.
          expect(guard(u), name).toBe(full(u));
          if (!guard(u)) return;
          const decoded = codec.decode(u);
          expect(E.isRight(decoded) && Object.is(decoded.right, u), name).toBe(true);
        }),
        { numRuns: 5_000 },
      );
    }
  });

  it('ownKeysEnumerable: an undeclared key is refused, an inherited one too (left to decode); a hidden key is the promise broken', () => {
    const events = identityGuard(codecs.taggedEvents as t.Any, { ownKeysEnumerable: true });
    expect(events({ type: 'Added', data: { sku: 'apple', qty: 2, price: 100 } })).toBe(true);
    expect(events({ type: 'Added', data: { sku: 'apple', qty: 2, price: 100, ammount: 1 } })).toBe(false);
    expect(events({ type: 'Added', data: { sku: 'apple', qty: 2, price: 100 }, extra: 1 })).toBe(false);
    const inherited = Object.assign(Object.create({ ammount: 1 }) as object, { sku: 'apple', qty: 2, price: 100 });
    expect(events({ type: 'Added', data: inherited })).toBe(false);
    // Why only a store that built the objects itself may pass the option: for...in does not see this key.
    const hidden = { sku: 'apple', qty: 2, price: 100 };
    Object.defineProperty(hidden, 'secret', { value: 1, enumerable: false });
    expect(events({ type: 'Added', data: hidden })).toBe(true);
    expect(identityGuard(codecs.taggedEvents as t.Any)({ type: 'Added', data: hidden })).toBe(false);
  });

  it('fires on valid stored events, so the fast path is taken', () => {
    const guard = identityGuard(codecs.taggedEvents as t.Any);
    expect(guard({ type: 'Added', data: { sku: 'apple', qty: 2, price: 100 } })).toBe(true);
    expect(guard({ type: 'Confirmed', data: { at: '2026-11-24T10:00:00Z' } })).toBe(true);
    expect(guard({ type: 'Noted', data: { note: '', tags: ['a', 'b'], extra: 1 } })).toBe(true);
  });

  it('refuses what decode refuses or changes: unknown keys of strict, a missing key, a default, a transformation', () => {
    const events = identityGuard(codecs.taggedEvents as t.Any);
    expect(events({ type: 'Added', data: { sku: 'apple', qty: 2, price: 100, ammount: 1 } })).toBe(false);
    expect(events({ type: 'Added', data: { sku: 'apple', qty: 0, price: 100 } })).toBe(false);
    expect(events({ type: 'Added', data: { sku: ' ', qty: 1, price: 100 } })).toBe(false);
    expect(events({ type: 'Confirmed', data: { at: '2026-02-30T10:00:00Z' } })).toBe(false);
    const hidden = { sku: 'apple', qty: 2, price: 100 };
    Object.defineProperty(hidden, 'secret', { value: 1, enumerable: false });
    expect(events({ type: 'Added', data: hidden })).toBe(false);
    expect(identityGuard(codecs.partialWithDefault as t.Any)({ s: 'x' })).toBe(false);
    expect(identityGuard(codecs.transforming as t.Any)({ amount: 5 })).toBe(false);
    expect(identityGuard(t.type({ a: t.union([t.undefined, t.number]) }))({})).toBe(false);
    // io-ts takes the first member that validates, which strips b: not the input.
    expect(identityGuard(codecs.firstMemberWins as t.Any)({ a: 1, b: 'x' })).toBe(false);
    expect(identityGuard(codecs.firstMemberWins as t.Any)({ a: 1 })).toBe(true);
  });

  it('never throws: input whose getters throw is left to the full decode', () => {
    const guard = identityGuard(codecs.taggedEvents as t.Any);
    const hostile = {
      type: 'Added',
      get data(): never {
        throw new Error('no');
      },
    };
    expect(guard(hostile)).toBe(false);
  });
});
