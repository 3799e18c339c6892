import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartEventCodec, type CartEvent } from '../../testing/src/index.js';
import type { Envelope, NewEvent } from './envelope.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { createProjectionRunner, project, type Projection, type ProjectionProgress } from './projection.js';
import { sleep } from './runtime.js';
import { createEnvelopeDecoder } from './upcast.js';

type Sales = { checkedOut: number; revenue: Record<string, number>; itemsAdded: number; lastCart: string | null };

const sales: Projection<Sales, CartEvent> = {
  name: 'sales',
  initialState: { checkedOut: 0, revenue: {}, itemsAdded: 0, lastCart: null },
  decode: createEnvelopeDecoder(cartEventCodec),
  filter: { streamPrefix: 'cart-' },
  evolve: (model, envelope) => {
    model.lastCart = envelope.streamId;
    switch (envelope.event.type) {
      case 'ItemAdded':
        model.itemsAdded += envelope.event.data.qty;
        return;
      case 'CheckedOut': {
        const { currency, amount } = envelope.event.data.total;
        model.checkedOut++;
        model.revenue[currency] = (model.revenue[currency] ?? 0) + amount;
        return;
      }
      default:
    }
  },
};

const actor = { kind: 'customer' as const, id: 'c-1' };
let n = 0;
const put = (event: CartEvent): NewEvent => ({ event, eventId: `e-${++n}`, occurredAt: '2026-11-24T10:00:00Z', actor });
const added = (qty = 1): CartEvent => ({
  type: 'ItemAdded',
  data: { sku: 'apple', qty, unitPrice: money.unsafe(100, 'EUR') },
});
const checkedOut = (amount: number): CartEvent => ({
  type: 'CheckedOut',
  data: { total: money.unsafe(amount, 'EUR'), at: '2026-11-24T10:00:00Z' },
});

/** `carts` carts of one item each, every one checked out: 2 events per cart. */
const seed = async (store: EventStore, carts: number, from = 0) => {
  for (let i = from; i < from + carts; i++)
    await store.append(`cart-${i}`, [put(added()), put(checkedOut(100))], 'no-stream');
};

const waitFor = async (ready: () => boolean) => {
  for (let i = 0; i < 1000 && !ready(); i++) await sleep(2);
  expect(ready()).toBe(true);
};

