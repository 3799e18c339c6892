import { describe, expect, it } from 'vitest';
import type { EventStore, ReadOptions } from '@ordersource/core';
import { events, collect, right, ids, type FeatureContext, type Setup } from './support.js';

export const readStreamFeature = ({ withStore }: FeatureContext): void => {
  describe('read', () => {
    const seeded = async ({ store, prefix }: Setup): Promise<{ s: string; all: string[] }> => {
      const s = `${prefix}order-1`;
      const first = events(4);
      const second = events(6);
      right(await store.append(s, first, 'no-stream'));
      right(await store.append(`${prefix}other`, events(3), 'no-stream'));
      right(await store.append(s, second, 3));
      return { s, all: [...first, ...second].map((e) => e.eventId) };
    };
    const readIds = async (store: EventStore, s: string, opts?: ReadOptions) => ids(await collect(store.read(s, opts)));

    it(
      'forwards by default, only the stream asked for, in version order',
      withStore(async (setup) => {
        const { s, all } = await seeded(setup);
        const read = await collect(setup.store.read(s));
        expect(ids(read)).toEqual(all);
        expect(read.map((e) => e.streamVersion)).toEqual(all.map((_, i) => i));
        expect(read.every((e) => e.streamId === s)).toBe(true);
        expect(await readIds(setup.store, s, { direction: 'forwards' })).toEqual(all);
      }),
    );

    it(
      'forwards with from (inclusive) and limit',
      withStore(async (setup) => {
        const { s, all } = await seeded(setup);
        expect(await readIds(setup.store, s, { from: 3 })).toEqual(all.slice(3));
        expect(await readIds(setup.store, s, { from: 3, limit: 4 })).toEqual(all.slice(3, 7));
        expect(await readIds(setup.store, s, { limit: 2 })).toEqual(all.slice(0, 2));
        expect(await readIds(setup.store, s, { from: 9 })).toEqual(all.slice(9));
        expect(await readIds(setup.store, s, { from: 10 })).toEqual([]);
        expect(await readIds(setup.store, s, { from: 50, limit: 3 })).toEqual([]);
      }),
    );

    it(
      'backwards from the last event, or from a version (inclusive), with limit',
      withStore(async (setup) => {
        const { s, all } = await seeded(setup);
        const reversed = [...all].reverse();
        expect(await readIds(setup.store, s, { direction: 'backwards' })).toEqual(reversed);
        expect(await readIds(setup.store, s, { direction: 'backwards', limit: 1 })).toEqual([all[9]]);
        expect(await readIds(setup.store, s, { direction: 'backwards', from: 5 })).toEqual(all.slice(0, 6).reverse());
        expect(await readIds(setup.store, s, { direction: 'backwards', from: 5, limit: 2 })).toEqual([all[5], all[4]]);
        expect(await readIds(setup.store, s, { direction: 'backwards', from: 0 })).toEqual([all[0]]);
        const versions = (await collect(setup.store.read(s, { direction: 'backwards' }))).map((e) => e.streamVersion);
        expect(versions).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      }),
    );

    it(
      'an unknown stream reads empty and has version -1',
      withStore(async ({ store, prefix }) => {
        expect(await collect(store.read(`${prefix}nobody`))).toEqual([]);
        expect(await collect(store.read(`${prefix}nobody`, { direction: 'backwards' }))).toEqual([]);
        expect(await store.streamVersion(`${prefix}nobody`)).toBe(-1);
      }),
    );

    it(
      'streamVersion is the version of the last event',
      withStore(async (setup) => {
        const { s } = await seeded(setup);
        expect(await setup.store.streamVersion(s)).toBe(9);
        expect(await setup.store.streamVersion(`${setup.prefix}other`)).toBe(2);
      }),
    );

    it(
      'a stream id is matched exactly, never as a prefix or pattern',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}order-1`, events(1), 'no-stream'));
        right(await store.append(`${prefix}order-10`, events(2), 'no-stream'));
        expect(await collect(store.read(`${prefix}order-1`))).toHaveLength(1);
        expect(await collect(store.read(`${prefix}order-%`))).toEqual([]);
        expect(await collect(store.read(`${prefix}order-_`))).toEqual([]);
        expect(await store.streamVersion(`${prefix}order-%`)).toBe(-1);
      }),
    );
  });
};
