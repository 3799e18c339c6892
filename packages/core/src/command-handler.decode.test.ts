import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartDecider, cartEventCodec, decodeCartCommand } from '../../testing/src/fixtures/cart.js';
import { createCommandHandler } from './command-handler.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import { createEnvelopeDecoder } from './upcast.js';

/** Issue 11: the handler decodes raw input with the command codec, and every error value it returns has a code. */

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const metadata = { commandId: 'c1', actor: { kind: 'customer', id: 'cust-1' }, at: '2026-11-24T10:00:00Z' };
const raw = (unitPrice: unknown): unknown => ({
  type: 'AddItem',
  data: { sku: 'apple', qty: 1, unitPrice },
  metadata,
});

const count = async (store: EventStore): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

describe('command handler with a command codec (issue 11)', () => {
  it('decodes raw input first: a float amount is refused naming the field, and nothing is written', async () => {
    const store = createInMemoryEventStore();
    let decided = 0;
    const handler = createCommandHandler({
      store,
      decider: { ...cartDecider, decide: (c, s) => (decided++, cartDecider.decide(c, s)) },
      decodeEnvelope,
      decodeCommand: decodeCartCommand,
    });
    const result = await handler.handle('cart-1', raw({ amount: 1.5, currency: 'EUR' }) as never);
    expect(E.isLeft(result)).toBe(true);
    if (E.isRight(result)) return;
    expect(result.left).toMatchObject({ kind: 'validation', code: 'invalid-command' });
    expect(result.left.message).toContain('data.unitPrice.amount');
    expect(decided).toBe(0);
    expect(await count(store)).toBe(0);
    // A good command through the same entry is decided and appended.
    const ok = await handler.handle('cart-1', raw({ amount: 150, currency: 'EUR' }) as never);
    expect(E.isRight(ok)).toBe(true);
    expect(decided).toBe(1);
    expect(await count(store)).toBe(1);
  });

  it('gives a code on every kind of error: domain, stored event that does not decode, store refusal', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({
      store,
      decider: cartDecider,
      decodeEnvelope,
      decodeCommand: decodeCartCommand,
    });
    // A stored row the codec refuses: invalid-event.
    await store.append(
      'cart-bad',
      [
        {
          event: { type: 'ItemAdded', data: { nope: 1 } },
          eventId: 'e-bad',
          occurredAt: metadata.at,
          actor: metadata.actor as never,
        },
      ],
      'no-stream',
    );
    const bad = await handler.handle('cart-bad', raw({ amount: 100, currency: 'EUR' }) as never);
    expect(E.isLeft(bad) && bad.left.code).toBe('invalid-event');
    // The same eventId appended by another batch: the store's refusal, with its kind as the code.
    const clash = createCommandHandler({
      store,
      decider: cartDecider,
      decodeEnvelope,
      newEventId: () => 'e-bad',
    });
    const refused = await clash.handle('cart-2', raw({ amount: 100, currency: 'EUR' }) as never);
    expect(E.isLeft(refused) && refused.left.code).toBe('idempotency-conflict');
    // A business refusal keeps its domain code.
    const checkout = await handler.handle('cart-3', {
      type: 'CheckOut',
      data: {},
      metadata: { ...metadata, commandId: 'c9' },
    } as never);
    expect(E.isLeft(checkout) && checkout.left.kind).toBe('domain');
    expect(E.isLeft(checkout) && typeof checkout.left.code).toBe('string');
  });
});