describe('projections', () => {
  it('project folds envelopes purely and leaves the input state alone', () => {
    const envelopes = [added(2), checkedOut(200)].map((event, i): Envelope<CartEvent> => ({
      event,
      eventId: `e${i}`,
      streamId: 'cart-1',
      streamVersion: i,
      globalPosition: String(i + 1),
      occurredAt: '2026-11-24T10:00:00Z',
      recordedAt: '2026-11-24T10:00:00Z',
      actor,
      schemaVersion: 1,
    }));
    const once = project(sales, envelopes);
    expect(once).toEqual({ checkedOut: 1, revenue: { EUR: 200 }, itemsAdded: 2, lastCart: 'cart-1' });
    expect(sales.initialState).toEqual({ checkedOut: 0, revenue: {}, itemsAdded: 0, lastCart: null });
    expect(project(sales, envelopes, once).checkedOut).toBe(2);
    expect(once.checkedOut).toBe(1);
  });

  it('catches up with everything committed, then only with what is new', async () => {
    const store = createInMemoryEventStore();
    await seed(store, 5);
    await store.append('other-1', [put(added(50))], 'no-stream');
    const runner = createProjectionRunner(store, sales);
    expect(await runner.catchUp()).toEqual(E.right(10));
    expect(runner.state()).toEqual({ checkedOut: 5, revenue: { EUR: 500 }, itemsAdded: 5, lastCart: 'cart-4' });
    expect(await runner.catchUp()).toEqual(E.right(0));
    await seed(store, 2, 5);
    expect(await runner.catchUp()).toEqual(E.right(4));
    expect(runner.state().checkedOut).toBe(7);
    const all: Envelope[] = [];
    for await (const envelope of store.readAll()) all.push(envelope);
    expect(runner.checkpoint()).toBe(all.at(-1)!.globalPosition);
  });

  it('follows live events after catching up, and stops on close', async () => {
    const store = createInMemoryEventStore();
    await seed(store, 3);
    const runner = createProjectionRunner(store, sales);
    const subscription = runner.follow();
    await subscription.caughtUp;
    expect(runner.state().checkedOut).toBe(3);
    await seed(store, 2, 3);
    await waitFor(() => runner.state().checkedOut === 5);
    await subscription.close();
    await seed(store, 1, 5);
    await sleep(20);
    expect(runner.state().checkedOut).toBe(5);
    // Catching up after following resumes from where following stopped.
    expect(await runner.catchUp()).toEqual(E.right(2));
    expect(runner.state().checkedOut).toBe(6);
  });

  it('rebuild folds the whole log again and reports progress per batch', async () => {
    const store = createInMemoryEventStore();
    await seed(store, 12);
    const progress: ProjectionProgress[] = [];
    const runner = createProjectionRunner(store, sales, { batchSize: 10, onProgress: (p) => progress.push(p) });
    expect(await runner.catchUp()).toEqual(E.right(24));
    const before = runner.state();
    progress.length = 0;
    expect(await runner.rebuild()).toEqual(E.right(24));
    expect(runner.state()).toEqual(before);
    expect(runner.state()).not.toBe(before);
    expect(progress.map((p) => p.processed)).toEqual([10, 20, 24]);
    expect(progress.every((p) => p.name === 'sales' && p.checkpoint !== undefined)).toBe(true);
    expect(progress.at(-1)!.checkpoint).toBe(runner.checkpoint());
  });

  it('an event that does not decode stops catch-up at the event before it, and is never skipped', async () => {
    const store = createInMemoryEventStore();
    await seed(store, 2);
    await store.append(
      'cart-bad',
      [put({ type: 'ItemAdded', data: { sku: 'x', qty: 0 } } as unknown as CartEvent)],
      'any',
    );
    await seed(store, 1, 2);
    const runner = createProjectionRunner(store, sales);
    const failed = await runner.catchUp();
    expect(E.isLeft(failed) && failed.left.message).toContain('stream "cart-bad" version 0');
    expect(runner.state().checkedOut).toBe(2);
    const again = await runner.catchUp();
    expect(E.isLeft(again)).toBe(true);
    expect(runner.state().checkedOut).toBe(2);
  });

  it('a bad event makes a follower fail instead of skipping it', async () => {
    const store = createInMemoryEventStore();
    const runner = createProjectionRunner(store, sales);
    const subscription = runner.follow();
    await subscription.caughtUp;
    await store.append('cart-bad', [put({ type: 'Mystery', data: {} } as unknown as CartEvent)], 'any');
    await expect(subscription.done).rejects.toThrow('cart-bad');
  });

  it('the read model handed out is frozen: readers cannot corrupt it', async () => {
    const store = createInMemoryEventStore();
    await seed(store, 1);
    const runner = createProjectionRunner(store, sales);
    await runner.catchUp();
    expect(() => {
      (runner.state() as { checkedOut: number }).checkedOut = 99;
    }).toThrow();
    expect(runner.state().checkedOut).toBe(1);
  });
});

describe('projections: property', () => {
  it('catching up in any rhythm and batch size, or rebuilding, gives the fold of the whole log', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            cart: fc.nat(3),
            qty: fc.integer({ min: 1, max: 5 }),
            checkout: fc.boolean(),
            catchUp: fc.boolean(),
          }),
          { maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 7 }),
        async (steps, batchSize) => {
          const store = createInMemoryEventStore();
          const runner = createProjectionRunner(store, sales, { batchSize });
          for (const step of steps) {
            const events = step.checkout
              ? [put(added(step.qty)), put(checkedOut(step.qty * 100))]
              : [put(added(step.qty))];
            await store.append(`cart-${step.cart}`, events, 'any');
            if (step.catchUp) expect(E.isRight(await runner.catchUp())).toBe(true);
          }
          await runner.catchUp();
          const all: Envelope<CartEvent>[] = [];
          for await (const raw of store.readAll()) all.push(raw as Envelope<CartEvent>);
          const expected = project(sales, all);
          expect(runner.state()).toEqual(expected);
          expect(await runner.rebuild()).toEqual(E.right(all.length));
          expect(runner.state()).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
