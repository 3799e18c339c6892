import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { cartDecider, cartEventCodec, type CartCommand } from '../../testing/src/index.js';
import { createCommandHandler, type HandlerError } from './command-handler.js';
import type { Decider } from './decider.js';
import type { Envelope } from './envelope.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import type { Command, Event } from './message.js';
import * as money from './money.js';
import { deepCopy } from './runtime.js';
import { createEnvelopeDecoder } from './upcast.js';

/**
 * Issue 18, proposal 3: the handler keeps one private, mutable state per
 * cached stream and evolves it in place. These tests pin down what that
 * must never leak: `handle` returns no state, `load` hands out frozen copies
 * that later commands do not change, and decided events never alias the
 * private state, whether the store freezes payloads (in memory) or not.
 */

const actor = { kind: 'customer' as const, id: 'cust-1' };
const at = '2026-11-24T10:00:00Z';
const add = (commandId: string, sku = 'apple'): CartCommand => ({
  type: 'AddItem',
  data: { sku, qty: 1, unitPrice: money.unsafe(100, 'EUR') },
  metadata: { commandId, actor, at },
});

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

/** A tally whose decider puts the state's own line object into the event it decides. */
type Line = { sku: string; count: number };
type TallyState = { lines: Line[] };
type Count = Command<'Count', { sku: string }>;
type Counted = Event<'Counted', { line: Line }>;

const aliasingTally: Decider<Count, Counted, TallyState> = {
  initialState: { lines: [] },
  // The payload is the very line of the state (or a new one): the aliasing a natural decider writes.
  decide: (command, state) => {
    const line = state.lines.find((candidate) => candidate.sku === command.data.sku);
    return E.right([{ type: 'Counted', data: { line: line ?? { sku: command.data.sku, count: 0 } } }]);
  },
  evolve: (draft, event) => {
    const line = draft.lines.find((candidate) => candidate.sku === event.data.line.sku);
    if (line === undefined) draft.lines.push({ sku: event.data.line.sku, count: 1 });
    else line.count += 1;
  },
};
const count = (commandId: string, sku: string): Count => ({
  type: 'Count',
  data: { sku },
  metadata: { commandId, actor, at },
});
const passThrough = (envelope: Envelope) => E.right(envelope as Envelope<Counted>);

/** A store that keeps copies of what it is given and freezes nothing, like a database. */
const copyingStore = (): EventStore => {
  const inner = createInMemoryEventStore();
  return { ...inner, append: (streamId, events, expected) => inner.append(streamId, deepCopy(events), expected) };
};

