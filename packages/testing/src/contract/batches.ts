import { describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import { events, collect, right, left, ids, mine, type FeatureContext } from './support.js';

export const batchesFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('batches', () => {
    it(
      'a multi-event batch gets consecutive versions and is read back whole and in order',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batch = events(5);
        const result = right(await store.append(s, batch, 'no-stream'));
        expect(result).toMatchObject({ streamId: s, firstVersion: 0, nextExpectedVersion: 4 });
        const read = await collect(store.read(s));
        expect(ids(read)).toEqual(ids(batch.map((e) => ({ eventId: e.eventId }) as Envelope)));
        expect(read.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4]);
        const all = await mine(store, prefix);
        expect(all.at(-1)?.globalPosition).toBe(result.lastPosition);
      }),
    );

    it(
      'a batch that fails its expected version is not partly written (atomic)',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(1), 'no-stream'));
        const batch = events(10);
        left(await store.append(s, batch, 'no-stream'));
        const read = await collect(store.read(s));
        expect(read).toHaveLength(1);
        for (const e of batch) expect(ids(read)).not.toContain(e.eventId);
      }),
    );

    it(
      'concurrent batches on one stream never interleave',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batches = Array.from({ length: parallel ? 40 : 12 }, () => events(4));
        await Promise.all(batches.map(async (batch) => right(await store.append(s, batch, 'any'))));
        const read = ids(await collect(store.read(s)));
        expect(read).toHaveLength(batches.length * 4);
        for (const batch of batches) {
          const start = read.indexOf(batch[0]!.eventId);
          expect(read.slice(start, start + 4)).toEqual(batch.map((e) => e.eventId));
        }
      }),
    );
  });
};
