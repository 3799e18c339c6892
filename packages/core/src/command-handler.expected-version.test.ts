import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  cartCommandArb,
  cartDecider,
  cartEventCodec,
  decodeCartCommand,
  type CartCommand,
  type CartEvent,
  type CartState,
} from '../../testing/src/index.js';
import { createCommandHandler, type CommandHandlerOptions, type HandlerError } from './command-handler.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createEnvelopeDecoder } from './upcast.js';

/**
 * `handle(streamId, command, { expectedVersion })`: an HTTP If-Match made
 * part of the write. The command is decided on the stream at that version
 * only; a stream someone else moved (in this process or another) is a
 * `wrong-expected-version` error with nothing appended, never a retry on the
 * newer state.
 */

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const actor = { kind: 'customer' as const, id: 'cust-1' };
const at = '2026-11-24T10:00:00Z';
const meta = (commandId: string) => ({ commandId, actor, at });
const add = (commandId: string, sku = 'apple'): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty: 1, unitPrice: money.unsafe(100, 'EUR') },
  metadata: meta(commandId),
});
const remove = (commandId: string, sku = 'apple'): CartCommand => ({
  type: 'RemoveItem',
  data: { sku },
  metadata: meta(commandId),
});
const checkOut = (commandId: string): CartCommand => ({ type: 'CheckOut', data: {}, metadata: meta(commandId) });

type Options = Partial<CommandHandlerOptions<CartCommand, CartEvent, CartState>>;
const handlerFor = (store: EventStore, options: Options = {}) =>
  createCommandHandler({ store, decider: cartDecider, decodeEnvelope, random: () => 0, ...options });

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};
const left = (result: E.Either<HandlerError, unknown>): HandlerError => {
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  return result.left;
};
const count = async (store: EventStore): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

