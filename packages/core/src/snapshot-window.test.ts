import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import {
  cartDecider,
  cartEventCodec,
  snapshotIdempotencyLaw,
  type CartCommand,
  type CartState,
} from '../../testing/src/index.js';
import { createCommandHandler, type HandlerError } from './command-handler.js';
import type { EventStore, ReadOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createInMemorySnapshotStore, type SnapshotPolicy, type SnapshotStore } from './snapshot.js';
import { createEnvelopeDecoder } from './upcast.js';

/**
 * Issue 18: a snapshot lists only the commands of its last `commandWindow`
 * events, so loading one costs the same however long the stream; an older
 * command delivered again is found in the event store, by one look-up per
 * cached stream.
 */

// The in-memory store as it is (its own array, no promise), wrapped (read through `read`), and with `causationIds`.
snapshotIdempotencyLaw(
  'in-memory store',
  async () => ({ events: createInMemoryEventStore(), snapshots: createInMemorySnapshotStore() }),
  { numRuns: 150 },
);
snapshotIdempotencyLaw('in-memory store behind a wrapper (older commands read by `read`)', async () => {
  const events: EventStore = { ...createInMemoryEventStore() };
  return { events, snapshots: createInMemorySnapshotStore() };
});
snapshotIdempotencyLaw('a store with `causationIds`', async () => ({
  events: withCausationIds(createInMemoryEventStore()).store,
  snapshots: createInMemorySnapshotStore(),
}));

/** A store whose `causationIds` answers from `read`, counting the calls and every stream read's options. */
const withCausationIds = (base: EventStore) => {
  const calls: number[] = [];
  const reads: (ReadOptions | undefined)[] = [];
  const read = (streamId: string, options?: ReadOptions) => {
    reads.push(options);
    return base.read(streamId, options);
  };
  const store: EventStore = {
    ...base,
    read,
    causationIds: async (streamId, below) => {
      calls.push(below);
      const causes: (string | undefined)[] = [];
      for await (const envelope of base.read(streamId, { limit: below })) causes.push(envelope.causationId);
      return causes;
    },
  };
  return { store, calls, reads };
};

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const actor = { kind: 'customer' as const, id: 'cust-1' };
const at = '2026-12-03T10:00:00Z';
const add = (commandId: string): CartCommand => ({
  type: 'AddItem',
  data: { sku: 'tea', qty: 1, unitPrice: money.unsafe(100, 'EUR') },
  metadata: { commandId, actor, at },
});
const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

const handlerOn = (store: EventStore, snapshots: SnapshotStore<CartState>, extra: Partial<SnapshotPolicy<CartState>>) =>
  createCommandHandler({
    store,
    decider: cartDecider,
    decodeEnvelope,
    snapshots: { store: snapshots, every: 10, schemaVersion: 1, ...extra },
  });

/** A cart of `count` add-item commands c0.., written with a snapshot every 10 events and the given window. */
const filled = async (count: number, commandWindow?: number) => {
  const base = createInMemoryEventStore();
  const snapshots = createInMemorySnapshotStore<CartState>();
  const writer = handlerOn(base, snapshots, commandWindow === undefined ? {} : { commandWindow });
  for (let i = 0; i < count; i++) right(await writer.handle('cart-1', add(`c${i}`)));
  return { base, snapshots };
};

