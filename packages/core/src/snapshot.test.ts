import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { beforeAll, describe, expect, it } from 'vitest';
// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import {
  cartDecider,
  cartEventCodec,
  snapshotStoreContract,
  type CartCommand,
  type CartEvent,
  type CartState,
} from '../../testing/src/index.js';
import { createCommandHandler, type HandlerError } from './command-handler.js';
import { rehydrate } from './decider.js';
import type { EventStore, ReadOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import {
  createInMemorySnapshotStore,
  type Snapshot,
  type SnapshotPolicy,
  type SnapshotProblem,
  type SnapshotStore,
} from './snapshot.js';
import { createEnvelopeDecoder } from './upcast.js';

snapshotStoreContract('in-memory', () => Promise.resolve({ store: createInMemorySnapshotStore<unknown>() }));

/**
 * Issue 8 (snapshots under faults): a snapshot is a cache of the events. One
 * written under an older state schema, or one that is corrupt in any way the
 * handler can see (its shape, its stream, a version beyond the stream, a state
 * its codec refuses, a store that throws), is reported and ignored, and the
 * state is folded from the events. It never yields a wrong state.
 */

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const actor = { kind: 'customer' as const, id: 'cust-1' };
const at = '2026-11-24T10:00:00Z';
const add = (commandId: string, sku: string): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty: 1, unitPrice: money.unsafe(100, 'EUR') },
  metadata: { commandId, actor, at },
});

const MoneyShape = t.type({ amount: t.number, currency: t.string });
const CartStateCodec = t.type({
  status: t.keyof({ empty: null, open: null, 'checked-out': null, abandoned: null }),
  currency: t.union([t.string, t.null]),
  lines: t.array(t.type({ sku: t.string, qty: t.number, unitPrice: MoneyShape })),
  total: t.union([MoneyShape, t.null]),
  closedAt: t.union([t.string, t.null]),
});
const decodeState = (stored: unknown): E.Either<unknown, CartState> => CartStateCodec.decode(stored);

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

/** A snapshot store that hands out whatever it is given, as a corrupted row would. */
const holding = (value: () => unknown): SnapshotStore<CartState> => ({
  load: () => Promise.resolve(value() as Snapshot<CartState>),
  save: () => Promise.resolve(),
});

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

