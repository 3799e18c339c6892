import { describe, expect, it } from 'vitest';
import { newEvent, events, right, left, mine, type FeatureContext } from './support.js';

export const invalidBatchesFeature = ({ withStore }: FeatureContext): void => {
  describe('invalid batches', () => {
    it(
      'an empty batch is invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        expect(left(await store.append(s, [], 'any'))).toMatchObject({ kind: 'invalid-append', streamId: s });
        expect(left(await store.append(s, [], 'no-stream')).kind).toBe('invalid-append');
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'an empty stream id is invalid-append',
      withStore(async ({ store, prefix }) => {
        expect(left(await store.append('', events(1), 'any'))).toMatchObject({
          kind: 'invalid-append',
          streamId: '',
        });
        expect(await mine(store, prefix)).toHaveLength(0);
      }),
    );

    it(
      'the same eventId twice in one batch is invalid-append and writes nothing',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const one = newEvent('Happened');
        const error = left(
          await store.append(s, [one, newEvent('Other'), { ...one, event: { type: 'X', data: {} } }], 'any'),
        );
        expect(error).toMatchObject({ kind: 'invalid-append', streamId: s });
        expect(await store.streamVersion(s)).toBe(-1);
        // The id was not burnt: it can still be appended on its own.
        right(await store.append(s, [one], 'no-stream'));
      }),
    );

    it(
      'an expected revision that is not a stream version (-2, 1.5, NaN) is invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        for (const expected of [-2, 1.5, Number.NaN])
          expect(left(await store.append(s, events(1), expected)), String(expected)).toMatchObject({
            kind: 'invalid-append',
            streamId: s,
          });
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'an event without an eventId or a type is invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        expect(left(await store.append(s, [newEvent('Happened', {}, { eventId: '' })], 'any')).kind).toBe(
          'invalid-append',
        );
        expect(left(await store.append(s, [newEvent('', {})], 'any')).kind).toBe('invalid-append');
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );
  });
};