describe('snapshots with a window of recent commands', () => {
  it('a short stream lists every command, as `commandIds`; a long one only its last window', async () => {
    const short = await filled(20);
    expect((await short.snapshots.load('cart-1'))?.commandIds).toHaveLength(20);
    const long = await filled(40, 15);
    const snapshot = await long.snapshots.load('cart-1');
    expect(snapshot).toMatchObject({ version: 39 });
    // Readers that know only `commandIds` find none and fold the events.
    expect(snapshot?.commandIds).toBeUndefined();
    expect(snapshot?.recentCommands).toEqual({
      from: 25,
      commandIds: Array.from({ length: 15 }, (_, i) => `c${25 + i}`),
    });
  });

  it('a snapshot reloaded and extended keeps its list bounded and complete from its `from`', async () => {
    const { base, snapshots } = await filled(40, 15);
    // A restarted handler writes the next snapshots on top of the one it loaded.
    for (let round = 0; round < 5; round++) {
      const handler = handlerOn(base, snapshots, { commandWindow: 15 });
      for (let i = 0; i < 7; i++) right(await handler.handle('cart-1', add(`r${round}-${i}`)));
      const snapshot = await snapshots.load('cart-1');
      const listed = snapshot?.recentCommands;
      if (listed === undefined) throw new Error('no window');
      expect(listed.commandIds.length).toBeLessThanOrEqual(30);
      const expected: string[] = [];
      for await (const envelope of base.read('cart-1', { from: listed.from }))
        if (envelope.streamVersion <= snapshot!.version) expected.push(envelope.causationId!);
      expect([...listed.commandIds].sort()).toEqual(expected.sort());
    }
  });

  it('load() reads nothing below the snapshot; the first command it does not list looks up the older ones once', async () => {
    const { base, snapshots } = await filled(45, 15);
    const spy = withCausationIds(base);
    const handler = handlerOn(spy.store, snapshots, { commandWindow: 15 });
    expect(right(await handler.load('cart-1')).version).toBe(44);
    expect(spy.calls).toEqual([]);
    expect(spy.reads).toEqual([{ from: 39 }]);
    // A command in the window: a duplicate without a look-up.
    expect(right(await handler.handle('cart-1', add('c30'))).duplicate).toBe(true);
    expect(spy.calls).toEqual([]);
    // A new command: it could be an old one, so the commands below the window are looked up, once.
    expect(right(await handler.handle('cart-1', add('n1'))).duplicate).toBe(false);
    expect(spy.calls).toEqual([25]);
    const old = right(await handler.handle('cart-1', add('c3')));
    expect(old).toMatchObject({ duplicate: true, events: [{ type: 'ItemAdded' }], version: 45 });
    // The old command's events are read from its own version.
    expect(spy.reads.at(-1)).toEqual({ from: 3 });
    right(await handler.handle('cart-1', add('n2')));
    expect(spy.calls).toEqual([25]);
    expect(await base.streamVersion('cart-1')).toBe(46);
  });

  it('a failed look-up fails the command, is not kept, and the next command looks up again', async () => {
    const { base, snapshots } = await filled(30, 5);
    let fail = true;
    const store: EventStore = {
      ...base,
      causationIds: async (streamId, below) => {
        if (fail) throw new Error('connection reset');
        const causes: (string | undefined)[] = [];
        for await (const envelope of base.read(streamId, { limit: below })) causes.push(envelope.causationId);
        return causes;
      },
    };
    const handler = handlerOn(store, snapshots, { commandWindow: 5 });
    await expect(handler.handle('cart-1', add('c2'))).rejects.toThrow('connection reset');
    fail = false;
    expect(right(await handler.handle('cart-1', add('c2'))).duplicate).toBe(true);
    expect(await base.streamVersion('cart-1')).toBe(29);
  });

  it('an old snapshot listing every command still loads and keeps every command a duplicate', async () => {
    const { base } = await filled(30, 5);
    const snapshots = createInMemorySnapshotStore<CartState>();
    const events = [];
    for await (const envelope of base.read('cart-1')) events.push(envelope);
    const state = right(await handlerOn(base, snapshots, {}).load('cart-1')).state;
    await snapshots.save('cart-1', {
      state,
      version: 29,
      schemaVersion: 1,
      commandIds: events.map((e) => e.causationId!),
      eventId: events[29]!.eventId,
    });
    const spy = withCausationIds(base);
    const handler = handlerOn(spy.store, snapshots, { commandWindow: 5 });
    expect(right(await handler.handle('cart-1', add('c1'))).duplicate).toBe(true);
    expect(right(await handler.handle('cart-1', add('new'))).duplicate).toBe(false);
    expect(spy.calls).toEqual([]);
  });

  it('a window beyond the snapshot is malformed: ignored and the events folded', async () => {
    const { base, snapshots } = await filled(30, 5);
    const real = (await snapshots.load('cart-1'))!;
    const problems: string[] = [];
    await snapshots.save('cart-1', { ...real, recentCommands: { from: 31, commandIds: [] } });
    const handler = handlerOn(base, snapshots, { commandWindow: 5, onProblem: (p) => problems.push(p.reason) });
    expect(right(await handler.handle('cart-1', add('c1'))).duplicate).toBe(true);
    expect(problems).toEqual(['malformed']);
  });
});
