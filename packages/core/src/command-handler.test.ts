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
import { rehydrate } from './decider.js';
import { createCommandHandler, type CommandHandlerOptions, type HandlerError } from './command-handler.js';
import type { Envelope } from './envelope.js';
import type { EventStore, ReadOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createInMemorySnapshotStore, type SnapshotStore } from './snapshot.js';
import { createEnvelopeDecoder } from './upcast.js';

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const actor = { kind: 'customer' as const, id: 'cust-1' };
const at = '2026-11-24T10:00:00Z';
const add = (commandId: string, sku = 'apple', qty = 1): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty, unitPrice: money.unsafe(100, 'EUR') },
  metadata: { commandId, actor, at },
});
const checkOut = (commandId: string): CartCommand => ({
  type: 'CheckOut',
  data: {},
  metadata: { commandId, actor, at },
});

const handlerFor = (
  store: EventStore,
  options: Partial<CommandHandlerOptions<CartCommand, CartEvent, CartState>> = {},
) => createCommandHandler({ store, decider: cartDecider, decodeEnvelope, random: () => 0, ...options });

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};
const left = (result: E.Either<HandlerError, unknown>): HandlerError => {
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const readAll = async (store: EventStore): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const envelope of store.readAll()) out.push(envelope);
  return out;
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

