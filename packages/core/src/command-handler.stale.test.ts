import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  cartCommandArb,
  cartDecider,
  cartEventCodec,
  type CartCommand,
  type CartEvent,
  type CartState,
} from '../../testing/src/index.js';
import { createCommandHandler, type CommandHandlerOptions, type HandlerError } from './command-handler.js';
import type { Decider } from './decider.js';
import type { EventStore, ReadOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createInMemorySnapshotStore } from './snapshot.js';
import { createEnvelopeDecoder } from './upcast.js';

/**
 * Issue 8.2: handlers in several processes share one store, and each caches
 * what it saw. A cache behind the store must never change an outcome: what a
 * handler returns is what a handler without a cache would return.
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

/** The cart, with one command that decides nothing: abandoning an empty cart is a no-op here. */
const cartWithNoOp: Decider<CartCommand, CartEvent, CartState> = {
  ...cartDecider,
  decide: (command, state) =>
    command.type === 'Abandon' && state.status === 'empty' ? E.right([]) : cartDecider.decide(command, state),
};

type Options = Partial<CommandHandlerOptions<CartCommand, CartEvent, CartState>>;
const handlerFor = (store: EventStore, options: Options = {}) =>
  createCommandHandler({ store, decider: cartDecider, decodeEnvelope, random: () => 0, ...options });

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

/** A store that records the `from` of every stream read. */
const spying = (store: EventStore): { store: EventStore; froms: (number | undefined)[] } => {
  const froms: (number | undefined)[] = [];
  return {
    froms,
    store: {
      ...store,
      read: (streamId: string, options?: ReadOptions) => {
        froms.push(options?.from);
        return store.read(streamId, options);
      },
    },
  };
};

describe('issue 8.2: a handler whose cache is behind the store (another process wrote)', () => {
  it('a re-delivery of a command handled elsewhere is a duplicate, not a refusal decided on the cache', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await a.handle('cart-1', add('c1')));
    right(await b.load('cart-1')); // b caches the open cart
    const first = right(await a.handle('cart-1', checkOut('c2')));
    // On b's cache the cart is open, so b decides the check-out again: its append expects version 0 and
    // conflicts, and the catch-up finds c2 in what a wrote.
    const again = await b.handle('cart-1', checkOut('c2'));
    expect(again).toEqual(E.right(expect.objectContaining({ duplicate: true, events: first.events, version: 1 })));
    expect(await store.streamVersion('cart-1')).toBe(1);
  });

  it('a re-delivery that the cached state would refuse (the capture of issue 8.2) is a duplicate', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await b.load('cart-1')); // b caches the empty cart, as B had the order before A authorized
    right(await a.handle('cart-1', add('c1')));
    const first = right(await a.handle('cart-1', checkOut('c2')));
    // On b's cache the cart is empty: `empty-cart`, where issue 8.2 saw `nothing-to-capture`.
    const again = right(await b.handle('cart-1', checkOut('c2')));
    expect(again).toMatchObject({ duplicate: true, events: first.events, version: 1 });
  });

  it('a valid command that the cached state would refuse (the refund of issue 8.2) is accepted', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await b.load('cart-1'));
    right(await a.handle('cart-1', add('c1')));
    // On b's cache there is no apple to remove: `unknown-item`, where issue 8.2 saw `nothing-to-refund`.
    const removed = right(await b.handle('cart-1', remove('c2')));
    expect(removed).toMatchObject({ duplicate: false, version: 1, events: [{ type: 'ItemRemoved' }] });
    expect(right(await b.load('cart-1')).state.lines).toEqual([]);
  });

  it('a refusal that still holds on the current stream is returned, after one read from the cached version on', async () => {
    const base = createInMemoryEventStore();
    const { store, froms } = spying(base);
    const a = handlerFor(base);
    const b = handlerFor(store);
    right(await b.handle('cart-1', add('c1')));
    right(await a.handle('cart-1', add('c2', 'pear')));
    froms.length = 0;
    const refused = await b.handle('cart-1', remove('c3', 'fig'));
    expect(refused).toEqual(E.left(expect.objectContaining({ kind: 'domain', code: 'unknown-item' })));
    // b read once, from after its cached version 0: it saw a's pear, and fig is still unknown.
    expect(froms).toEqual([1]);
    froms.length = 0;
    expect(E.isLeft(await b.handle('cart-1', remove('c4', 'fig')))).toBe(true);
    expect(froms).toEqual([2]); // the cache is current now: one read that finds nothing new
  });

  it('an empty decision on the cache is confirmed on the stream too', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store, { decider: cartWithNoOp });
    const b = handlerFor(store, { decider: cartWithNoOp });
    right(await b.load('cart-1'));
    right(await a.handle('cart-1', add('c1')));
    // Empty on b's cache (a no-op); the cart is open on the stream, so it is abandoned.
    const abandoned = right(await b.handle('cart-1', { type: 'Abandon', data: {}, metadata: meta('c2') }));
    expect(abandoned).toMatchObject({ version: 1, events: [{ type: 'Abandoned' }] });
  });

  it('a duplicate found in the cache returns the current version, not the cached one', async () => {
    const store = createInMemoryEventStore();
    const a = handlerFor(store);
    const b = handlerFor(store);
    right(await b.handle('cart-1', add('c1')));
    right(await a.handle('cart-1', add('c2', 'pear')));
    expect(right(await b.handle('cart-1', add('c1')))).toMatchObject({ duplicate: true, version: 1 });
  });

  it('the common path costs no read: a cache hit whose command is accepted goes straight to the append', async () => {
    const base = createInMemoryEventStore();
    const { store, froms } = spying(base);
    const handler = handlerFor(store);
    right(await handler.handle('cart-1', add('c1')));
    froms.length = 0;
    for (let i = 2; i < 12; i++) right(await handler.handle('cart-1', add(`c${i}`, `sku-${i}`)));
    expect(froms).toEqual([]);
  });
});

