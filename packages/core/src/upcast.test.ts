import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { hostileThunkArb, pathsOf, replaceAt, unreadableInputs } from '../../testing/src/hostile-input.js';
import { NonEmptyString } from './actor.js';
import { PositiveInt } from './codec.js';
import type { Envelope } from './envelope.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import { eventCodec, type Event } from './message.js';
import { MoneyCodec, type Money } from './money.js';
import { acceptsUnchangedOf, createEnvelopeDecoder, type Upcaster } from './upcast.js';

/**
 * History of one event: v1 `ItemPut { sku, quantity, priceCents }` (prices
 * were always euros), v2 renamed it `ItemAdded { sku, qty, priceCents }`, v3
 * made the price Money.
 */
type ItemAdded = Event<'ItemAdded', { sku: string; qty: number; unitPrice: Money }>;
type Noted = Event<'Noted', { text: string }>;
const codec = t.union([
  eventCodec('ItemAdded', t.strict({ sku: NonEmptyString, qty: PositiveInt, unitPrice: MoneyCodec })),
  eventCodec('Noted', t.strict({ text: t.string })),
]) as unknown as t.Type<ItemAdded | Noted, unknown, unknown>;

const upcasters: Upcaster[] = [
  {
    type: 'ItemPut',
    fromVersion: 1,
    renameTo: 'ItemAdded',
    up: (data) => {
      const { sku, quantity, priceCents } = data as { sku: string; quantity: number; priceCents: number };
      return { sku, qty: quantity, priceCents };
    },
  },
  {
    type: 'ItemAdded',
    fromVersion: 2,
    up: (data) => {
      const { priceCents, ...rest } = data as { priceCents: number };
      return { ...rest, unitPrice: { amount: priceCents, currency: 'EUR' } };
    },
  },
];
const decodeEnvelope = createEnvelopeDecoder(codec, { upcasters, currentVersions: { ItemAdded: 3 } });

const envelope = (type: string, data: unknown, schemaVersion: number, streamVersion = 0): Envelope => ({
  event: { type, data },
  eventId: `e-${streamVersion}`,
  streamId: 'cart-1',
  streamVersion,
  globalPosition: String(streamVersion + 1),
  occurredAt: '2026-11-24T10:00:00Z',
  recordedAt: '2026-11-24T10:00:00Z',
  actor: { kind: 'customer', id: 'c-1' },
  schemaVersion,
});

const current = { sku: 'apple', qty: 2, unitPrice: { amount: 150, currency: 'EUR' } };

describe('upcasting on read', () => {
  it('lifts v1 through rename and reshape to the current v3', () => {
    const result = decodeEnvelope(envelope('ItemPut', { sku: 'apple', quantity: 2, priceCents: 150 }, 1));
    expect(result).toEqual(
      E.right(expect.objectContaining({ event: { type: 'ItemAdded', data: current }, schemaVersion: 3 })),
    );
  });

  it('lifts v2 one step and leaves v3 as it is', () => {
    expect(decodeEnvelope(envelope('ItemAdded', { sku: 'apple', qty: 2, priceCents: 150 }, 2))).toEqual(
      E.right(expect.objectContaining({ event: { type: 'ItemAdded', data: current }, schemaVersion: 3 })),
    );
    expect(decodeEnvelope(envelope('ItemAdded', current, 3))).toEqual(
      E.right(expect.objectContaining({ event: { type: 'ItemAdded', data: current }, schemaVersion: 3 })),
    );
  });

  it('keeps the rest of the envelope', () => {
    const raw = envelope('ItemPut', { sku: 'apple', quantity: 2, priceCents: 150 }, 1, 7);
    const decoded = decodeEnvelope(raw);
    expect(E.isRight(decoded) && { ...decoded.right, event: raw.event, schemaVersion: 1 }).toEqual(raw);
  });

  it('types without upcasters default to version 1', () => {
    expect(decodeEnvelope(envelope('Noted', { text: 'hi' }, 1))).toEqual(
      E.right(expect.objectContaining({ event: { type: 'Noted', data: { text: 'hi' } }, schemaVersion: 1 })),
    );
  });

  it('a missing upcaster is a validation error naming the type, the versions and where the event is', () => {
    const missing = createEnvelopeDecoder(codec, {
      upcasters: upcasters.slice(0, 1),
      currentVersions: { ItemAdded: 3 },
    });
    const result = missing(envelope('ItemPut', { sku: 'apple', quantity: 2, priceCents: 150 }, 1, 4));
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left.issues).toEqual([
        expect.objectContaining({ path: 'schemaVersion', rule: 'no upcaster from ItemAdded v2 to v3', value: 1 }),
      ]);
      expect(result.left.message).toContain('stream "cart-1" version 4 (ItemPut)');
    }
  });

  it('an event newer than the code knows is refused, not guessed at', () => {
    const result = decodeEnvelope(envelope('ItemAdded', current, 4));
    expect(E.isLeft(result) && result.left.issues[0]?.rule).toBe('no upcaster from ItemAdded v4 to v3');
    const noted = decodeEnvelope(envelope('Noted', { text: 'hi' }, 2));
    expect(E.isLeft(noted)).toBe(true);
  });

  it('data that is still wrong after upcasting lists every failing field', () => {
    const result = decodeEnvelope(envelope('ItemPut', { sku: '', quantity: 0, priceCents: 1.5 }, 1));
    expect(E.isLeft(result) && result.left.issues.map((i) => `${i.path} ${i.rule}`)).toEqual([
      'data.sku NonEmptyString',
      'data.qty PositiveInteger',
      'data.unitPrice.amount SafeInteger',
    ]);
  });

  it('an upcaster that cannot read an old row is a validation error, not a crash', () => {
    const result = decodeEnvelope(envelope('ItemPut', null, 1, 2));
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left.issues[0]).toMatchObject({ path: 'data', value: null });
      expect(result.left.issues[0]?.rule).toMatch(/^upcaster ItemPut v1 failed: /);
      expect(result.left.message).toContain('stream "cart-1" version 2 (ItemPut)');
    }
  });

  it('upcasts frozen stored payloads without changing them', async () => {
    const store = createInMemoryEventStore();
    const old = { sku: 'apple', quantity: 2, priceCents: 150 };
    await store.append(
      'cart-1',
      [
        {
          event: { type: 'ItemPut', data: old },
          eventId: 'e1',
          occurredAt: '2026-11-24T10:00:00Z',
          actor: { kind: 'admin', id: 'a' },
          schemaVersion: 1,
        },
      ],
      'no-stream',
    );
    for (let round = 0; round < 2; round++)
      for await (const raw of store.read('cart-1')) {
        expect(decodeEnvelope(raw)).toEqual(
          E.right(expect.objectContaining({ event: { type: 'ItemAdded', data: current } })),
        );
        expect(raw.event).toEqual({ type: 'ItemPut', data: { sku: 'apple', quantity: 2, priceCents: 150 } });
        expect(raw.schemaVersion).toBe(1);
      }
  });
});