describe('command handler', () => {
  it('decides, appends with metadata from the command, and returns the events and version (the state through load)', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store, { schemaVersions: { ItemAdded: 1 } });
    const first = right(await handler.handle('cart-1', add('c1')));
    expect(first).toMatchObject({ streamId: 'cart-1', version: 0, duplicate: false });
    expect(first.events).toEqual([{ type: 'ItemAdded', data: add('c1').data }]);
    expect(first).not.toHaveProperty('state');
    expect(right(await handler.load('cart-1')).state.lines).toHaveLength(1);
    expect(first.append).toMatchObject({ firstVersion: 0, nextExpectedVersion: 0 });
    const second = right(
      await handler.handle('cart-1', {
        ...add('c2', 'pear'),
        metadata: { commandId: 'c2', actor, at, correlationId: 'corr-9' },
      }),
    );
    expect(second.version).toBe(1);
    const [one, two] = await readAll(store);
    expect(one).toMatchObject({ causationId: 'c1', correlationId: 'c1', actor, occurredAt: at, schemaVersion: 1 });
    expect(two).toMatchObject({ causationId: 'c2', correlationId: 'corr-9', streamVersion: 1 });
    expect(right(await handler.load('cart-1'))).toEqual({
      state: rehydrate(cartDecider, [...first.events, ...second.events]),
      version: 1,
    });
  });

  it('a domain error is returned as a value and appends nothing', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store);
    expect(left(await handler.handle('cart-1', checkOut('c1')))).toMatchObject({ kind: 'domain', code: 'empty-cart' });
    expect(await store.streamVersion('cart-1')).toBe(-1);
    right(await handler.handle('cart-1', add('c2')));
    right(await handler.handle('cart-1', checkOut('c3')));
    expect(left(await handler.handle('cart-1', add('c4')))).toMatchObject({ kind: 'domain', code: 'cart-closed' });
    expect(await store.streamVersion('cart-1')).toBe(1);
  });

  it('a command that decides no events appends nothing and is not an error', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({
      store,
      decodeEnvelope,
      decider: { ...cartDecider, decide: () => E.right([]) },
    });
    expect(right(await handler.handle('cart-1', add('c1')))).toMatchObject({
      events: [],
      version: -1,
      duplicate: false,
    });
    expect(await store.streamVersion('cart-1')).toBe(-1);
  });

  describe('idempotent by commandId', () => {
    it('the same command twice appends once and returns the first events', async () => {
      const store = createInMemoryEventStore();
      const handler = handlerFor(store);
      const first = right(await handler.handle('cart-1', add('c1', 'apple', 2)));
      const again = right(await handler.handle('cart-1', add('c1', 'apple', 2)));
      expect(again).toMatchObject({ duplicate: true, events: first.events, version: 0 });
      expect(await readAll(store)).toHaveLength(1);
    });

    it('across cache eviction, a cache of size 0, and another handler on the same store', async () => {
      const store = createInMemoryEventStore();
      const handler = handlerFor(store);
      const first = right(await handler.handle('cart-1', add('c1')));
      right(await handler.handle('cart-1', add('c2', 'pear')));
      handler.evict('cart-1');
      expect(right(await handler.handle('cart-1', add('c1')))).toMatchObject({ duplicate: true, events: first.events });
      handler.evict();
      expect(right(await handler.handle('cart-1', add('c1')))).toMatchObject({ duplicate: true, events: first.events });
      const uncached = handlerFor(store, { cacheSize: 0 });
      expect(right(await uncached.handle('cart-1', add('c1')))).toMatchObject({
        duplicate: true,
        events: first.events,
      });
      const otherProcess = handlerFor(store);
      expect(right(await otherProcess.handle('cart-1', add('c2', 'pear')))).toMatchObject({ duplicate: true });
      expect(await readAll(store)).toHaveLength(2);
    });

    it('across LRU eviction when many streams pass through a small cache', async () => {
      const store = createInMemoryEventStore();
      const handler = handlerFor(store, { cacheSize: 2 });
      for (let i = 0; i < 5; i++) right(await handler.handle(`cart-${i}`, add(`c-${i}`)));
      for (let i = 0; i < 5; i++)
        expect(right(await handler.handle(`cart-${i}`, add(`c-${i}`))).duplicate, `cart-${i}`).toBe(true);
      expect(await readAll(store)).toHaveLength(5);
    });

    it('after concurrent commands in one handler, a re-delivery returns exactly the events of that command', async () => {
      const store = createInMemoryEventStore();
      const handler = handlerFor(store);
      right(await handler.handle('cart-1', add('c0', 'apple')));
      const skus = ['pear', 'fig', 'kiwi', 'plum'];
      const results = await Promise.all(skus.map((sku, i) => handler.handle('cart-1', add(`c${i + 1}`, sku))));
      expect(results.map((result) => right(result).version).sort()).toEqual([1, 2, 3, 4]);
      for (const [i, sku] of skus.entries()) {
        const again = right(await handler.handle('cart-1', add(`c${i + 1}`, sku)));
        expect(again.duplicate).toBe(true);
        expect(again.events).toEqual([{ type: 'ItemAdded', data: add('x', sku).data }]);
      }
      expect(await readAll(store)).toHaveLength(5);
    });

    it('a command delivered to two handlers at once is appended once', async () => {
      const store = createInMemoryEventStore();
      const a = handlerFor(store);
      const b = handlerFor(store);
      right(await a.handle('cart-1', add('c0')));
      right(await b.load('cart-1'));
      const [ra, rb] = await Promise.all([a.handle('cart-1', add('c1')), b.handle('cart-1', add('c1'))]);
      expect([right(ra).duplicate, right(rb).duplicate].sort()).toEqual([false, true]);
      expect(await readAll(store)).toHaveLength(2);
    });
  });

  describe('optimistic concurrency', () => {
    it('retries after a second writer appended, folding its events in', async () => {
      const store = createInMemoryEventStore();
      const a = handlerFor(store);
      const b = handlerFor(store);
      right(await a.handle('cart-1', add('c1', 'apple')));
      right(await b.handle('cart-1', add('c2', 'pear')));
      // a's cache still says version 0: its first append conflicts, it catches up and retries.
      const result = right(await a.handle('cart-1', add('c3', 'fig')));
      expect(result.version).toBe(2);
      expect(right(await a.load('cart-1')).state.lines.map((l) => l.sku)).toEqual(['apple', 'pear', 'fig']);
      expect((await readAll(store)).map((e) => e.streamVersion)).toEqual([0, 1, 2]);
    });

    it('decides again on the fresh state: a rule the other writer made true is enforced', async () => {
      const store = createInMemoryEventStore();
      const a = handlerFor(store);
      const b = handlerFor(store);
      right(await a.handle('cart-1', add('c1')));
      right(await b.handle('cart-1', checkOut('c2')));
      expect(left(await a.handle('cart-1', add('c3')))).toMatchObject({ kind: 'domain', code: 'cart-closed' });
      expect(await store.streamVersion('cart-1')).toBe(1);
    });

    it('gives up with concurrency-exhausted after maxRetries conflicts', async () => {
      const base = createInMemoryEventStore();
      let interfering = 0;
      // A second writer that always gets in first.
      const store: EventStore = {
        ...base,
        append: async (streamId, events, expected) => {
          interfering++;
          await base.append(
            streamId,
            [
              {
                event: { type: 'ItemAdded', data: add('x').data },
                eventId: `other-${interfering}`,
                occurredAt: at,
                actor,
              },
            ],
            'any',
          );
          return base.append(streamId, events, expected);
        },
      };
      const handler = handlerFor(store, { maxRetries: 3 });
      const error = left(await handler.handle('cart-1', add('c1')));
      expect(error).toMatchObject({ kind: 'concurrency-exhausted', streamId: 'cart-1', attempts: 4 });
      expect(interfering).toBe(4);
      for await (const envelope of base.read('cart-1')) expect(envelope.causationId).not.toBe('c1');
    });

    it('many concurrent commands on one stream all land, each once, none lost', async () => {
      const store = createInMemoryEventStore();
      const handlers = [handlerFor(store), handlerFor(store), handlerFor(store)];
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => handlers[i % 3]!.handle('cart-1', add(`c${i}`, 'apple', 1))),
      );
      results.forEach((result) => right(result));
      const stored = await readAll(store);
      expect(stored).toHaveLength(30);
      expect(new Set(stored.map((e) => e.causationId)).size).toBe(30);
      const fresh = right(await handlerFor(store).load('cart-1'));
      expect(fresh.state.lines).toEqual([{ sku: 'apple', qty: 30, unitPrice: money.unsafe(100, 'EUR') }]);
    });
  });

  it('a stored event that does not decode is a validation error naming stream and version', async () => {
    const store = createInMemoryEventStore();
    await store.append(
      'cart-1',
      [{ event: { type: 'ItemAdded', data: { sku: 'apple', qty: -1 } }, eventId: 'e1', occurredAt: at, actor }],
      'no-stream',
    );
    const error = left(await handlerFor(store).handle('cart-1', add('c1')));
    expect(error.kind).toBe('validation');
    expect(error.message).toContain('stream "cart-1" version 0');
    expect(error.message).toContain('data.qty');
    expect(await store.streamVersion('cart-1')).toBe(0);
  });

  describe('snapshots', () => {
    const fill = async (store: EventStore, snapshots: SnapshotStore<CartState>, count: number) => {
      const handler = handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } });
      for (let i = 0; i < count; i++) right(await handler.handle('cart-1', add(`c${i}`, `sku-${i}`)));
    };

    it('are taken every N events and used to load: only later events are read', async () => {
      const base = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore<CartState>();
      await fill(base, snapshots, 7);
      const snapshot = await snapshots.load('cart-1');
      expect(snapshot).toMatchObject({ version: 5, schemaVersion: 1 });
      expect(snapshot?.state.lines).toHaveLength(6);
      const { store, froms } = spying(base);
      const loaded = right(
        await handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } }).load('cart-1'),
      );
      // From the snapshot's own last event (5), which must still be there, then the one after it.
      expect(froms).toEqual([5]);
      expect(loaded.version).toBe(6);
      expect(loaded.state).toEqual(right(await handlerFor(base).load('cart-1')).state);
    });

    it('the snapshot state really is used (a doctored one shows through)', async () => {
      const store = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore<CartState>();
      await fill(store, snapshots, 3);
      const real = await snapshots.load('cart-1');
      await snapshots.save('cart-1', { ...real!, state: { ...real!.state, lines: [] } });
      const loaded = right(
        await handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } }).load('cart-1'),
      );
      expect(loaded.state.lines).toEqual([]);
    });

    it('are ignored when their schemaVersion differs: the stream is folded from the start', async () => {
      const base = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore<CartState>();
      await fill(base, snapshots, 4);
      const real = await snapshots.load('cart-1');
      await snapshots.save('cart-1', { ...real!, state: { ...real!.state, lines: [] } });
      const { store, froms } = spying(base);
      const loaded = right(
        await handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 2 } }).load('cart-1'),
      );
      expect(froms).toEqual([0]);
      expect(loaded.state.lines).toHaveLength(4);
    });

    it('a snapshot that does not list its commands is ignored, so idempotency holds', async () => {
      const base = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore<CartState>();
      await fill(base, snapshots, 3);
      const { commandIds, ...withoutCommands } = (await snapshots.load('cart-1'))!;
      expect(commandIds).toEqual(['c0', 'c1', 'c2']);
      await snapshots.save('cart-1', withoutCommands);
      const { store, froms } = spying(base);
      const restarted = handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } });
      expect(right(await restarted.handle('cart-1', add('c0', 'sku-0'))).duplicate).toBe(true);
      // The fold from the first event, then the duplicate's events read back from where they start.
      expect(froms).toEqual([0, 0]);
    });

    it('a command handled before the snapshot is still a duplicate after a restart', async () => {
      const store = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore<CartState>();
      await fill(store, snapshots, 3);
      const restarted = handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } });
      const again = right(await restarted.handle('cart-1', add('c1', 'sku-1')));
      expect(again.duplicate).toBe(true);
      expect(again.events).toEqual([{ type: 'ItemAdded', data: add('c1', 'sku-1').data }]);
      expect(await store.streamVersion('cart-1')).toBe(2);
      // and the next snapshot still lists the commands of the one before
      right(await restarted.handle('cart-1', add('c3', 'sku-3')));
      right(await restarted.handle('cart-1', add('c4', 'sku-4')));
      right(await restarted.handle('cart-1', add('c5', 'sku-5')));
      expect((await snapshots.load('cart-1'))?.commandIds).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
      const again2 = handlerFor(store, { snapshots: { store: snapshots, every: 3, schemaVersion: 1 } });
      expect(right(await again2.handle('cart-1', add('c1', 'sku-1'))).duplicate).toBe(true);
      expect(await store.streamVersion('cart-1')).toBe(5);
    });
  });
});

