import { describe, expect, it } from 'vitest';
import { newEvent, events, collect, right, left, ids, mine, type FeatureContext } from './support.js';

export const idempotencyFeature = ({ withStore }: FeatureContext): void => {
  describe('idempotency by eventId', () => {
    it(
      'the same batch twice returns the same AppendResult and adds nothing',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batch = events(3);
        const first = right(await store.append(s, batch, 'no-stream'));
        // A retry after a lost acknowledgement carries the same expected version, now stale.
        const again = right(await store.append(s, batch, 'no-stream'));
        expect(again).toEqual(first);
        const anyAgain = right(await store.append(s, batch, 'any'));
        expect(anyAgain).toEqual(first);
        expect(await collect(store.read(s))).toHaveLength(3);
        expect(await mine(store, prefix)).toHaveLength(3);
        expect(await store.streamVersion(s)).toBe(2);
      }),
    );

    it(
      'replaying an older batch after later appends still returns its original result',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batch = events(2);
        const first = right(await store.append(s, batch, 'no-stream'));
        right(await store.append(s, events(2), 1));
        expect(right(await store.append(s, batch, 1))).toEqual(first);
        expect(await store.streamVersion(s)).toBe(3);
      }),
    );

    it(
      'a batch that partly overlaps a stored one is an idempotency-conflict and writes nothing',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const batch = events(2);
        right(await store.append(s, batch, 'no-stream'));
        const fresh = newEvent('Happened');
        const overlap = left(await store.append(s, [batch[1]!, fresh], 'any'));
        expect(overlap).toMatchObject({ kind: 'idempotency-conflict', streamId: s });
        expect(overlap.kind === 'idempotency-conflict' ? overlap.eventIds : []).toContain(batch[1]!.eventId);
        const subset = left(await store.append(s, [batch[0]!], 'any'));
        expect(subset.kind).toBe('idempotency-conflict');
        const reordered = left(await store.append(s, [batch[1]!, batch[0]!], 'any'));
        expect(reordered.kind).toBe('idempotency-conflict');
        const read = await collect(store.read(s));
        expect(ids(read)).toEqual([batch[0]!.eventId, batch[1]!.eventId]);
        expect(ids(read)).not.toContain(fresh.eventId);
      }),
    );

    it(
      'the same eventIds on another stream are an idempotency-conflict',
      withStore(async ({ store, prefix }) => {
        const batch = events(2);
        right(await store.append(`${prefix}a`, batch, 'no-stream'));
        const conflict = left(await store.append(`${prefix}b`, batch, 'any'));
        expect(conflict).toMatchObject({ kind: 'idempotency-conflict', streamId: `${prefix}b` });
        expect(await store.streamVersion(`${prefix}b`)).toBe(-1);
        expect(await mine(store, prefix)).toHaveLength(2);
      }),
    );
  });
};