describe('an envelope decoder returns a value for any input (issue 8.5)', () => {
  const decodeEnvelope = createEnvelopeDecoder(codec, { upcasters, currentVersions: { ItemAdded: 3 } });
  const valid = {
    eventId: 'e-1',
    streamId: 'cart-1',
    streamVersion: 0,
    globalPosition: '1',
    occurredAt: '2026-11-24T10:00:00Z',
    recordedAt: '2026-11-24T10:00:00Z',
    actor: { kind: 'system', id: 's' },
    schemaVersion: 1,
    event: { type: 'ItemPut', data: { sku: 'a', quantity: 1, priceCents: 100 } },
  };

  it('issue 8.5: null, numbers, arrays and unreadable objects are Left, never a TypeError', () => {
    for (const input of [null, undefined, 0, Number.NaN, 'x', [], {}, { event: 1 }, ...unreadableInputs()]) {
      const decoded = decodeEnvelope(input as Envelope);
      expect(E.isLeft(decoded) && decoded.left.issues.length > 0).toBe(true);
    }
  });

  it('issue 8.5: never throws; a Left names a path per issue (1,000 runs, upcasters on the way)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileThunkArb(),
          fc.tuple(fc.constantFrom(...pathsOf(valid)), hostileThunkArb()).map(
            ([path, make]) =>
              () =>
                replaceAt(valid, path, make()),
          ),
        ),
        (make) => {
          const decoded = decodeEnvelope(make() as Envelope);
          return E.isRight(decoded) || decoded.left.issues.every((issue) => issue.path.length > 0);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("acceptsUnchangedOf: the decoder's test without an Either (issue 18)", () => {
  const plainDecoder = createEnvelopeDecoder(codec);
  const accepts = acceptsUnchangedOf(plainDecoder);
  // The same decoding, but with a declared version the test skips for: it always takes the full path.
  const fullPath = createEnvelopeDecoder(codec, { currentVersions: { Unrelated: 1 } });
  const envelopeWith = (event: unknown, schemaVersion: unknown): Envelope =>
    ({
      event,
      eventId: 'e-1',
      streamId: 'cart-1',
      streamVersion: 0,
      globalPosition: '1',
      occurredAt: '2026-11-24T10:00:00Z',
      recordedAt: '2026-11-24T10:00:00Z',
      actor: { kind: 'system', id: 'test' },
      schemaVersion,
    }) as unknown as Envelope;
  const eventArb = fc.oneof(
    fc.record({
      type: fc.constantFrom('ItemAdded', 'Noted', 'Other'),
      data: fc.oneof(
        fc.record({
          sku: fc.constantFrom('tea', '', ' '),
          qty: fc.integer({ min: -1, max: 3 }),
          unitPrice: fc.anything(),
        }),
        fc.record({ text: fc.oneof(fc.string(), fc.integer()) }),
        fc.anything(),
      ),
    }),
    fc.anything(),
  );

  it('law: true only where the decoder returns Right of the very envelope (2,000 runs)', () => {
    expect(accepts).toBeDefined();
    fc.assert(
      fc.property(eventArb, fc.constantFrom<unknown>(1, 2, 0, '1', undefined), (event, schemaVersion) => {
        const envelope = envelopeWith(event, schemaVersion);
        if (accepts?.(envelope) !== true) return;
        const decoded = fullPath(envelope);
        expect(E.isRight(decoded) && decoded.right === envelope).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes the usual row and refuses a wrong field, another version, and any decoder with upcasters', () => {
    const good = envelopeWith({ type: 'Noted', data: { text: 'hi' } }, 1);
    expect(accepts?.(good)).toBe(true);
    expect(accepts?.(envelopeWith({ type: 'Noted', data: { text: 1 } }, 1))).toBe(false);
    expect(accepts?.(envelopeWith({ type: 'Noted', data: { text: 'hi', extra: 1 } }, 1))).toBe(false);
    expect(accepts?.(envelopeWith({ type: 'Noted', data: { text: 'hi' } }, 2))).toBe(false);
    expect(acceptsUnchangedOf(createEnvelopeDecoder(codec, { upcasters }))?.(good)).toBe(false);
    expect(acceptsUnchangedOf((envelope) => E.right(envelope))).toBeUndefined();
  });
});