describe('command handler: model-based', () => {
  it('random deliveries, re-deliveries, races and evictions over two handlers with snapshots keep every law', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cartCommandArb(), { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('handle' as const), handler: fc.nat(1), command: fc.nat(7) }),
            fc.record({
              kind: fc.constant('concurrent' as const),
              commands: fc.array(fc.tuple(fc.nat(1), fc.nat(7)), { minLength: 2, maxLength: 4 }),
            }),
            fc.record({ kind: fc.constant('evict' as const), handler: fc.nat(1) }),
          ),
          { maxLength: 20 },
        ),
        async (pool, ops) => {
          // Each pooled command has a fixed commandId: picking it again is a re-delivery.
          const commands = pool.map((command, i) => ({
            ...command,
            metadata: { ...command.metadata, commandId: `cmd-${i}` },
          }));
          const store = createInMemoryEventStore();
          const snapshots = createInMemorySnapshotStore<CartState>();
          const handlers = [0, 1].map(() =>
            handlerFor(store, { snapshots: { store: snapshots, every: 2, schemaVersion: 1 }, cacheSize: 1 }),
          );
          const answers = new Map<string, readonly CartEvent[]>();
          const check = (commandId: string, result: E.Either<HandlerError, { events: readonly CartEvent[] }>) => {
            if (E.isLeft(result)) {
              expect(result.left.kind, result.left.message).toBe('domain');
              return;
            }
            if (result.right.events.length === 0) return;
            const first = answers.get(commandId);
            if (first === undefined) answers.set(commandId, result.right.events);
            else expect(result.right.events, `re-delivery of ${commandId}`).toEqual(first);
          };
          for (const op of ops) {
            if (op.kind === 'evict') handlers[op.handler]!.evict();
            else {
              const picks = op.kind === 'handle' ? [[op.handler, op.command] as const] : op.commands;
              const results = await Promise.all(
                picks.map(([h, c]) => {
                  const command = commands[c % commands.length]!;
                  return handlers[h]!.handle('cart-1', command).then(
                    (result) => [command.metadata.commandId, result] as const,
                  );
                }),
              );
              for (const [commandId, result] of results) check(commandId, result);
            }
          }
          const stored = await readAll(store);
          // Each command appended at most once, as one contiguous batch.
          const byCommand = new Map<string, number[]>();
          for (const envelope of stored) {
            const list = byCommand.get(envelope.causationId!) ?? [];
            list.push(envelope.streamVersion);
            byCommand.set(envelope.causationId!, list);
          }
          for (const [commandId, versions] of byCommand) {
            expect(versions, commandId).toEqual(versions.map((_, i) => versions[0]! + i));
            expect(
              stored.filter((e) => e.causationId === commandId).map((e) => e.event),
              commandId,
            ).toEqual(answers.get(commandId));
          }
          const history = stored.map((e) => e.event as CartEvent);
          // A handler's cache may be behind the other handler's writes (that is what the retry is for): evict first.
          const fresh = handlerFor(store, { snapshots: { store: snapshots, every: 2, schemaVersion: 1 } });
          for (const handler of [...handlers, fresh]) {
            handler.evict();
            const loaded = right(await handler.load('cart-1'));
            expect(loaded.version).toBe(stored.length - 1);
            expect(loaded.state).toEqual(rehydrate(cartDecider, history));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
