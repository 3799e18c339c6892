import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { events, collect, right, left, mine, type FeatureContext } from './support.js';

export const expectedRevisionFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('expected revision', () => {
    it(
      "'no-stream' creates a stream once; a second 'no-stream' is a wrong-expected-version",
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const first = right(await store.append(s, events(1), 'no-stream'));
        expect(first).toMatchObject({ streamId: s, firstVersion: 0, nextExpectedVersion: 0 });
        const error = left(await store.append(s, events(1), 'no-stream'));
        expect(error).toMatchObject({
          kind: 'wrong-expected-version',
          streamId: s,
          expected: 'no-stream',
          actual: 0,
        });
        expect(await store.streamVersion(s)).toBe(0);
      }),
    );

    it(
      "'exists' fails on a missing stream (actual -1) and succeeds once it has events",
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const error = left(await store.append(s, events(1), 'exists'));
        expect(error).toMatchObject({ kind: 'wrong-expected-version', streamId: s, expected: 'exists', actual: -1 });
        expect(await store.streamVersion(s)).toBe(-1);
        right(await store.append(s, events(2), 'any'));
        const ok = right(await store.append(s, events(1), 'exists'));
        expect(ok).toMatchObject({ firstVersion: 2, nextExpectedVersion: 2 });
      }),
    );

    it(
      "'any' appends whatever the stream's state",
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        expect(right(await store.append(s, events(2), 'any'))).toMatchObject({
          firstVersion: 0,
          nextExpectedVersion: 1,
        });
        expect(right(await store.append(s, events(3), 'any'))).toMatchObject({
          firstVersion: 2,
          nextExpectedVersion: 4,
        });
        expect(await store.streamVersion(s)).toBe(4);
      }),
    );

    it(
      'an exact version must equal the version of the last event',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const missing = left(await store.append(s, events(1), 5));
        expect(missing).toMatchObject({ kind: 'wrong-expected-version', streamId: s, expected: 5, actual: -1 });
        const first = right(await store.append(s, events(2), 'no-stream'));
        const second = right(await store.append(s, events(1), first.nextExpectedVersion));
        expect(second).toMatchObject({ firstVersion: 2, nextExpectedVersion: 2 });
        const stale = left(await store.append(s, events(1), first.nextExpectedVersion));
        expect(stale).toMatchObject({ kind: 'wrong-expected-version', streamId: s, expected: 1, actual: 2 });
        const ahead = left(await store.append(s, events(1), 7));
        expect(ahead).toMatchObject({ kind: 'wrong-expected-version', expected: 7, actual: 2 });
        expect(typeof ahead.message).toBe('string');
        expect(await store.streamVersion(s)).toBe(2);
      }),
    );

    it(
      'a failed append writes nothing',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(1), 'no-stream'));
        left(await store.append(s, events(3), 'no-stream'));
        left(await store.append(s, events(3), 4));
        expect(await collect(store.read(s))).toHaveLength(1);
        expect(await mine(store, prefix)).toHaveLength(1);
      }),
    );

    it(
      'concurrent writers with the same expected version: exactly one wins',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}race`;
        const writers = parallel ? 24 : 8;
        const outcomes = await Promise.all(
          Array.from({ length: writers }, () => store.append(s, events(2), 'no-stream')),
        );
        expect(outcomes.filter(E.isRight)).toHaveLength(1);
        for (const outcome of outcomes.filter(E.isLeft))
          expect(outcome.left).toMatchObject({ kind: 'wrong-expected-version', streamId: s, actual: 1 });
        const outcomes2 = await Promise.all(Array.from({ length: writers }, () => store.append(s, events(1), 1)));
        expect(outcomes2.filter(E.isRight)).toHaveLength(1);
        expect(await store.streamVersion(s)).toBe(2);
      }),
    );
  });
};
