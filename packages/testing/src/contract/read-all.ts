import { describe, expect, it } from 'vitest';
import type { Checkpoint, Envelope, NewEvent } from '@ordersource/core';
import { sleep } from '@ordersource/core';
import {
  newEvent,
  events,
  collect,
  right,
  ids,
  mine,
  expectWellOrdered,
  type FeatureContext,
  type Setup,
} from './support.js';

export const readAllFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('readAll', () => {
    /** Three streams written in an interleaved order; returns the ids in commit order. */
    const interleaved = async ({ store, prefix }: Setup) => {
      const order: NewEvent[] = [];
      const put = async (s: string, batch: NewEvent[]) => {
        right(await store.append(`${prefix}${s}`, batch, 'any'));
        order.push(...batch);
      };
      await put('order-1', [newEvent('OrderPlaced'), newEvent('LineAdded')]);
      await put('payment-1', [newEvent('PaymentStarted')]);
      await put('order-2', [newEvent('OrderPlaced')]);
      await put('order-1', [newEvent('OrderConfirmed')]);
      await put('payment-1', [newEvent('PaymentSucceeded'), newEvent('PaymentCaptured')]);
      await put('order-2', [newEvent('LineAdded'), newEvent('OrderConfirmed')]);
      return order.map((e) => e.eventId);
    };

    it(
      'from the start: complete and in commit order',
      withStore(async (setup) => {
        const order = await interleaved(setup);
        const everything = await collect(setup.store.readAll());
        const ours = everything.filter((e) => e.streamId.startsWith(setup.prefix));
        expect(ids(ours)).toEqual(order);
        expect(new Set(everything.map((e) => e.globalPosition)).size).toBe(everything.length);
        expect(ids(await mine(setup.store, setup.prefix))).toEqual(order);
      }),
    );

    it(
      'after a checkpoint: exactly the events committed after it',
      withStore(async (setup) => {
        const order = await interleaved(setup);
        const all = await mine(setup.store, setup.prefix);
        for (const k of [0, 3, 7, all.length - 1]) {
          const after = all[k]!.globalPosition;
          expect(ids(await mine(setup.store, setup.prefix, after)), `after event ${k}`).toEqual(order.slice(k + 1));
        }
        const unfiltered = await collect(setup.store.readAll(all.at(-1)!.globalPosition));
        expect(unfiltered.filter((e) => e.streamId.startsWith(setup.prefix))).toEqual([]);
      }),
    );

    it(
      'limit, and paging by the last checkpoint, reads everything once',
      withStore(async (setup) => {
        const order = await interleaved(setup);
        expect(ids(await mine(setup.store, setup.prefix, undefined, { limit: 3 }))).toEqual(order.slice(0, 3));
        const paged: string[] = [];
        let after: Checkpoint | undefined;
        for (let page = 0; page < 20; page++) {
          const batch = await mine(setup.store, setup.prefix, after, { limit: 2 });
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(2);
          paged.push(...ids(batch));
          after = batch.at(-1)!.globalPosition;
        }
        expect(paged).toEqual(order);
      }),
    );

    it(
      'filters by streamPrefix and eventTypes (together, and with limit)',
      withStore(async (setup) => {
        const { store, prefix } = setup;
        await interleaved(setup);
        const orders = await mine(store, `${prefix}order-`);
        expect(orders.map((e) => e.streamId)).toEqual([
          `${prefix}order-1`,
          `${prefix}order-1`,
          `${prefix}order-2`,
          `${prefix}order-1`,
          `${prefix}order-2`,
          `${prefix}order-2`,
        ]);
        const types = (await mine(store, prefix, undefined, { eventTypes: ['OrderConfirmed', 'PaymentStarted'] })).map(
          (e) => `${e.streamId.slice(prefix.length)}:${e.event.type}`,
        );
        expect(types).toEqual(['payment-1:PaymentStarted', 'order-1:OrderConfirmed', 'order-2:OrderConfirmed']);
        const both = await mine(store, `${prefix}order-`, undefined, { eventTypes: ['LineAdded'], limit: 1 });
        expect(both.map((e) => e.streamId)).toEqual([`${prefix}order-1`]);
        expect(await mine(store, prefix, undefined, { eventTypes: [] })).toEqual([]);
        expect(await mine(store, `${prefix}nothing-`)).toEqual([]);
      }),
    );

    it(
      'streamPrefix is a literal prefix: %, _ and backslash match only themselves',
      withStore(async ({ store, prefix }) => {
        for (const s of ['a%b-1', 'aXb-1', 'a_c-1', 'aYc-1', 'a\\d-1', 'a\\\\d-1'])
          right(await store.append(`${prefix}${s}`, events(1), 'no-stream'));
        const streams = async (p: string) =>
          (await mine(store, `${prefix}${p}`)).map((e) => e.streamId.slice(prefix.length));
        expect(await streams('a%b')).toEqual(['a%b-1']);
        expect(await streams('a_c')).toEqual(['a_c-1']);
        expect(await streams('a\\d')).toEqual(['a\\d-1']);
        expect(await streams('a%')).toEqual(['a%b-1']);
      }),
    );

    it(
      'stays complete and per-stream ordered under concurrent writers, also for a reader polling meanwhile',
      withStore(async ({ store, prefix }) => {
        const streams = parallel ? 20 : 6;
        const appendsPerStream = parallel ? 15 : 8;
        const expected = new Map<string, string[]>();
        const jobs: (() => Promise<void>)[] = [];
        for (let s = 0; s < streams; s++) {
          const streamId = `${prefix}s-${s}`;
          expected.set(streamId, []);
          for (let a = 0; a < appendsPerStream; a++) {
            const batch = events(1 + (a % 3));
            expected.get(streamId)!.push(...batch.map((e) => e.eventId));
            jobs.push(async () => {
              right(await store.append(streamId, batch, 'any'));
            });
          }
        }
        // A reader that follows by checkpoint while writes commit must neither skip nor repeat.
        const polled: Envelope[] = [];
        let after: Checkpoint | undefined;
        let writing = true;
        const poll = async () => {
          const batch = await mine(store, prefix, after);
          polled.push(...batch);
          if (batch.length > 0) after = batch.at(-1)!.globalPosition;
        };
        const reader = (async () => {
          while (writing) {
            await poll();
            await sleep(1);
          }
        })();
        await Promise.all(jobs.map((job) => job()));
        writing = false;
        await reader;
        await poll();
        expectWellOrdered(await mine(store, prefix), expected);
        expectWellOrdered(polled, expected);
        expect(ids(polled)).toEqual(ids(await mine(store, prefix)));
      }),
    );
  });
};