describe('command handler: private state per cached stream (issue 18)', () => {
  it('handle returns events and version, not the state; load returns a frozen copy per version', async () => {
    const handler = createCommandHandler({
      store: createInMemoryEventStore(),
      decider: cartDecider,
      decodeEnvelope: createEnvelopeDecoder(cartEventCodec),
    });
    const handled = right(await handler.handle('cart-1', add('c1')));
    expect(Object.keys(handled).sort()).toEqual(['append', 'duplicate', 'events', 'streamId', 'version']);
    const first = right(await handler.load('cart-1'));
    expect(Object.isFrozen(first.state) && Object.isFrozen(first.state.lines[0])).toBe(true);
    expect(right(await handler.load('cart-1'))).toBe(first);

    right(await handler.handle('cart-1', add('c2', 'pear')));
    const second = right(await handler.load('cart-1'));
    expect(second.version).toBe(1);
    expect(second.state.lines.map((line) => line.sku)).toEqual(['apple', 'pear']);
    // What a caller got earlier is untouched by the later command.
    expect(first.state.lines.map((line) => line.sku)).toEqual(['apple']);
  });

  it.each([
    ['a store that freezes payloads in place (in memory)', createInMemoryEventStore],
    ['a store that copies and freezes nothing', copyingStore],
  ])('a decider that puts its state into a payload is safe on %s', async (_, makeStore) => {
    const handler = createCommandHandler({ store: makeStore(), decider: aliasingTally, decodeEnvelope: passThrough });
    const handled = [];
    for (const [i, sku] of ['a', 'a', 'b', 'a'].entries())
      handled.push(right(await handler.handle('tally-1', count(`c${i}`, sku))));
    // Each event keeps the line as it was decided, not as later commands changed the state.
    expect(handled.map((h) => h.events[0]?.data.line)).toEqual([
      { sku: 'a', count: 0 },
      { sku: 'a', count: 1 },
      { sku: 'b', count: 0 },
      { sku: 'a', count: 2 },
    ]);
    expect(Object.isFrozen(handled[1]?.events[0]?.data.line)).toBe(true);
    expect(right(await handler.load('tally-1')).state.lines).toEqual([
      { sku: 'a', count: 3 },
      { sku: 'b', count: 1 },
    ]);
  });

  it('concurrent commands on one stream each fold once into the one private state', async () => {
    const handler = createCommandHandler({
      store: createInMemoryEventStore(),
      decider: aliasingTally,
      decodeEnvelope: passThrough,
      random: () => 0,
    });
    right(await handler.handle('tally-1', count('c0', 'a')));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => handler.handle('tally-1', count(`k${i}`, 'a'))),
    );
    expect(results.every(E.isRight)).toBe(true);
    expect(right(await handler.load('tally-1'))).toMatchObject({
      version: 20,
      state: { lines: [{ sku: 'a', count: 21 }] },
    });
  });

  it('an evolve that throws half way spoils nothing: the handler folds the stream again from the store', async () => {
    let failOnce = false;
    const flaky: Decider<Count, Counted, TallyState> = {
      ...aliasingTally,
      evolve: (draft, event) => {
        aliasingTally.evolve(draft, event);
        if (failOnce) {
          failOnce = false;
          throw new Error('evolve failed half way');
        }
      },
    };
    const handler = createCommandHandler({
      store: createInMemoryEventStore(),
      decider: flaky,
      decodeEnvelope: passThrough,
    });
    right(await handler.handle('tally-1', count('c0', 'a')));
    failOnce = true;
    // The event is stored, so the command succeeded; the half-applied state (count 3) is thrown away.
    expect(right(await handler.handle('tally-1', count('c1', 'a'))).version).toBe(1);
    expect(right(await handler.load('tally-1'))).toMatchObject({
      version: 1,
      state: { lines: [{ sku: 'a', count: 2 }] },
    });
  });

  it('a decide that freezes the state it is given (immer produce on it) does not break later commands', async () => {
    // Like a decider that folds its own events to check consequences: immer auto-freezes what the result shares.
    const freezing: Decider<Count, Counted, TallyState> = {
      ...aliasingTally,
      decide: (command, state) => {
        const decided = aliasingTally.decide(command, state);
        if (E.isRight(decided))
          produce(state, (draft) => {
            for (const event of decided.right) aliasingTally.evolve(draft, event);
          });
        return decided;
      },
    };
    const store = createInMemoryEventStore();
    let reads = 0;
    const counting: EventStore = {
      ...store,
      read: (streamId, options) => {
        reads++;
        return store.read(streamId, options);
      },
    };
    const handler = createCommandHandler({ store: counting, decider: freezing, decodeEnvelope: passThrough });
    for (const [i, sku] of ['a', 'b', 'a', 'a', 'b'].entries())
      right(await handler.handle('tally-1', count(`c${i}`, sku)));
    expect(right(await handler.load('tally-1')).state.lines).toEqual([
      { sku: 'a', count: 3 },
      { sku: 'b', count: 2 },
    ]);
    // One read for the first load, one refold after the first spoilt evolve; from then on decide runs on a copy.
    expect(reads).toBe(2);
  });
});

describe('the handler on the in-memory store (issue 18)', () => {
  const carts = () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({
      store,
      decider: cartDecider,
      decodeEnvelope: createEnvelopeDecoder(cartEventCodec),
    });
    return { store, handler };
  };

  it('a command on a cached stream is settled before the first microtask: no await inside', async () => {
    const { handler } = carts();
    right(await handler.handle('cart-1', add('c1')));
    let settled = false;
    const pending = handler.handle('cart-1', add('c2', 'pear')).then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(true);
    await pending;
    expect(right(await handler.load('cart-1')).version).toBe(1);
  });

  it('a duplicate returns the events of the first delivery, read back from the store', async () => {
    const { handler } = carts();
    const first = right(await handler.handle('cart-1', add('c1')));
    right(await handler.handle('cart-1', add('c2', 'pear')));
    const again = right(await handler.handle('cart-1', add('c1')));
    expect(again).toMatchObject({ duplicate: true, version: 1 });
    expect(again.events).toEqual(first.events);
  });
});
