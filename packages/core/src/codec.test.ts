import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { decodeCartCommand } from '../../testing/src/index.js';
import { hostileThunkArb, unreadableInputs } from '../../testing/src/hostile-input.js';
import { decode, IsoInstant, NonNegativeInt, PositiveInt, refine, SafeInt, strict } from './codec.js';
import type { ValidationError } from './errors.js';
import { CommandMetadataCodec } from './message.js';

const issuesOf = (result: E.Either<ValidationError, unknown>): string[] => {
  if (E.isRight(result)) throw new Error(`expected a validation error, decoded ${JSON.stringify(result.right)}`);
  expect(result.left.kind).toBe('validation');
  return result.left.issues.map((issue) => `${issue.path} ${issue.rule}`);
};

const metadata = { commandId: 'cmd-1', actor: { kind: 'customer', id: 'c-1' }, at: '2026-11-24T10:00:00Z' };
const addItem = {
  type: 'AddItem',
  data: { sku: 'apple', qty: 2, unitPrice: { amount: 100, currency: 'EUR' } },
  metadata,
};

describe('decode at the boundary', () => {
  it('decodes a valid command', () => {
    expect(decodeCartCommand(addItem)).toEqual(E.right(addItem));
  });

  it('issue 8.3: an unknown key at any depth is an error naming it, never silently dropped', () => {
    const result = decodeCartCommand({
      ...addItem,
      extra: 1,
      data: { ...addItem.data, hack: true, unitPrice: { amount: 100, currency: 'EUR', cents: 1 } },
      metadata: { ...metadata, actor: { ...metadata.actor, role: 'root' } },
    });
    expect(issuesOf(result).sort()).toEqual(
      [
        'extra unknown field',
        'data.hack unknown field',
        'data.unitPrice.cents unknown field',
        'metadata.actor.role unknown field',
      ].sort(),
    );
    expect(E.isLeft(result) && result.left.message).toContain('data.hack: unknown field');
  });

  it('issue 8.3: unknown keys are named beside the other failures (a misspelt required field)', () => {
    const { sku, ...rest } = addItem.data;
    const result = decodeCartCommand({ ...addItem, data: { ...rest, skuu: sku } });
    expect(issuesOf(result)).toEqual(['data.sku NonEmptyString', 'data.skuu unknown field']);
  });

  it('strict sees through intersections, arrays, refinements, unions and records', () => {
    const Line = refine(t.strict({ sku: t.string }), (l) => l.sku !== 'x', 'Line');
    const Codec = strict(
      t.intersection([
        t.strict({ lines: t.array(Line), rate: t.union([t.literal('none'), t.strict({ bp: SafeInt })]) }),
        t.exact(t.partial({ tags: t.record(t.string, t.strict({ on: t.boolean })) })),
      ]),
    );
    expect(decode(Codec)({ lines: [{ sku: 'a' }], rate: { bp: 5 }, tags: { a: { on: true } } })).toEqual(
      E.right({ lines: [{ sku: 'a' }], rate: { bp: 5 }, tags: { a: { on: true } } }),
    );
    expect(
      issuesOf(
        decode(Codec)({
          lines: [{ sku: 'a' }, { sku: 'b', qty: 1 }],
          rate: { bp: 5, pct: 1 },
          tags: { a: { on: true, off: false } },
          '': 1,
          ['__proto__']: 1,
        }),
      ).sort(),
    ).toEqual(
      [
        'lines.1.qty unknown field',
        'rate.pct unknown field',
        'tags.a.off unknown field',
        '"" unknown field',
        '__proto__ unknown field',
      ].sort(),
    );
  });

  it('a codec without strict still drops unknown keys (events read from storage stay tolerant)', () => {
    expect(decode(t.strict({ a: t.number }))({ a: 1, b: 2 })).toEqual(E.right({ a: 1 }));
  });

  it('lists every failing field with its path and the rule it broke', () => {
    const result = decodeCartCommand({
      type: 'AddItem',
      data: { sku: '  ', qty: 0, unitPrice: { amount: 1.5, currency: 'RUR' } },
      metadata: { commandId: '', actor: { kind: 'robot', id: 'r' }, at: 'yesterday' },
    });
    const issues = issuesOf(result);
    for (const expected of [
      'data.sku NonEmptyString',
      'data.qty PositiveInteger',
      'data.unitPrice.amount PositiveInteger',
      'data.unitPrice.currency Currency(ISO 4217)',
      'metadata.commandId NonEmptyString',
      'metadata.actor.kind ActorKind',
      'metadata.at IsoInstant',
    ])
      expect(issues).toContain(expected);
    const message = E.isLeft(result) ? result.left.message : '';
    expect(message).toContain('data.qty: must be PositiveInteger (got 0)');
    expect(message).toContain('metadata.at: must be IsoInstant (got "yesterday")');
    expect(message.startsWith('invalid cart command:')).toBe(true);
  });

  it('reports a missing field once, as required, with the type declared for it', () => {
    const result = decodeCartCommand({ type: 'RemoveItem', data: {} });
    const error = E.isLeft(result) ? result.left : undefined;
    expect(error?.issues.filter((i) => i.path === 'metadata')).toHaveLength(1);
    expect(error?.message).toContain('metadata: required (CommandMetadata)');
    expect(error?.message).toContain('data.sku: required (NonEmptyString)');
  });

  it('an unknown command type is one issue naming the union, not one per member', () => {
    expect(issuesOf(decodeCartCommand({ type: 'Nope', data: {}, metadata }))).toEqual([
      '(root) (AddItem | RemoveItem | CheckOut | Abandon)',
    ]);
  });

  it('names paths inside arrays and nested objects', () => {
    const Order = t.strict({ lines: t.array(t.strict({ sku: t.string, qty: PositiveInt })) });
    expect(
      issuesOf(decode(Order, 'order')({ lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: -1 }, { qty: 2 }] })),
    ).toEqual(['lines.1.qty PositiveInteger', 'lines.2.sku string']);
  });

  it('reports a non-object input at the root', () => {
    expect(issuesOf(decode(CommandMetadataCodec)(42))).toEqual(['(root) CommandMetadata']);
    expect(issuesOf(decode(CommandMetadataCodec)(null))).toEqual(['(root) CommandMetadata']);
    const result = decodeCartCommand({ ...addItem, metadata: 'oops' });
    expect(E.isLeft(result) && result.left.message).toContain('metadata: must be CommandMetadata (got "oops")');
  });

  it('refine names its rule and keeps the base codec errors', () => {
    const Even = refine(SafeInt, (n) => n % 2 === 0, 'EvenInteger');
    expect(decode(Even)(4)).toEqual(E.right(4));
    expect(issuesOf(decode(Even)(3))).toEqual(['(root) EvenInteger']);
    // A value the base codec refuses fails the refinement too (it is not an even integer).
    expect(issuesOf(decode(Even)(2.5))).toEqual(['(root) EvenInteger']);
  });

  it('integers: no floats, no NaN, no strings, no unsafe values, and the sign rules', () => {
    for (const bad of [1.5, Number.NaN, Infinity, '1', 2 ** 53, null])
      expect(E.isLeft(decode(SafeInt)(bad)), String(bad)).toBe(true);
    expect(decode(SafeInt)(-(2 ** 53) + 1)).toEqual(E.right(-(2 ** 53) + 1));
    expect(issuesOf(decode(NonNegativeInt)(-1))).toEqual(['(root) NonNegativeInteger']);
    expect(decode(NonNegativeInt)(0)).toEqual(E.right(0));
    expect(issuesOf(decode(PositiveInt)(0))).toEqual(['(root) PositiveInteger']);
  });

  it('IsoInstant keeps valid instants as given and rejects everything else', () => {
    for (const ok of [
      '2026-11-24T10:00:00Z',
      '2026-11-24T10:00:00.123Z',
      '2026-11-24T13:00:00+03:00',
      '2026-11-24T05:00:00.123456789-05:00',
      '2024-02-29T00:00:00Z',
    ])
      expect(decode(IsoInstant)(ok), ok).toEqual(E.right(ok));
    for (const bad of [
      '2026-11-24',
      '2026-11-24T10:00:00',
      '2026-11-24 10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T00:00:00+25:00',
      'now',
      1764000000000,
    ])
      expect(E.isLeft(decode(IsoInstant)(bad)), String(bad)).toBe(true);
  });
});

