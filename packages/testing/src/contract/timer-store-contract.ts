import { describe, expect, it } from 'vitest';
import type { TimerStore } from '@ordersource/core';
import { newId, timerId } from '@ordersource/core';
import { at, due, expectRefusal, type RuntimeContractOptions } from './runtime-support.js';
import { timerLawsFeature } from './timer-store-laws.js';

/**
 * Contract for `TimerStore` adapters (issue 11, timers: ORD-7 hold expiry,
 * payment-link expiry, REC-8). `claimDue` sees every stream, so the factory
 * must hand out an EMPTY store each time (a fresh schema on PostgreSQL).
 * Time comes only from the arguments: the tests run on instants they choose.
 */
export type TimerStoreUnderTest = { store: TimerStore; close?: () => Promise<void> };

export type TimerSetup = Readonly<{ store: TimerStore; prefix: string }>;

export type TimerFeatureContext = Readonly<{
  withStore: (body: (setup: TimerSetup) => Promise<void>) => () => Promise<void>;
  lawRuns: number;
}>;

const claim = (store: TimerStore, seconds: number, owner = 'w1', limit = 100, leaseMs = 10_000) =>
  store.claimDue(at(seconds), { limit, owner, leaseMs });

const examples = ({ withStore }: TimerFeatureContext): void => {
  describe('plan', () => {
    it(
      'a plan lists back with derived ids, status planned, no attempts, due at its time',
      withStore(async ({ store, prefix }) => {
        const stream = `${prefix}order-1`;
        await store.plan(stream, [due('hold-expiry', 60), due('link-expiry', 30, { n: 1 }, `${prefix}payments`)]);
        const listed = await store.list(stream);
        expect(listed).toEqual([
          {
            id: timerId(stream, { key: 'link-expiry', at: at(30) }),
            streamId: stream,
            key: 'link-expiry',
            at: at(30),
            command: { streamId: `${prefix}payments`, type: 'Expire', data: { n: 1 } },
            status: 'planned',
            attempts: 0,
            nextAttemptAt: at(30),
          },
          {
            id: timerId(stream, { key: 'hold-expiry', at: at(60) }),
            streamId: stream,
            key: 'hold-expiry',
            at: at(60),
            command: { streamId: stream, type: 'Expire', data: { key: 'hold-expiry' } },
            status: 'planned',
            attempts: 0,
            nextAttemptAt: at(60),
          },
        ]);
        expect(await store.list(`${prefix}other`)).toEqual([]);
        expect((await store.list()).map((timer) => timer.key)).toEqual(['link-expiry', 'hold-expiry']);
      }),
    );

    it(
      'a new plan replaces the old: entries no longer asked for are dropped, kept ones keep their attempts',
      withStore(async ({ store, prefix }) => {
        const stream = `${prefix}order-1`;
        await store.plan(stream, [due('a', 10), due('b', 20)]);
        const [claimed] = await claim(store, 10);
        expect(claimed?.key).toBe('a');
        if (claimed === undefined) return;
        expect(await store.fail(claimed.id, claimed.token, 'provider down', at(15))).toBe(true);
        await store.plan(stream, [due('a', 10, { changed: true }), due('c', 30)]);
        const listed = await store.list(stream);
        expect(listed.map((timer) => [timer.key, timer.attempts, timer.nextAttemptAt])).toEqual([
          ['a', 1, at(15)],
          ['c', 0, at(30)],
        ]);
        expect(listed[0]?.command.data, 'the data of a kept entry follows the plan').toEqual({ changed: true });
        await store.plan(stream, []);
        expect(await store.list(stream)).toEqual([]);
        expect(await store.nextDue()).toBeUndefined();
      }),
    );

    it(
      'plans of different streams are independent, and a duplicate entry is planned once',
      withStore(async ({ store, prefix }) => {
        await store.plan(`${prefix}a`, [due('x', 10), due('x', 10)]);
        await store.plan(`${prefix}b`, [due('x', 10)]);
        await store.plan(`${prefix}a`, [due('y', 20)]);
        expect((await store.list(`${prefix}a`)).map((timer) => timer.key)).toEqual(['y']);
        expect((await store.list(`${prefix}b`)).map((timer) => timer.key)).toEqual(['x']);
      }),
    );
  });

  describe('claimDue', () => {
    it(
      'claims only what is due at now, earliest first, at most limit, each with a token',
      withStore(async ({ store, prefix }) => {
        await store.plan(`${prefix}a`, [due('late', 50), due('first', 10)]);
        await store.plan(`${prefix}b`, [due('second', 20), due('third', 30)]);
        expect(await claim(store, 9)).toEqual([]);
        const claimed = await claim(store, 30, 'w1', 2);
        expect(claimed.map((timer) => timer.key)).toEqual(['first', 'second']);
        expect(claimed.every((timer) => timer.token.length > 0)).toBe(true);
        expect((await claim(store, 30)).map((timer) => timer.key)).toEqual(['third']);
        expect(await claim(store, 35), 'claimed ones stay claimed, the late one is not due').toEqual([]);
      }),
    );

    it(
      'a live claim is not claimed again; after leaseMs another worker claims it and the first loses its token',
      withStore(async ({ store, prefix }) => {
        await store.plan(`${prefix}a`, [due('hold-expiry', 10)]);
        const [first] = await claim(store, 10, 'w1', 10, 5_000);
        expect(first).toBeDefined();
        if (first === undefined) return;
        expect(await claim(store, 14, 'w2')).toEqual([]);
        expect(await store.nextDue(), 'not due again before the claim ends').toBe(at(15));
        const [second] = await claim(store, 15, 'w2');
        expect(second?.id).toBe(first.id);
        if (second === undefined) return;
        expect(second.token).not.toBe(first.token);
        expect(await store.complete(first.id, first.token), 'the lapsed claim cannot complete').toBe(false);
        expect(await store.fail(first.id, first.token, 'late', at(20)), 'nor fail').toBe(false);
        expect(await store.complete(second.id, second.token)).toBe(true);
        expect((await store.list(`${prefix}a`))[0]?.status).toBe('fired');
      }),
    );

    it(
      'a claim that lapsed but was not taken over still completes (nobody else fired it)',
      withStore(async ({ store, prefix }) => {
        await store.plan(`${prefix}a`, [due('x', 10)]);
        const [claimed] = await claim(store, 10, 'w1', 10, 1_000);
        if (claimed === undefined) throw new Error('nothing claimed');
        expect(await store.complete(claimed.id, claimed.token)).toBe(true);
        expect(await store.complete(claimed.id, claimed.token), 'only once').toBe(false);
      }),
    );
  });

  describe('complete and fail', () => {
    it(
      'a fired timer is never claimed or planned again, and a new plan keeps it as history',
      withStore(async ({ store, prefix }) => {
        const stream = `${prefix}order-1`;
        await store.plan(stream, [due('hold-expiry', 10)]);
        const [claimed] = await claim(store, 10);
        if (claimed === undefined) throw new Error('nothing claimed');
        expect(await store.complete(claimed.id, claimed.token)).toBe(true);
        await store.plan(stream, [due('hold-expiry', 10)]);
        expect(await claim(store, 1_000)).toEqual([]);
        await store.plan(stream, [due('renewal', 20)]);
        expect((await store.list(stream)).map((timer) => [timer.key, timer.status])).toEqual([
          ['hold-expiry', 'fired'],
          ['renewal', 'planned'],
        ]);
        expect(await store.nextDue()).toBe(at(20));
      }),
    );

    it(
      'a failed timer counts the attempt, keeps the error and is due again at retryAt',
      withStore(async ({ store, prefix }) => {
        await store.plan(`${prefix}a`, [due('x', 10)]);
        const [claimed] = await claim(store, 10);
        if (claimed === undefined) throw new Error('nothing claimed');
        expect(await store.fail(claimed.id, claimed.token, 'handler said: conflict', at(40))).toBe(true);
        expect(await store.list(`${prefix}a`)).toMatchObject([
          { status: 'planned', attempts: 1, lastError: 'handler said: conflict', nextAttemptAt: at(40), at: at(10) },
        ]);
        expect(await store.nextDue()).toBe(at(40));
        expect(await claim(store, 39)).toEqual([]);
        const [again] = await claim(store, 40, 'w2');
        expect(again).toMatchObject({ id: claimed.id, attempts: 1 });
        expect(await store.fail(claimed.id, claimed.token, 'stale', at(50)), 'the old token is spent').toBe(false);
      }),
    );

    it(
      'unknown ids and tokens settle nothing',
      withStore(async ({ store }) => {
        expect(await store.complete(newId(), '1')).toBe(false);
        expect(await store.fail(newId(), '1', 'x', at(1))).toBe(false);
      }),
    );
  });

  describe('data and arguments', () => {
    it(
      'hostile stream ids, keys and command data round-trip exactly',
      withStore(async ({ store, prefix }) => {
        const data = {
          text: `'; DROP TABLE timers; -- Привет 🛒 "q" \\`,
          n: [0, -1, 0.5],
          nested: { a: [null, true] },
        };
        for (const raw of [`it's "q"`, '注文-🛒', 'x'.repeat(300)]) {
          const stream = `${prefix}${raw}`;
          await store.plan(stream, [due(`${raw}-key`, 10, data)]);
          expect((await store.list(stream))[0]).toMatchObject({
            streamId: stream,
            key: `${raw}-key`,
            command: { data },
          });
        }
      }),
    );

    it(
      'bad arguments are refused naming the argument and the rule, and nothing is planned',
      withStore(async ({ store, prefix }) => {
        const stream = `${prefix}a`;
        await expectRefusal(store.plan('', []), 'plan', 'streamId', 'blank');
        await expectRefusal(store.plan(stream, {} as never), 'plan', 'timers', 'type');
        await expectRefusal(
          store.plan(stream, [due('ok', 1), { ...due('x', 1), at: 'tomorrow' }]),
          'plan',
          'timers[1].at',
          'iso-instant',
        );
        await expectRefusal(store.plan(stream, [{ ...due('x', 1), key: ' ' }]), 'plan', 'timers[0].key', 'blank');
        await expectRefusal(
          store.plan(stream, [{ key: 'x', at: at(1), command: { type: 'X', data: { n: Number.NaN } } }]),
          'plan',
          'timers[0].command.data.n',
          'json',
        );
        expect(await store.list(stream)).toEqual([]);
        await expectRefusal(
          store.claimDue('now', { limit: 1, owner: 'w', leaseMs: 1 }),
          'claimDue',
          'now',
          'iso-instant',
        );
        await expectRefusal(
          store.claimDue(at(1), { limit: 0, owner: 'w', leaseMs: 1 }),
          'claimDue',
          'options.limit',
          'range',
        );
        await expectRefusal(
          store.claimDue(at(1), { limit: 1, owner: '', leaseMs: 1 }),
          'claimDue',
          'options.owner',
          'blank',
        );
        await expectRefusal(
          store.claimDue(at(1), { limit: 1, owner: 'w', leaseMs: 0.5 }),
          'claimDue',
          'options.leaseMs',
          'range',
        );
        await expectRefusal(store.complete('', 't'), 'complete', 'id', 'blank');
        await expectRefusal(store.fail('id', 't', 'e', 'later'), 'fail', 'retryAt', 'iso-instant');
        await expectRefusal(store.list(42 as never), 'list', 'streamId', 'type');
      }),
    );
  });
};

export const timerStoreContract = (
  name: string,
  factory: () => Promise<TimerStoreUnderTest>,
  options?: RuntimeContractOptions,
): void => {
  const withStore =
    (body: (setup: TimerSetup) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body({ store: sut.store, prefix: `tm-${newId()}-` });
      } finally {
        await sut.close?.();
      }
    };
  const context: TimerFeatureContext = { withStore, lawRuns: options?.lawRuns ?? 100 };
  describe(`TimerStore contract: ${name}`, () => {
    examples(context);
    timerLawsFeature(context);
  });
};
