import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartDecider, cartEventCodec, type CartCommand } from '../../testing/src/index.js';
import { createCommandHandler, estimateBytes, type HandlerError } from './command-handler.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createEnvelopeDecoder } from './upcast.js';

/** Issue 18: a cache bounded in bytes as well as in streams. */

const actor = { kind: 'customer' as const, id: 'cust-1' };
const add = (commandId: string, sku: string): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty: 1, unitPrice: money.unsafe(100, 'EUR') },
  metadata: { commandId, actor, at: '2026-11-24T10:00:00Z' },
});

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

/** The streams the handler had to read from the store (a cache miss reads, a hit does not). */
const counting = (store: EventStore) => {
  const reads: string[] = [];
  const spy: EventStore = {
    ...store,
    read: (streamId, options) => {
      reads.push(streamId);
      return store.read(streamId, options);
    },
  };
  return { spy, reads };
};

const filled = async (cacheBytes: number | undefined) => {
  const { spy, reads } = counting(createInMemoryEventStore());
  const handler = createCommandHandler({
    store: spy,
    decider: cartDecider,
    decodeEnvelope: createEnvelopeDecoder(cartEventCodec),
    ...(cacheBytes === undefined ? {} : { cacheBytes }),
  });
  for (let cart = 0; cart < 10; cart++)
    for (let item = 0; item < 20; item++)
      right(await handler.handle(`cart-${cart}`, add(`c-${cart}-${item}`, `sku-${item}`)));
  reads.length = 0;
  return { handler, reads };
};

describe('cacheBytes', () => {
  it('estimateBytes grows with the data it is given', () => {
    const small = estimateBytes({ lines: [{ sku: 'a', qty: 1 }] });
    const large = estimateBytes({ lines: Array.from({ length: 20 }, (_, i) => ({ sku: `sku-${i}`, qty: i })) });
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(10 * small);
    expect(estimateBytes(new Map([['a', 'bcd']]))).toBeGreaterThan(estimateBytes(new Map()));
  });

  it('forgets the least recently used streams while the cache is above its byte bound', async () => {
    // One cart of 20 lines is some kilobytes by the estimate: 12 kB holds a few of them, not ten.
    const { handler, reads } = await filled(12_000);
    for (let cart = 9; cart >= 0; cart--) right(await handler.load(`cart-${cart}`));
    // The newest carts were still cached; the oldest had been forgotten and were read again.
    expect(reads).not.toContain('cart-9');
    expect(reads).toContain('cart-0');
    expect(reads.length).toBeGreaterThan(3);
  });

  it('without a byte bound, the same streams all stay cached (cacheSize only)', async () => {
    const { handler, reads } = await filled(undefined);
    for (let cart = 9; cart >= 0; cart--) right(await handler.load(`cart-${cart}`));
    expect(reads).toEqual([]);
  });

  it('always keeps the newest stream, even one larger than the bound', async () => {
    const { handler, reads } = await filled(1);
    right(await handler.load('cart-9'));
    expect(reads).toEqual([]);
    right(await handler.load('cart-8'));
    expect(reads).toEqual(['cart-8']);
  });
});