describe('snapshots under faults: ignored, reported, and the state folded from the events', () => {
  const events = createInMemoryEventStore();
  const written = createInMemorySnapshotStore<CartState>();
  let real: Snapshot<CartState>;
  let other: Snapshot<CartState>;
  let truth: CartState;

  beforeAll(async () => {
    const policy = { store: written, every: 3, schemaVersion: 1 };
    const handler = createCommandHandler({ store: events, decider: cartDecider, decodeEnvelope, snapshots: policy });
    for (let i = 0; i < 7; i++) right(await handler.handle('cart-1', add(`c${i}`, `sku-${i}`)));
    for (let i = 0; i < 7; i++) right(await handler.handle('cart-2', add(`d${i}`, `sku-${i % 2}`)));
    real = (await written.load('cart-1'))!;
    other = (await written.load('cart-2'))!;
    const history: CartEvent[] = [];
    for await (const envelope of events.read('cart-1')) history.push(envelope.event as CartEvent);
    truth = rehydrate(cartDecider, history);
  });

  const loadWith = async (store: SnapshotStore<CartState>, extra: Partial<SnapshotPolicy<CartState>> = {}) => {
    const problems: SnapshotProblem[] = [];
    const spy = spying(events);
    const handler = createCommandHandler({
      store: spy.store,
      decider: cartDecider,
      decodeEnvelope,
      snapshots: { store, every: 3, schemaVersion: 1, onProblem: (p) => problems.push(p), ...extra },
    });
    const loaded = right(await handler.load('cart-1'));
    return { handler, loaded, problems, froms: spy.froms };
  };

  it('a sound snapshot is used: only its last event and what follows are read, nothing is reported', async () => {
    expect(real).toMatchObject({ version: 5, schemaVersion: 1 });
    expect(typeof real.eventId).toBe('string');
    const { loaded, problems, froms } = await loadWith(written, { decodeState });
    expect(loaded).toEqual({ state: truth, version: 6 });
    expect(froms).toEqual([5]);
    expect(problems).toEqual([]);
  });

  it('a snapshot written under an older state schema version is ignored and the state rebuilt', async () => {
    const { loaded, problems, froms } = await loadWith(
      holding(() => ({ ...real, state: { lines: 'v1 shape' } })),
      {
        schemaVersion: 2,
      },
    );
    expect(loaded).toEqual({ state: truth, version: 6 });
    expect(froms).toEqual([0]);
    expect(problems).toMatchObject([{ streamId: 'cart-1', action: 'ignored', reason: 'schema-version' }]);
  });

  const corrupt: readonly (readonly [string, () => unknown, SnapshotProblem['reason']])[] = [
    ['not an object', () => 'garbage', 'malformed'],
    ['null', () => null, 'malformed'],
    ['no state', () => ({ ...real, state: undefined }), 'malformed'],
    ['a negative version', () => ({ ...real, version: -1 }), 'malformed'],
    ['a fractional version', () => ({ ...real, version: 2.5 }), 'malformed'],
    ['a version that is a string', () => ({ ...real, version: '5' }), 'malformed'],
    ['commandIds that are not strings', () => ({ ...real, commandIds: [1, 2] }), 'malformed'],
    ['commandIds that are not a list', () => ({ ...real, commandIds: 'c0,c1' }), 'malformed'],
    [
      'recentCommands without a from',
      () => ({ ...real, commandIds: undefined, recentCommands: { commandIds: ['c5'] } }),
      'malformed',
    ],
    [
      'recentCommands from beyond the snapshot',
      () => ({ ...real, commandIds: undefined, recentCommands: { from: 7, commandIds: [] } }),
      'malformed',
    ],
    ['an empty eventId', () => ({ ...real, eventId: '' }), 'malformed'],
    ['no eventId', () => ({ ...real, eventId: undefined }), 'incomplete'],
    ['no commandIds', () => ({ ...real, commandIds: undefined }), 'incomplete'],
    ['a version beyond the stream', () => ({ ...real, version: 50 }), 'beyond-stream'],
    ['a version its event is not at', () => ({ ...real, version: 2 }), 'other-event'],
    ["another stream's snapshot", () => other, 'other-event'],
    ['a state its codec refuses', () => ({ ...real, state: { ...real.state, lines: [{ sku: 7 }] } }), 'state-invalid'],
    [
      'a store that throws',
      () => {
        throw new Error('disk on fire');
      },
      'load-failed',
    ],
  ];

  it.each(corrupt)('%s: ignored, reported, state folded from the events', async (_, value, reason) => {
    const { handler, loaded, problems } = await loadWith(holding(value), { decodeState });
    expect(loaded).toEqual({ state: truth, version: 6 });
    expect(problems).toMatchObject([{ streamId: 'cart-1', action: 'ignored', reason }]);
    expect(problems[0]!.message).toContain('cart-1');
    // Idempotency holds too: commands from before the snapshot's version are still duplicates.
    expect(right(await handler.handle('cart-1', add('c1', 'sku-1'))).duplicate).toBe(true);
  });

  it('a snapshot that cannot be saved is reported and the command still succeeds', async () => {
    const base = createInMemoryEventStore();
    const problems: SnapshotProblem[] = [];
    const failing: SnapshotStore<CartState> = {
      load: () => Promise.resolve(undefined),
      save: () => Promise.reject(new Error('snapshot table locked')),
    };
    const handler = createCommandHandler({
      store: base,
      decider: cartDecider,
      decodeEnvelope,
      snapshots: { store: failing, every: 1, schemaVersion: 1, onProblem: (p) => problems.push(p) },
    });
    expect(right(await handler.handle('cart-9', add('x1', 'tea')))).toMatchObject({ version: 0, duplicate: false });
    expect(problems).toMatchObject([
      { streamId: 'cart-9', action: 'not-saved', reason: 'save-failed', version: 0, message: /table locked/ },
    ]);
  });

  it('a reporting hook that throws changes nothing', async () => {
    const { loaded } = await loadWith(
      holding(() => 'garbage'),
      {
        onProblem: () => {
          throw new Error('logger down');
        },
      },
    );
    expect(loaded).toEqual({ state: truth, version: 6 });
  });

  it('law: whatever a snapshot row holds, the loaded state is the fold of the events (1,000 runs)', async () => {
    const field = fc.constantFrom(
      'version',
      'eventId',
      'commandIds',
      'recentCommands',
      'window only',
      'schemaVersion',
      'state',
      'whole',
    );
    const junk = fc.oneof(fc.jsonValue(), fc.anything(), fc.integer(), fc.nat(60), fc.string());
    await fc.assert(
      fc.asyncProperty(field, junk, async (which, value) => {
        const row: unknown =
          which === 'whole'
            ? value
            : which === 'window only'
              ? { ...real, commandIds: undefined, recentCommands: value }
              : { ...real, [which]: value };
        // Only the state can be wrong and still pass every check (the store is trusted on it once it
        // decodes); the codec below stands in for a real one and refuses anything that is not a cart.
        const { loaded, handler } = await loadWith(
          holding(() => row),
          { decodeState },
        );
        const usedAsIs = JSON.stringify(row) === JSON.stringify(real);
        expect(loaded.version).toBe(6);
        if (which === 'state' && E.isRight(decodeState(value)) && !usedAsIs) return;
        expect(loaded.state).toEqual(truth);
        // A list of commands that decodes may list too few: that is the store's to keep right.
        if (which !== 'commandIds' && which !== 'window only')
          expect(right(await handler.handle('cart-1', add('c1', 'sku-1'))).duplicate).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