describe('handle with an expected version', () => {
  it('appends when the expected version is current (-1 for an empty stream)', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store);
    expect(right(await handler.handle('cart-1', add('c1'), { expectedVersion: -1 })).version).toBe(0);
    expect(right(await handler.handle('cart-1', add('c2', 'pear'), { expectedVersion: 0 })).version).toBe(1);
    expect(await count(store)).toBe(2);
  });

  it('refuses a stale expected version with expected and actual, decides nothing and appends nothing', async () => {
    const store = createInMemoryEventStore();
    let decided = 0;
    const handler = handlerFor(store, {
      decider: { ...cartDecider, decide: (c, s) => (decided++, cartDecider.decide(c, s)) },
    });
    right(await handler.handle('cart-1', add('c1')));
    right(await handler.handle('cart-1', add('c2', 'pear')));
    decided = 0;
    const error = left(await handler.handle('cart-1', checkOut('c3'), { expectedVersion: 0 }));
    expect(error).toMatchObject({
      kind: 'wrong-expected-version',
      code: 'wrong-expected-version',
      streamId: 'cart-1',
      expected: 0,
      actual: 1,
    });
    expect(decided).toBe(0);
    expect(await count(store)).toBe(2);
    // An expected version ahead of the stream is as stale.
    expect(left(await handler.handle('cart-1', checkOut('c3'), { expectedVersion: 7 }))).toMatchObject({
      code: 'wrong-expected-version',
      expected: 7,
      actual: 1,
    });
    expect(await count(store)).toBe(2);
  });

  it('a command handled before (same commandId) is still answered as a duplicate, whatever the expected version', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const first = right(await a.handle('cart-1', add('c1')));
    right(await a.handle('cart-1', add('c2', 'pear')));
    const again = right(await a.handle('cart-1', add('c1'), { expectedVersion: -1 }));
    expect(again).toMatchObject({ duplicate: true, events: first.events });
    // From another process whose cache is empty, and one whose cache is behind.
    const b = handlerFor(store);
    expect(right(await b.handle('cart-1', add('c2', 'pear'), { expectedVersion: 0 })).duplicate).toBe(true);
    right(await a.handle('cart-1', add('c4', 'plum')));
    expect(right(await b.handle('cart-1', add('c4', 'plum'), { expectedVersion: 1 })).duplicate).toBe(true);
    expect(await count(store)).toBe(3);
  });

  it('another process moved the stream after this cache read it: refused after the append conflicts, not retried on the newer state', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await a.handle('cart-1', add('c1')));
    right(await b.load('cart-1')); // b caches version 0
    right(await a.handle('cart-1', add('c2', 'pear'))); // version 1, b does not know
    const error = left(await b.handle('cart-1', checkOut('c3'), { expectedVersion: 0 }));
    expect(error).toMatchObject({ code: 'wrong-expected-version', expected: 0, actual: 1 });
    expect(await count(store)).toBe(2);
    // Without an expected version the same command is retried on the newer state and applies.
    expect(right(await b.handle('cart-1', checkOut('c3'))).version).toBe(2);
  });

  it('a writer that lands between the decision and the append makes it a refusal, with nothing of this command stored', async () => {
    const inner = createInMemoryEventStore();
    const rival = handlerFor(inner);
    let raced = false;
    const racing: EventStore = {
      ...inner,
      append: async (streamId, events, expected) => {
        if (!raced && expected === 0) {
          raced = true;
          right(await rival.handle(streamId, add('rival', 'pear')));
        }
        return inner.append(streamId, events, expected);
      },
    };
    const handler = handlerFor(racing, { maxRetries: 10 });
    right(await handler.handle('cart-1', add('c1')));
    const error = left(await handler.handle('cart-1', checkOut('c3'), { expectedVersion: 0 }));
    expect(raced).toBe(true);
    expect(error).toMatchObject({ code: 'wrong-expected-version', expected: 0, actual: 1 });
    const stored: string[] = [];
    for await (const envelope of inner.read('cart-1')) stored.push(String(envelope.causationId));
    expect(stored).toEqual(['c1', 'rival']);
    // Even with no retries allowed the answer is the version conflict, not concurrency-exhausted.
    raced = false;
    const strict = handlerFor(racing, { maxRetries: 0 });
    right(await strict.handle('cart-2', add('d1')));
    expect(left(await strict.handle('cart-2', checkOut('d2'), { expectedVersion: 0 }))).toMatchObject({
      code: 'wrong-expected-version',
    });
  });

  it('a cache behind the version the caller read catches up instead of refusing', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await a.handle('cart-1', add('c1')));
    right(await b.load('cart-1'));
    right(await a.handle('cart-1', add('c2', 'pear')));
    // The caller read version 1 (from a); b's cache says 0.
    expect(right(await b.handle('cart-1', checkOut('c3'), { expectedVersion: 1 })).version).toBe(2);
  });

  it('a refusal decided on a stale cache becomes the version conflict once the stream is read', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await a.handle('cart-1', add('c1')));
    right(await b.load('cart-1'));
    right(await a.handle('cart-1', add('c2', 'pear')));
    // On b's cache there is no pear to remove: a refusal, but the stream moved on, so the caller learns that.
    expect(left(await b.handle('cart-1', remove('c3', 'pear'), { expectedVersion: 0 }))).toMatchObject({
      code: 'wrong-expected-version',
      actual: 1,
    });
    // On the current stream a refusal is still the decider's.
    expect(left(await b.handle('cart-1', remove('c4', 'plum'), { expectedVersion: 1 }))).toMatchObject({
      kind: 'domain',
    });
  });

  it('refuses an expected version that is no version, before reading anything', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store);
    for (const expectedVersion of [1.5, -2, Number.NaN])
      expect(left(await handler.handle('cart-1', add('c1'), { expectedVersion }))).toMatchObject({
        kind: 'validation',
        code: 'invalid-input',
        issues: [{ path: 'expectedVersion' }],
      });
    expect(await count(store)).toBe(0);
  });

  it('the codec wrapper passes the expected version on', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store, { decodeCommand: decodeCartCommand });
    right(await handler.handle('cart-1', add('c1')));
    expect(left(await handler.handle('cart-1', add('c2'), { expectedVersion: -1 }))).toMatchObject({
      code: 'wrong-expected-version',
    });
    expect(right(await handler.handle('cart-1', add('c2'), { expectedVersion: 0 })).version).toBe(1);
  });

  it('law: with an expected version, a new command appends only if the stream was at that version, else nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cartCommandArb(), fc.integer({ min: -2, max: 6 }), fc.boolean()), { maxLength: 12 }),
        async (steps) => {
          const store = createInMemoryEventStore();
          const handler = handlerFor(store);
          const other = handlerFor(store);
          for (const [command, offset, fromOther] of steps) {
            const before = await store.streamVersion('cart-1');
            const expectedVersion = Math.max(-1, before + (offset > 2 ? 0 : offset));
            const seen = new Set<string>();
            for await (const envelope of store.read('cart-1')) seen.add(String(envelope.causationId));
            const result = await (fromOther ? other : handler).handle('cart-1', command, { expectedVersion });
            const after = await store.streamVersion('cart-1');
            if (seen.has(command.metadata.commandId)) {
              expect(right(result).duplicate).toBe(true);
              expect(after).toBe(before);
            } else if (expectedVersion !== before) {
              expect(left(result)).toMatchObject({
                code: 'wrong-expected-version',
                expected: expectedVersion,
                actual: before,
              });
              expect(after).toBe(before);
            } else if (E.isRight(result)) expect(after).toBe(before + result.right.events.length);
            else expect(after).toBe(before);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
