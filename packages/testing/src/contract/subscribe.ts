import { describe, expect, it } from 'vitest';
import type { Envelope, EventFilter } from '@ordersource/core';
import { sleep } from '@ordersource/core';
import { newEvent, events, right, waitFor, ids, mine, expectWellOrdered, type FeatureContext } from './support.js';

export const subscribeFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('subscribe', () => {
    const filterOf = (prefix: string): EventFilter => ({ streamPrefix: prefix });

    it(
      'catches up, resolves caughtUp, then follows live events',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const before = events(3);
        right(await store.append(s, before, 'no-stream'));
        const seen: Envelope[] = [];
        const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
        try {
          await sub.caughtUp;
          expect(ids(seen)).toEqual(ids(before.map((e) => ({ eventId: e.eventId }) as Envelope)));
          const live = events(2);
          right(await store.append(s, live.slice(0, 1), 2));
          right(await store.append(`${prefix}order-2`, live.slice(1), 'no-stream'));
          await waitFor('live events', () => seen.length >= 5);
          expect(ids(seen)).toEqual([...before, ...live].map((e) => e.eventId));
          expect(seen.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 0]);
        } finally {
          await sub.close();
        }
      }),
    );

    it(
      'caughtUp resolves on an empty store or filter too',
      withStore(async ({ store, prefix }) => {
        const sub = store.subscribe(undefined, () => undefined, filterOf(`${prefix}none-`));
        await sub.caughtUp;
        await sub.close();
      }),
    );

    it(
      'resumes after a checkpoint and sees only later events, each once',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batch = events(5);
        right(await store.append(s, batch, 'no-stream'));
        const all = await mine(store, prefix);
        const seen: Envelope[] = [];
        const sub = store.subscribe(all[1]!.globalPosition, (e) => void seen.push(e), filterOf(prefix));
        try {
          await sub.caughtUp;
          expect(ids(seen)).toEqual(ids(all.slice(2)));
          const more = events(2);
          right(await store.append(s, more, 4));
          await waitFor('the two live events', () => seen.length >= 5);
          await sleep(50);
          expect(ids(seen)).toEqual([...ids(all.slice(2)), ...more.map((e) => e.eventId)]);
        } finally {
          await sub.close();
        }
      }),
    );

    it(
      'applies the filter to catch-up and live events',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}order-1`, [newEvent('OrderPlaced'), newEvent('LineAdded')], 'any'));
        right(await store.append(`${prefix}payment-1`, [newEvent('OrderPlaced')], 'any'));
        const seen: Envelope[] = [];
        const sub = store.subscribe(undefined, (e) => void seen.push(e), {
          streamPrefix: `${prefix}order-`,
          eventTypes: ['OrderPlaced', 'OrderConfirmed'],
        });
        try {
          await sub.caughtUp;
          right(await store.append(`${prefix}payment-1`, [newEvent('OrderConfirmed')], 'any'));
          right(await store.append(`${prefix}order-1`, [newEvent('LineAdded'), newEvent('OrderConfirmed')], 'any'));
          await waitFor('the filtered live event', () => seen.length >= 2);
          await sleep(50);
          expect(seen.map((e) => `${e.streamId.slice(prefix.length)}:${e.event.type}`)).toEqual([
            'order-1:OrderPlaced',
            'order-1:OrderConfirmed',
          ]);
        } finally {
          await sub.close();
        }
      }),
    );

    it(
      'delivers each event exactly once, in commit order, under concurrent writers',
      withStore(async ({ store, prefix }) => {
        const seen: Envelope[] = [];
        const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
        try {
          await sub.caughtUp;
          const expected = new Map<string, string[]>();
          const writers = parallel ? 60 : 20;
          await Promise.all(
            Array.from({ length: writers }, async (_, i) => {
              const streamId = `${prefix}s-${i % 7}`;
              const batch = events(1 + (i % 2));
              const list = expected.get(streamId) ?? [];
              list.push(...batch.map((e) => e.eventId));
              expected.set(streamId, list);
              right(await store.append(streamId, batch, 'any'));
            }),
          );
          const total = [...expected.values()].reduce((n, list) => n + list.length, 0);
          await waitFor(`${total} events`, () => seen.length >= total);
          await sleep(50);
          expect(seen).toHaveLength(total);
          expectWellOrdered(seen, expected);
          expect(ids(seen)).toEqual(ids(await mine(store, prefix)));
        } finally {
          await sub.close();
        }
      }),
    );

    it(
      'a handler that appends to the store (a reactor) gets those events delivered too',
      withStore(async ({ store, prefix }) => {
        const seen: string[] = [];
        const sub = store.subscribe(
          undefined,
          async (e) => {
            seen.push(`${e.streamId.slice(prefix.length)}:${e.event.type}`);
            if (e.event.type === 'Ping') right(await store.append(`${prefix}pong`, [newEvent('Pong')], 'any'));
          },
          filterOf(prefix),
        );
        try {
          await sub.caughtUp;
          right(await store.append(`${prefix}ping`, [newEvent('Ping')], 'no-stream'));
          await waitFor('the pong', () => seen.length >= 2);
          right(await store.append(`${prefix}ping`, [newEvent('Ping')], 0));
          await waitFor('the second pong', () => seen.length >= 4);
          expect(seen).toEqual(['ping:Ping', 'pong:Pong', 'ping:Ping', 'pong:Pong']);
        } finally {
          await sub.close();
        }
      }),
    );

    it(
      'several subscriptions each see every event once',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}a`, events(2), 'no-stream'));
        const seen: Envelope[][] = [[], [], []];
        const subs = seen.map((list) => store.subscribe(undefined, (e) => void list.push(e), filterOf(prefix)));
        try {
          await Promise.all(subs.map((sub) => sub.caughtUp));
          await Promise.all(Array.from({ length: 6 }, (_, i) => store.append(`${prefix}b${i % 2}`, events(1), 'any')));
          await waitFor('eight events on every subscription', () => seen.every((list) => list.length >= 8));
          await sleep(50);
          const expected = ids(await mine(store, prefix));
          for (const list of seen) expect(ids(list)).toEqual(expected);
        } finally {
          await Promise.all(subs.map((sub) => sub.close()));
        }
      }),
    );

    it(
      'close() stops delivery and resolves done',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(1), 'no-stream'));
        const seen: Envelope[] = [];
        const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
        await sub.caughtUp;
        await sub.close();
        await expect(sub.done).resolves.toBeUndefined();
        right(await store.append(s, events(2), 0));
        await sleep(100);
        expect(seen).toHaveLength(1);
      }),
    );

    it(
      'a throwing handler rejects done and stops delivery',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(3), 'no-stream'));
        const seen: Envelope[] = [];
        const boom = new Error('handler failed on purpose');
        const sub = store.subscribe(
          undefined,
          (e) => {
            seen.push(e);
            if (e.streamVersion === 1) throw boom;
          },
          filterOf(prefix),
        );
        sub.caughtUp.catch(() => undefined);
        await expect(sub.done).rejects.toThrow('handler failed on purpose');
        right(await store.append(s, events(1), 2));
        await sleep(50);
        expect(seen.map((e) => e.streamVersion)).toEqual([0, 1]);
        await sub.close();
      }),
    );

    it(
      'an async handler is awaited: events are handled one at a time, in order',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(5), 'no-stream'));
        const seen: number[] = [];
        let active = 0;
        let overlapped = false;
        const sub = store.subscribe(
          undefined,
          async (e) => {
            active++;
            if (active > 1) overlapped = true;
            await sleep(2);
            seen.push(e.streamVersion);
            active--;
          },
          filterOf(prefix),
        );
        try {
          await sub.caughtUp;
          right(await store.append(s, events(2), 4));
          await waitFor('seven events', () => seen.length >= 7);
          expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
          expect(overlapped).toBe(false);
        } finally {
          await sub.close();
        }
      }),
    );
  });
};
