import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppendResult, ExpectedRevision, NewEvent } from '@ordersource/core';
import { events, collect, right, left, ids, mine, type FeatureContext } from './support.js';

export const modelBasedFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('model-based', () => {
    type Op = Readonly<{
      stream: number;
      count: number;
      /** `stale` is one below the current version (one above on an empty stream: never below -1). */
      expected: 'any' | 'no-stream' | 'exists' | 'current' | 'stale' | 'ahead';
      /** Replay an earlier batch (by index among the successful ones) instead of a new one. */
      replay: number | undefined;
    }>;
    const opArb: fc.Arbitrary<Op> = fc.record({
      stream: fc.integer({ min: 0, max: 2 }),
      count: fc.integer({ min: 1, max: 3 }),
      expected: fc.constantFrom('any', 'no-stream', 'exists', 'current', 'stale', 'ahead'),
      replay: fc.option(fc.nat(20), { nil: undefined }),
    });

    it(
      'random appends agree with a simple model: outcomes, versions, reads and readAll',
      withStore(async ({ store, prefix }) => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
            const base = `${prefix}${run++}-`;
            const streams = new Map<string, string[]>();
            const global: string[] = [];
            const batches: { streamId: string; batch: NewEvent[]; result: AppendResult }[] = [];
            for (const op of ops) {
              const replayed = op.replay === undefined ? undefined : batches[op.replay % Math.max(batches.length, 1)];
              const streamId = replayed?.streamId ?? `${base}s${op.stream}`;
              const current = (streams.get(streamId)?.length ?? 0) - 1;
              const expected: ExpectedRevision =
                op.expected === 'current'
                  ? current
                  : op.expected === 'stale'
                    ? current >= 0
                      ? current - 1
                      : current + 1
                    : op.expected === 'ahead'
                      ? current + 1
                      : op.expected;
              const batch = replayed?.batch ?? events(op.count);
              const outcome = await store.append(streamId, batch, expected);
              if (replayed !== undefined) {
                expect(right(outcome), 'a replayed batch returns its first result').toEqual(replayed.result);
                continue;
              }
              const ok =
                expected === 'any' ||
                (expected === 'no-stream' && current === -1) ||
                (expected === 'exists' && current >= 0) ||
                expected === current;
              if (!ok) {
                expect(left(outcome)).toMatchObject({ kind: 'wrong-expected-version', expected, actual: current });
                continue;
              }
              const result = right(outcome);
              expect(result).toMatchObject({
                streamId,
                firstVersion: current + 1,
                nextExpectedVersion: current + batch.length,
              });
              const list = streams.get(streamId) ?? [];
              list.push(...batch.map((e) => e.eventId));
              streams.set(streamId, list);
              global.push(...batch.map((e) => e.eventId));
              batches.push({ streamId, batch, result });
            }
            for (const [streamId, list] of streams) {
              expect(ids(await collect(store.read(streamId)))).toEqual(list);
              expect(await store.streamVersion(streamId)).toBe(list.length - 1);
            }
            expect(ids(await mine(store, base))).toEqual(global);
          }),
          { numRuns: parallel ? 25 : 40 },
        );
      }),
    );
  });
};