describe('issue 8.2 law: handlers with caches over one store answer as one handler without a cache', () => {
  type Op = { kind: 'handle'; handler: number; command: number } | { kind: 'evict'; handler: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('handle' as const), handler: fc.nat(2), command: fc.nat(7) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('evict' as const), handler: fc.nat(2) }) },
  );

  it('duplicates are recognised and refusals only returned when the current stream refuses (1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cartCommandArb(), { minLength: 1, maxLength: 8 }),
        fc.array(opArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2, max: 3 }),
        fc.constantFrom(0, 2, 3),
        async (pool, ops, handlerCount, snapshotEvery) => {
          // A fixed commandId per pooled command: picking it again is a re-delivery.
          const commands = pool.map((command, i) => ({
            ...command,
            metadata: { ...command.metadata, commandId: `cmd-${i}` },
          }));
          const shared = createInMemoryEventStore();
          const snapshots = createInMemorySnapshotStore<CartState>();
          const options: Options = {
            decider: cartWithNoOp,
            ...(snapshotEvery === 0 ? {} : { snapshots: { store: snapshots, every: snapshotEvery, schemaVersion: 1 } }),
          };
          const handlers = Array.from({ length: handlerCount }, () => handlerFor(shared, options));
          // The reference: the same commands, in the same order, through one handler that caches nothing.
          const alone = createInMemoryEventStore();
          const reference = handlerFor(alone, { decider: cartWithNoOp, cacheSize: 0 });
          for (const op of ops) {
            const handler = handlers[op.handler % handlerCount]!;
            if (op.kind === 'evict') {
              handler.evict();
              continue;
            }
            const command = commands[op.command % commands.length]!;
            const [got, want] = [await handler.handle('cart-1', command), await reference.handle('cart-1', command)];
            const label = `${command.metadata.commandId} (${command.type}) on handler ${op.handler % handlerCount}`;
            if (E.isLeft(want)) {
              expect(E.isLeft(got), label).toBe(true);
              expect(E.isLeft(got) && got.left, label).toEqual(want.left);
            } else {
              expect(E.isRight(got), `${label}: ${E.isLeft(got) ? got.left.message : ''}`).toBe(true);
              if (E.isRight(got)) {
                const { duplicate, events, version } = got.right;
                expect({ duplicate, events, version }, label).toEqual({
                  duplicate: want.right.duplicate,
                  events: want.right.events,
                  version: want.right.version,
                });
              }
            }
          }
          const truth = right(await reference.load('cart-1'));
          for (const handler of handlers) {
            handler.evict();
            expect(right(await handler.load('cart-1'))).toEqual(truth);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