describe('cache-miss loads on the in-memory store (issue 18)', () => {
  const add = (commandId: string, qty: number) =>
    ({
      type: 'AddItem',
      data: { sku: 'apple', qty, unitPrice: { amount: 100, currency: 'EUR' } },
      metadata: { ...metadata, commandId },
    }) as never;

  it('decode each stored event once per handler: a reload after eviction decodes only what came since', async () => {
    const store = createInMemoryEventStore();
    const decoded: number[] = [];
    const counting: typeof decodeEnvelope = (envelope) => (
      decoded.push(envelope.streamVersion),
      decodeEnvelope(envelope)
    );
    const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope: counting });
    for (const [i, qty] of [1, 2, 3].entries())
      expect(E.isRight(await handler.handle('cart-1', add(`a${i}`, qty)))).toBe(true);
    // Written by this handler: folded from the decision, never decoded yet.
    expect(decoded).toEqual([]);
    handler.evict();
    const first = await handler.load('cart-1');
    expect(decoded).toEqual([0, 1, 2]);
    handler.evict();
    const again = await handler.load('cart-1');
    expect(decoded).toEqual([0, 1, 2]);
    expect(again).toEqual(first);
    // Another writer appends: only its event is decoded on the next miss, and the commandIds still hold.
    const other = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
    expect(E.isRight(await other.handle('cart-1', add('b0', 4)))).toBe(true);
    handler.evict();
    const redelivered = await handler.handle('cart-1', add('a1', 2));
    expect(E.isRight(redelivered) && redelivered.right.duplicate).toBe(true);
    // The fold decoded only version 3; the duplicate then read its own event back (the rare path decodes it).
    expect(decoded).toEqual([0, 1, 2, 3, 1]);
    const loaded = await handler.load('cart-1');
    expect(E.isRight(loaded) && loaded.right.version).toBe(3);
  });

  it("what one handler's decoder accepted, another handler's decoder still checks", async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
    expect(E.isRight(await handler.handle('cart-1', add('a0', 1)))).toBe(true);
    handler.evict();
    expect(E.isRight(await handler.load('cart-1'))).toBe(true);
    // A stricter reader (a schema that moved on) refuses the very envelopes the first one accepted.
    const strict = createCommandHandler({
      store,
      decider: cartDecider,
      decodeEnvelope: createEnvelopeDecoder(cartEventCodec, { currentVersions: { ItemAdded: 2 } }),
    });
    const refused = await strict.load('cart-1');
    expect(E.isLeft(refused) && refused.left.code).toBe('invalid-event');
    // And the first handler, on a miss, still reads a bad event appended after it decoded the rest.
    await store.append(
      'cart-1',
      [
        {
          event: { type: 'ItemAdded', data: { nope: 1 } },
          eventId: 'e-bad',
          occurredAt: metadata.at,
          actor: metadata.actor as never,
        },
      ],
      0,
    );
    handler.evict();
    const bad = await handler.load('cart-1');
    expect(E.isLeft(bad) && bad.left.message).toContain('version 1');
  });

  // Issue 18: the decode test without key arrays is taken only for events the store built itself.
  it('a payload appended through `append` with a hidden undeclared key is still decoded (and the key stripped)', async () => {
    const store = createInMemoryEventStore();
    const writer = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
    // Version 0: decided by a handler, so built by the store (own keys all enumerable).
    expect(E.isRight(await writer.handle('cart-1', add('a0', 1)))).toBe(true);
    // Version 1: the caller's own payload, kept by `append`, with a key `for...in` does not see.
    const data = { sku: 'pear', qty: 2, unitPrice: { amount: 100, currency: 'EUR' } };
    Object.defineProperty(data, 'hidden', { value: 'x', enumerable: false });
    await store.append(
      'cart-1',
      [
        {
          event: { type: 'ItemAdded', data },
          eventId: 'e-hidden',
          occurredAt: metadata.at,
          actor: metadata.actor as never,
        },
      ],
      0,
    );
    // What evolve is handed: with the undeclared key stripped, `strict` decodes to a new object.
    const seen: object[] = [];
    const reader = createCommandHandler({
      store,
      decider: { ...cartDecider, evolve: (state, event) => (seen.push(event.data), cartDecider.evolve(state, event)) },
      decodeEnvelope,
    });
    expect(E.isRight(await reader.load('cart-1'))).toBe(true);
    expect(seen).toHaveLength(2);
    expect(Object.getOwnPropertyNames(seen[1])).not.toContain('hidden');
    expect(seen[1]).not.toBe(data);
  });
});
