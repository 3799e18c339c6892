import {
  createInMemoryEventStore,
  createInMemoryTimerStore,
  sleep,
  type EventStore,
  type TimerStore,
} from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 18, the order lifecycle on PostgreSQL: what the shop no longer pays
 * per order. Commands on one stream from one process go one after another
 * (no race for the stream's next version), and the timer planner writes a
 * stream's plan only when it changed.
 */

const AT = '2026-11-01T10:00:00.000Z';

/** The in-memory store behind a network: every append waits a moment, and conflicts are counted. */
const remoteStore = () => {
  const inner = createInMemoryEventStore();
  let conflicts = 0;
  const store: EventStore = {
    append: async (streamId, events, expected) => {
      await sleep(1);
      const result = await inner.append(streamId, events, expected);
      if (E.isLeft(result) && result.left.kind === 'wrong-expected-version') conflicts++;
      return result;
    },
    read: (streamId, options) => inner.read(streamId, options),
    readAll: (after, options) => inner.readAll(after, options),
    subscribe: (after, handler, filter) => inner.subscribe(after, handler, filter),
    streamVersion: (streamId) => inner.streamVersion(streamId),
    close: () => inner.close(),
  };
  return { store, conflicts: () => conflicts };
};

const placeAndPay = async (shop: ReturnType<typeof createShop>, id: string) => {
  const stream = orderStreamId(id);
  for (const [type, data, actor] of [
    ['PlaceOrder', checkoutData(id), customer],
    ['AuthorizePayment', { paymentId: `${id}-pay`, amount: rub(7000) }, provider],
    ['CapturePayment', { paymentId: `${id}-pay` }, provider],
  ] as const) {
    const result = await shop.execute(stream, raw(type, data, actor, AT));
    if (E.isLeft(result)) throw new Error(`${type}: ${result.left.message}`);
  }
};

describe('issue 18: commands on one stream go one after another in a shop', () => {
  it('commands sent at once to one order append in the order sent, with no version conflict', async () => {
    const { store, conflicts } = remoteStore();
    const shop = createShop({ store });
    await placeAndPay(shop, 'o-1');
    const stream = orderStreamId('o-1');
    // Three address changes at once: side by side they raced for the stream's next version.
    const names = ['Olga Petrova', 'Olga P. Petrova', 'O. Petrova'];
    const address = (name: string) => ({ name, line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' });
    const results = await Promise.all(
      names.map((name) => shop.execute(stream, raw('ChangeBillingAddress', { address: address(name) }, admin, AT))),
    );
    expect(results.map((r) => (E.isRight(r) ? r.right.events.length : r.left.message))).toEqual([1, 1, 1]);
    expect(conflicts()).toBe(0);
    const stored: string[] = [];
    for await (const e of store.read(stream))
      if (e.event.type === 'BillingAddressChanged')
        stored.push((e.event.data as { address: { name: string } }).address.name);
    expect(stored).toEqual(names);
  });

  it('a command whose append threw does not hold up or fail the next one on its stream', async () => {
    const { store } = remoteStore();
    let failures = 1;
    const flaky: EventStore = {
      ...store,
      append: async (streamId, events, expected) => {
        if (failures-- > 0) throw new Error('connection lost');
        return store.append(streamId, events, expected);
      },
    };
    const shop = createShop({ store: flaky });
    const stream = orderStreamId('o-2');
    const [lost, placed] = await Promise.allSettled([
      shop.execute(stream, raw('PlaceOrder', checkoutData('o-2'), customer, AT)),
      shop.execute(stream, raw('PlaceOrder', checkoutData('o-2'), customer, AT)),
    ]);
    expect(lost.status).toBe('rejected');
    expect(placed.status === 'fulfilled' && E.isRight(placed.value)).toBe(true);
  });
});

describe('issue 18: the timer planner writes a plan only when it changed', () => {
  it('a stream is never planned twice in a row with the same plan, and its timers stay right', async () => {
    const inner = createInMemoryTimerStore();
    const plans: { streamId: string; plan: string }[] = [];
    const timers: TimerStore = {
      ...inner,
      plan: async (streamId, planned) => {
        plans.push({ streamId, plan: JSON.stringify(planned) });
        await inner.plan(streamId, planned);
      },
    };
    const shop = createShop({ store: createInMemoryEventStore(), timers, clock: createVirtualClock(AT) });
    const stream = orderStreamId('o-3');
    // A flagged checkout (IP country differs from the addresses): held 24 hours (ORD-7), a timer ends the hold.
    const placed = await shop.execute(
      stream,
      raw('PlaceOrder', checkoutData('o-3', { ipCountry: 'DE' }), customer, AT),
    );
    expect(E.isRight(placed)).toBe(true);
    await shop.runUntilIdle();
    expect((await inner.list(stream)).filter((t) => t.status === 'planned').map((t) => t.key)).toEqual(['hold-end']);
    for (const [type, data, actor] of [
      ['ReleaseFulfillmentHold', {}, admin],
      [
        'ChangeBillingAddress',
        { address: { name: 'O. P.', line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' } },
        admin,
      ],
      [
        'ChangeBillingAddress',
        { address: { name: 'O. Petrova', line1: 'Tverskaya 1', city: 'Moscow', country: 'RU' } },
        admin,
      ],
    ] as const) {
      const result = await shop.execute(stream, raw(type, data, actor, AT));
      expect(E.isRight(result)).toBe(true);
      await shop.runUntilIdle();
    }
    const ofOrder = plans.filter((p) => p.streamId === stream).map((p) => p.plan);
    expect(ofOrder.length).toBeGreaterThan(1);
    for (let i = 1; i < ofOrder.length; i++) expect(ofOrder[i]).not.toBe(ofOrder[i - 1]);
    // Released: nothing is planned any more.
    expect((await inner.list(stream)).filter((t) => t.status === 'planned')).toEqual([]);
  });
});

describe('issue 18: a running worker busy when a command appended does not sleep through it', () => {
  it('an order placed while every worker is in its first pass is handled (a policy sends its command) long before the poll interval', async () => {
    const inner = createInMemoryEventStore();
    // Each read of the log takes what was there, then answers a moment later: the append lands in between.
    const slow: EventStore = {
      ...inner,
      readAll: (after, options) =>
        (async function* () {
          const got = [];
          for await (const e of inner.readAll(after, options)) got.push(e);
          await sleep(30);
          yield* got;
        })(),
    };
    // A poll interval no test waits for: only the command's wake-up can get the workers going.
    const shop = createShop({ store: slow, pollMs: 60_000 });
    const notified = new Promise<number>((resolve) => {
      const began = performance.now();
      shop.onActivity((activity) => {
        if (activity.kind === 'command') resolve(performance.now() - began);
      });
    });
    shop.start();
    try {
      await sleep(5);
      const placed = await shop.execute(orderStreamId('o-9'), raw('PlaceOrder', checkoutData('o-9'), customer, AT));
      expect(E.isRight(placed)).toBe(true);
      const waited = await Promise.race([notified, sleep(5_000).then(() => Number.POSITIVE_INFINITY)]);
      expect(waited).toBeLessThan(5_000);
    } finally {
      await shop.stop({ timeoutMs: 5_000 });
    }
  });
});
