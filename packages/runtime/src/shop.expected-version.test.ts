import { createInMemoryEventStore, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 16: `execute(streamId, input, { expectedVersion })` hands the expected
 * version to the stream's handler, so an If-Match holds across shops (processes)
 * on one store: the check is the append's own.
 */

const T = (hour: number) => `2026-11-01T${String(hour).padStart(2, '0')}:00:00Z`;

const count = async (store: EventStore, streamId: string): Promise<number> => {
  let n = 0;
  for await (const _ of store.read(streamId)) n++;
  return n;
};

describe('execute with an expected version (issue 16)', () => {
  it('two shops on one store: the second writer with a stale version is refused and nothing is appended', async () => {
    const store = createInMemoryEventStore();
    const a = createShop({ store, clock: createVirtualClock(T(9)) });
    const b = createShop({ store, clock: createVirtualClock(T(9)) });
    const order = orderStreamId('o-1');
    expect(E.isRight(await a.execute(order, raw('PlaceOrder', checkoutData('o-1'), customer, T(10))))).toBe(true);
    // Both shops read the placed order (b caches it).
    const read = await b.handlers.order.load(order);
    if (E.isLeft(read)) throw new Error(read.left.message);
    const seen = read.right.version;
    expect(seen).toBe((await count(store, order)) - 1);
    const authorize = raw(
      'AuthorizePayment',
      { paymentId: 'o-1-pay', amount: rub(7000), providerReference: 'sb-77' },
      provider,
      T(10),
    );
    const first = await a.execute(order, authorize, { expectedVersion: seen });
    expect(E.isRight(first)).toBe(true);
    const before = await count(store, order);
    const second = await b.execute(order, raw('HoldFulfillment', { reason: 'check stock' }, admin, T(11)), {
      expectedVersion: seen,
    });
    expect(E.isLeft(second) && second.left).toMatchObject({
      code: 'wrong-expected-version',
      expected: seen,
      actual: before - 1,
    });
    expect(await count(store, order)).toBe(before);
  });

  it('without options execute behaves as before (a conflict is retried on the newer state)', async () => {
    const store = createInMemoryEventStore();
    const a = createShop({ store, clock: createVirtualClock(T(9)) });
    const b = createShop({ store, clock: createVirtualClock(T(9)) });
    const order = orderStreamId('o-2');
    expect(E.isRight(await a.execute(order, raw('PlaceOrder', checkoutData('o-2'), customer, T(10))))).toBe(true);
    await b.handlers.order.load(order);
    const authorize = raw(
      'AuthorizePayment',
      { paymentId: 'o-2-pay', amount: rub(7000), providerReference: 'sb-78' },
      provider,
      T(10),
    );
    expect(E.isRight(await a.execute(order, authorize))).toBe(true);
    const held = await b.execute(order, raw('HoldFulfillment', { reason: 'check stock' }, admin, T(11)));
    expect(E.isRight(held) && held.right.version).toBe((await count(store, order)) - 1);
    expect(E.isRight(held) && held.right.events.map((e) => e.type)).toEqual(['FulfillmentHeld']);
  });
});