describe('decode returns a value for any input (issue 8.5)', () => {
  const codecs: readonly ((input: unknown) => E.Either<ValidationError, unknown>)[] = [
    decodeCartCommand,
    decode(CommandMetadataCodec),
    decode(strict(t.intersection([t.strict({ a: t.array(SafeInt) }), t.exact(t.partial({ b: IsoInstant }))]))),
  ];

  it('issue 8.5: getters and proxies that throw are a Left, not an exception', () => {
    for (const input of unreadableInputs())
      for (const run of codecs) {
        const result = run(input);
        expect(E.isLeft(result) && result.left.issues.length > 0).toBe(true);
      }
    // A proxy whose every trap throws cannot be read at all: one issue at the root says so.
    const proxy = decodeCartCommand(unreadableInputs()[1]);
    expect(E.isLeft(proxy) && proxy.left.issues.map((i) => `${i.path} ${i.rule}`)).toEqual(['(root) readable input']);
  });

  it('issue 8.5: never throws; every issue of a Left names a path (1,000 runs)', () => {
    fc.assert(
      fc.property(hostileThunkArb(), (make) => {
        const input = make();
        return codecs.every((run) => {
          const result = run(input);
          return E.isRight(result) || (result.left.issues.length > 0 && result.left.issues.every((i) => i.path !== ''));
        });
      }),
      { numRuns: 1_000 },
    );
  });
});
