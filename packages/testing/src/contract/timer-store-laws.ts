import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClaimedTimer } from '@ordersource/core';
import { timerId } from '@ordersource/core';
import { at, due } from './runtime-support.js';
import type { TimerFeatureContext } from './timer-store-contract.js';

/**
 * The timer laws, checked against a model over random interleavings of plan,
 * claim (two workers), complete, fail and the passing of time: claimDue
 * returns exactly what is due and not under a live claim, earliest first; a
 * fired timer is never planned or claimed again; a token that is not the
 * timer's latest claim settles nothing.
 */
type Op =
  | Readonly<{ kind: 'plan'; stream: number; entries: readonly (readonly [number, number])[] }>
  | Readonly<{ kind: 'claim'; owner: number; limit: number; leaseS: number }>
  | Readonly<{ kind: 'complete'; pick: number }>
  | Readonly<{ kind: 'fail'; pick: number; retryInS: number }>
  | Readonly<{ kind: 'advance'; byS: number }>;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('plan' as const),
    stream: fc.integer({ min: 0, max: 1 }),
    entries: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 95, max: 115 })), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('claim' as const),
    owner: fc.integer({ min: 0, max: 1 }),
    limit: fc.integer({ min: 1, max: 3 }),
    leaseS: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(30) }),
  fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(30), retryInS: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('advance' as const), byS: fc.integer({ min: 0, max: 5 }) }),
);

type ModelEntry = {
  stream: string;
  key: string;
  at: number;
  next: number;
  status: 'planned' | 'fired';
  attempts: number;
  claim: { owner: string; token: string; until: number } | undefined;
};

const byNext = ([a, x]: [string, ModelEntry], [b, y]: [string, ModelEntry]): number =>
  x.next - y.next || (a < b ? -1 : a > b ? 1 : 0);

export const timerLawsFeature = ({ withStore, lawRuns }: TimerFeatureContext): void => {
  describe('laws', () => {
    it(
      'random plans, claims, completions, failures and time agree with the model',
      withStore(async ({ store, prefix }) => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
            const streams = [`${prefix}${run}-s0`, `${prefix}${run}-s1`];
            run += 1;
            const model = new Map<string, ModelEntry>();
            const claims: ClaimedTimer[] = [];
            const fired = new Set<string>();
            let now = 100;
            try {
              for (const op of ops) {
                if (op.kind === 'advance') now += op.byS;
                else if (op.kind === 'plan') {
                  const stream = streams[op.stream] ?? '';
                  const plan = op.entries.map(([key, seconds]) => due(`k${key}`, seconds));
                  await store.plan(stream, plan);
                  const wanted = new Map(plan.map((entry) => [timerId(stream, entry), entry]));
                  for (const [id, entry] of model)
                    if (entry.stream === stream && entry.status === 'planned' && !wanted.has(id)) model.delete(id);
                  for (const [id, entry] of wanted)
                    if (!model.has(id)) {
                      const seconds = (Date.parse(entry.at) - Date.parse(at(0))) / 1000;
                      model.set(id, {
                        stream,
                        key: entry.key,
                        at: seconds,
                        next: seconds,
                        status: 'planned',
                        attempts: 0,
                        claim: undefined,
                      });
                    }
                } else if (op.kind === 'claim') {
                  const owner = `w${op.owner}`;
                  const got = await store.claimDue(at(now), { limit: op.limit, owner, leaseMs: op.leaseS * 1000 });
                  const expected = [...model]
                    .filter(
                      ([, entry]) =>
                        entry.status === 'planned' &&
                        entry.next <= now &&
                        (entry.claim === undefined || entry.claim.until <= now),
                    )
                    .sort(byNext)
                    .slice(0, op.limit)
                    .map(([id]) => id);
                  expect(
                    got.map((timer) => timer.id),
                    'claimDue returns what is due and unclaimed, earliest first',
                  ).toEqual(expected);
                  for (const timer of got) {
                    expect(fired.has(timer.id), 'a fired timer is never claimed').toBe(false);
                    const entry = model.get(timer.id);
                    if (entry !== undefined) entry.claim = { owner, token: timer.token, until: now + op.leaseS };
                    claims.push(timer);
                  }
                } else if (claims.length > 0) {
                  const claimed = claims[op.pick % claims.length];
                  if (claimed === undefined) continue;
                  const entry = model.get(claimed.id);
                  const current = entry?.status === 'planned' && entry.claim?.token === claimed.token;
                  if (op.kind === 'complete') {
                    expect(await store.complete(claimed.id, claimed.token), 'complete only with the latest claim').toBe(
                      current,
                    );
                    if (current && entry !== undefined) {
                      entry.status = 'fired';
                      entry.claim = undefined;
                      fired.add(claimed.id);
                    }
                  } else {
                    const retry = now + op.retryInS;
                    expect(
                      await store.fail(claimed.id, claimed.token, 'boom', at(retry)),
                      'fail only with the latest claim',
                    ).toBe(current);
                    if (current && entry !== undefined) {
                      entry.attempts += 1;
                      entry.next = retry;
                      entry.claim = undefined;
                    }
                  }
                }
                for (const stream of streams) {
                  const listed = await store.list(stream);
                  const expected = [...model].filter(([, entry]) => entry.stream === stream).sort(byNext);
                  expect(listed.map((timer) => [timer.id, timer.status, timer.attempts, timer.nextAttemptAt])).toEqual(
                    expected.map(([id, entry]) => [id, entry.status, entry.attempts, at(entry.next)]),
                  );
                  for (const timer of listed)
                    if (fired.has(timer.id)) expect(timer.status, 'a fired timer is never planned again').toBe('fired');
                }
                const planned = [...model.values()].filter((entry) => entry.status === 'planned');
                const next =
                  planned.length === 0
                    ? undefined
                    : Math.min(...planned.map((e) => Math.max(e.next, e.claim?.until ?? -Infinity)));
                expect(await store.nextDue()).toBe(next === undefined ? undefined : at(next));
              }
            } finally {
              for (const stream of streams) await store.plan(stream, []);
            }
          }),
          { numRuns: lawRuns },
        );
      }),
    );
  });
};
