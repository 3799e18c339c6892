import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartCommandArb, cartDecider, cartEventCodec, type CartEvent } from '../../testing/src/index.js';
import { createCommandHandler } from './command-handler.js';
import { rehydrate } from './decider.js';
import type { NewEvent } from './envelope.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { stateAsOf } from './time-travel.js';
import { createEnvelopeDecoder } from './upcast.js';

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
const actor = { kind: 'customer' as const, id: 'c-1' };
const history: [string, CartEvent][] = [
  ['2026-11-24T10:00:00Z', { type: 'ItemAdded', data: { sku: 'apple', qty: 1, unitPrice: money.unsafe(100, 'EUR') } }],
  [
    '2026-11-24T10:05:00.500Z',
    { type: 'ItemAdded', data: { sku: 'pear', qty: 2, unitPrice: money.unsafe(50, 'EUR') } },
  ],
  ['2026-11-24T10:10:00Z', { type: 'ItemRemoved', data: { sku: 'apple' } }],
  [
    '2026-11-24T10:20:00Z',
    { type: 'CheckedOut', data: { total: money.unsafe(100, 'EUR'), at: '2026-11-24T10:20:00Z' } },
  ],
];
const events = history.map(([, event]) => event);

const seeded = async () => {
  const store = createInMemoryEventStore();
  const batch: NewEvent[] = history.map(([occurredAt, event], i) => ({ event, eventId: `e${i}`, occurredAt, actor }));
  await store.append('cart-1', batch, 'no-stream');
  return store;
};

const asOf = async (when: { version: number } | { at: string }) => {
  const result = await stateAsOf(await seeded(), cartDecider, decodeEnvelope, 'cart-1', when);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('time travel', () => {
  it('by version: the state after each event, inclusive', async () => {
    for (let version = 0; version < events.length; version++)
      expect(await asOf({ version }), `version ${version}`).toEqual({
        state: rehydrate(cartDecider, events.slice(0, version + 1)),
        version,
      });
    expect(await asOf({ version: -1 })).toEqual({ state: cartDecider.initialState, version: -1 });
    expect(await asOf({ version: 99 })).toEqual({ state: rehydrate(cartDecider, events), version: 3 });
  });

  it('by instant: events that occurred at or before it', async () => {
    expect(await asOf({ at: '2026-11-24T09:59:59.999Z' })).toEqual({ state: cartDecider.initialState, version: -1 });
    expect((await asOf({ at: '2026-11-24T10:00:00Z' })).version).toBe(0);
    expect((await asOf({ at: '2026-11-24T10:05:00.499Z' })).version).toBe(0);
    expect((await asOf({ at: '2026-11-24T10:05:00.500Z' })).version).toBe(1);
    const at1015 = await asOf({ at: '2026-11-24T10:15:00Z' });
    expect(at1015.version).toBe(2);
    expect(at1015.state.lines.map((l) => l.sku)).toEqual(['pear']);
    expect(at1015.state.status).toBe('open');
    expect((await asOf({ at: '2027-01-01T00:00:00Z' })).state.status).toBe('checked-out');
  });

  it('by instant with a zone offset: compared as instants, not as text', async () => {
    expect((await asOf({ at: '2026-11-24T13:07:00+03:00' })).version).toBe(1);
    expect((await asOf({ at: '2026-11-24T05:09:59-05:00' })).version).toBe(1);
  });

  it('an unknown stream is the initial state', async () => {
    const result = await stateAsOf(await seeded(), cartDecider, decodeEnvelope, 'cart-404', { version: 5 });
    expect(result).toEqual(E.right({ state: cartDecider.initialState, version: -1 }));
  });

  it('an instant that is not an ISO instant is a validation error, not "now"', async () => {
    const result = await stateAsOf(await seeded(), cartDecider, decodeEnvelope, 'cart-1', { at: 'yesterday' });
    expect(E.isLeft(result) && result.left.issues[0]).toMatchObject({ path: 'at', rule: 'IsoInstant' });
  });

  it('a stored event that does not decode is a validation error', async () => {
    const store = await seeded();
    await store.append(
      'cart-1',
      [{ event: { type: 'Mystery', data: {} }, eventId: 'bad', occurredAt: '2026-11-24T11:00:00Z', actor }],
      3,
    );
    const result = await stateAsOf(store, cartDecider, decodeEnvelope, 'cart-1', { version: 10 });
    expect(E.isLeft(result) && result.left.message).toContain('stream "cart-1" version 4');
    expect(E.isRight(await stateAsOf(store, cartDecider, decodeEnvelope, 'cart-1', { version: 3 }))).toBe(true);
  });
});

describe('time travel: property', () => {
  it('the state as of any version is the fold of the events up to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cartCommandArb(), { maxLength: 20 }),
        fc.integer({ min: -1, max: 25 }),
        async (commands, version) => {
          const store = createInMemoryEventStore();
          const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
          for (const command of commands) await handler.handle('cart-1', command);
          const stored: CartEvent[] = [];
          for await (const envelope of store.read('cart-1')) stored.push(envelope.event as CartEvent);
          const result = await stateAsOf(store, cartDecider, decodeEnvelope, 'cart-1', { version });
          const upTo = Math.min(version, stored.length - 1);
          expect(result).toEqual(E.right({ state: rehydrate(cartDecider, stored.slice(0, upTo + 1)), version: upTo }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
