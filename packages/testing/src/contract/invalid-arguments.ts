import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Envelope, NewEvent, Subscription } from '@ordersource/core';
import { collect, events, left, mine, newEvent, right, type FeatureContext } from './support.js';

/**
 * Issue 8.5: bad arguments to any store method are typed values naming the
 * argument and the rule it broke, never a throw, a spin or a silent empty
 * result, and nothing is written. Reads reject on their first `next()`,
 * `streamVersion` rejects, a subscription's `done` rejects, an append
 * returns `Left(invalid-append)`.
 */

export type Refusal = Readonly<{ kind: string; path: string; rule: string; message: string }>;

/** Rejects when `promise` has not settled after `ms`: a spin or a hang fails the test instead of stalling it. */
export const within = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** A read refused on its first `next()`: the refusal, or a failure saying what happened instead. */
export const readRefusal = async (call: () => AsyncIterable<Envelope>, what: string): Promise<Refusal> => {
  let iterable: AsyncIterable<Envelope>;
  try {
    iterable = call();
  } catch (error) {
    throw new Error(`${what} threw synchronously: ${String(error)}`);
  }
  const iterator = iterable[Symbol.asyncIterator]();
  const outcome = await within(
    iterator.next().then(
      (step) => ({ step }),
      (error: unknown) => ({ error }),
    ),
    10_000,
    what,
  );
  if ('step' in outcome) {
    await iterator.return?.();
    throw new Error(`${what} was not refused: it ${outcome.step.done === true ? 'ended empty' : 'yielded an event'}`);
  }
  return refusalOf(outcome.error, what);
};

/** The typed error a refusal must be: an Error with kind 'invalid-argument', a path and a rule. */
export const refusalOf = (error: unknown, what: string): Refusal => {
  expect(error, `${what}: an Error`).toBeInstanceOf(Error);
  const refusal = error as Refusal;
  expect(refusal.kind, `${what}: ${refusal.message}`).toBe('invalid-argument');
  expect(typeof refusal.path === 'string' && refusal.path.length > 0, `${what}: names the argument`).toBe(true);
  expect(typeof refusal.rule === 'string' && refusal.rule.length > 0, `${what}: names the rule`).toBe(true);
  expect(refusal.message, `${what}: the message names the argument`).toContain(refusal.path);
  return refusal;
};

export const subscriptionRefusal = async (call: () => Subscription, what: string): Promise<Refusal> => {
  let subscription: Subscription;
  try {
    subscription = call();
  } catch (error) {
    throw new Error(`${what} threw synchronously: ${String(error)}`);
  }
  try {
    const error = await within(
      subscription.done.then(
        () => new Error(`${what}: done resolved`),
        (thrown: unknown) => thrown,
      ),
      10_000,
      what,
    );
    await expect(subscription.caughtUp, `${what}: caughtUp`).rejects.toBe(error);
    return refusalOf(error, what);
  } finally {
    await subscription.close();
  }
};

// Values no store takes as a stream id (or any id).
const BAD_IDS: readonly (readonly [unknown, string])[] = [
  ['', 'blank'],
  ['   ', 'blank'],
  ['order-\u0000-1', 'nul-character'],
  ['order-\ud800', 'lone-surrogate'],
  ['x'.repeat(1025), 'too-long'],
  [42, 'type'],
  [null, 'type'],
  [undefined, 'type'],
];

// Checkpoints no store makes.
const BAD_CHECKPOINTS: readonly unknown[] = [
  'not-a-checkpoint',
  '-1',
  '1e3',
  ' 1',
  '0x10',
  '1.5',
  '99999999999999999999:1',
  '18446744073709551616:1',
  '1:9223372036854775808',
  '1:\u0000',
  'x'.repeat(10_000),
  42,
  Number.NaN,
  null,
  {},
];

const COUNTS: readonly unknown[] = [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, -0.5, 2 ** 53, '3', null];

export const invalidArgumentsFeature = ({ withStore }: FeatureContext): void => {
  describe('invalid arguments are typed refusals, never a throw, a spin or a silent empty result (issue 8.5)', () => {
    it(
      'read: a blank, NUL, lone-surrogate, too long or non-string stream id names streamId',
      withStore(async ({ store }) => {
        for (const [streamId, rule] of BAD_IDS) {
          const refusal = await readRefusal(() => store.read(streamId as string), `read(${String(streamId)})`);
          expect(refusal).toMatchObject({ path: 'streamId', rule });
          const version = await within(
            store.streamVersion(streamId as string).then(
              () => undefined,
              (error: unknown) => error,
            ),
            10_000,
            'streamVersion',
          );
          expect(refusalOf(version, `streamVersion(${String(streamId)})`)).toMatchObject({ path: 'streamId', rule });
        }
      }),
    );

    it(
      'read: NaN, negative, fractional, infinite or non-number from and limit, a wrong direction, unknown keys',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(3), 'no-stream'));
        const cases: [unknown, string][] = [
          ...COUNTS.flatMap((value): [unknown, string][] => [
            [{ limit: value }, 'options.limit'],
            [{ from: value }, 'options.from'],
            [{ direction: 'backwards', from: value }, 'options.from'],
          ]),
          [{ direction: 'sideways' }, 'options.direction'],
          [{ pageSize: 0 }, 'options.pageSize'],
          [{ limt: 2 }, 'options.limt'],
          [null, 'options'],
          ['forwards', 'options'],
          [[1], 'options'],
        ];
        for (const [options, path] of cases) {
          const what = `read(s, ${JSON.stringify(options) ?? String(options)})`;
          expect((await readRefusal(() => store.read(s, options as never), what)).path, what).toBe(path);
        }
        // Valid edges still read: limit 0 is an empty page, from past the end reads nothing, 2^53-1 is a count.
        expect(await collect(store.read(s, { limit: 0 }))).toEqual([]);
        expect(await collect(store.read(s, { limit: Number.MAX_SAFE_INTEGER }))).toHaveLength(3);
        expect(await collect(store.read(s, { from: 2 ** 31 + 5 }))).toEqual([]);
        expect(await collect(store.read(s, { from: -0 }))).toHaveLength(3);
      }),
    );

    it(
      'readAll: a checkpoint no store makes (malformed, past the int8 or xid8 range, not a string) names after',
      withStore(async ({ store }) => {
        for (const after of BAD_CHECKPOINTS) {
          const what = `readAll(${typeof after === 'string' ? JSON.stringify(after.slice(0, 40)) : String(after)})`;
          expect(await readRefusal(() => store.readAll(after as string), what)).toMatchObject({ path: 'after' });
        }
      }),
    );

    it(
      'readAll: bad limit, filter and unknown options (pageSize among them) name the option',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}order-1`, events(2), 'no-stream'));
        const cases: [unknown, string][] = [
          ...COUNTS.map((value): [unknown, string] => [{ streamPrefix: prefix, limit: value }, 'options.limit']),
          [{ pageSize: 0 }, 'options.pageSize'],
          [{ pageSize: -1 }, 'options.pageSize'],
          [{ streamPrefix: 'a\u0000' }, 'options.streamPrefix'],
          [{ streamPrefix: '\udc00' }, 'options.streamPrefix'],
          [{ streamPrefix: 5 }, 'options.streamPrefix'],
          [{ eventTypes: 'Happened' }, 'options.eventTypes'],
          [{ eventTypes: ['Happened', 'a\u0000'] }, 'options.eventTypes[1]'],
          [{ eventTypes: [1] }, 'options.eventTypes[0]'],
          [42, 'options'],
        ];
        for (const [options, path] of cases) {
          const what = `readAll(undefined, ${JSON.stringify(options) ?? String(options)})`;
          expect((await readRefusal(() => store.readAll(undefined, options as never), what)).path, what).toBe(path);
        }
        expect(await mine(store, prefix, undefined, { limit: 0 })).toEqual([]);
        expect(await mine(store, prefix, undefined, { limit: Number.MAX_SAFE_INTEGER })).toHaveLength(2);
      }),
    );

    it(
      'subscribe: a bad checkpoint, handler or filter rejects done (and caughtUp) with the refusal; nothing is delivered',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}order-1`, events(2), 'no-stream'));
        const seen: Envelope[] = [];
        const handler = (envelope: Envelope) => void seen.push(envelope);
        for (const after of BAD_CHECKPOINTS)
          expect(
            await subscriptionRefusal(() => store.subscribe(after as string, handler), `subscribe(${String(after)})`),
          ).toMatchObject({ path: 'after' });
        for (const bad of [undefined, null, 'handler', {}])
          expect(
            await subscriptionRefusal(
              () => store.subscribe(undefined, bad as never, { streamPrefix: prefix }),
              `subscribe(handler ${JSON.stringify(bad) ?? 'undefined'})`,
            ),
          ).toMatchObject({ path: 'handler' });
        for (const [filter, path] of [
          [{ streamPrefix: 1 }, 'filter.streamPrefix'],
          [{ eventTypes: [null] }, 'filter.eventTypes[0]'],
          [{ limit: 1 }, 'filter.limit'],
          ['order-', 'filter'],
        ] as const)
          expect(
            await subscriptionRefusal(() => store.subscribe(undefined, handler, filter as never), 'subscribe(filter)'),
          ).toMatchObject({ path });
        expect(seen).toEqual([]);
      }),
    );

    it(
      'append: events that are not an array of events (null, an object, a string, [null]) are invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        for (const [batch, path] of [
          [null, 'events'],
          [undefined, 'events'],
          [{}, 'events'],
          ['events', 'events'],
          [newEvent('Happened'), 'events'],
          [[null], 'events[0]'],
          [[newEvent('Happened'), 7], 'events[1]'],
          [[{ ...newEvent('Happened'), event: null }], 'events[0].event'],
        ] as const) {
          const error = left(await within(store.append(s, batch as never, 'any'), 10_000, 'append'));
          expect(error, JSON.stringify(batch) ?? 'undefined').toMatchObject({ kind: 'invalid-append', path });
        }
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'append: ids that are blank, hold NUL or lone surrogates, or are too long are invalid-append naming the field',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        for (const [bad, rule] of BAD_IDS) {
          expect(left(await store.append(bad as string, events(1), 'any'))).toMatchObject({
            kind: 'invalid-append',
            path: 'streamId',
            rule,
          });
          const fields: [Partial<NewEvent> | ((e: NewEvent) => NewEvent), string][] = [
            [{ eventId: bad as string }, 'events[0].eventId'],
            [(e) => ({ ...e, event: { type: bad as string, data: {} } }), 'events[0].event.type'],
            [{ actor: { kind: 'admin', id: bad as string } }, 'events[0].actor.id'],
          ];
          if (bad !== undefined)
            fields.push(
              [{ causationId: bad as string }, 'events[0].causationId'],
              [{ correlationId: bad as string }, 'events[0].correlationId'],
            );
          for (const [change, path] of fields) {
            const base = newEvent('Happened');
            const event = typeof change === 'function' ? change(base) : { ...base, ...change };
            expect(left(await store.append(s, [event], 'any')), `${path} = ${String(bad)}`).toMatchObject({
              kind: 'invalid-append',
              path,
              rule,
            });
          }
        }
        expect(await store.streamVersion(s)).toBe(-1);
        expect(await mine(store, prefix)).toEqual([]);
      }),
    );

    it(
      'append: an occurredAt that is not an ISO-8601 instant is invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        for (const occurredAt of [
          '',
          'yesterday',
          '2026-11-24',
          '2026-11-24 10:00:00',
          '2026-02-30T10:00:00Z',
          '2026-11-24T24:00:00Z',
          '2026-11-24T10:00:00',
          'Tue Nov 24 2026',
          42,
          null,
          undefined,
        ])
          expect(
            left(await store.append(s, [newEvent('Happened', {}, { occurredAt: occurredAt as string })], 'any')),
            String(occurredAt),
          ).toMatchObject({ kind: 'invalid-append', path: 'events[0].occurredAt', rule: 'iso-instant' });
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'append: data JSON cannot keep exactly is invalid-append naming its path; circular and 100k-deep data too',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const circular: Record<string, unknown> = { a: { list: [] } };
        (circular['a'] as { list: unknown[] }).list.push(circular);
        let deep: unknown = 1;
        for (let i = 0; i < 100_000; i++) deep = { d: deep };
        let deepList: unknown = 1;
        for (let i = 0; i < 100_000; i++) deepList = [deepList];
        const cases: [unknown, string, string][] = [
          [{ n: Number.NaN }, 'events[0].event.data.n', 'json'],
          [{ n: Number.POSITIVE_INFINITY }, 'events[0].event.data.n', 'json'],
          [{ a: [1, { b: -Infinity }] }, 'events[0].event.data.a[1].b', 'json'],
          [{ big: 10n }, 'events[0].event.data.big', 'json'],
          [{ list: [1, undefined] }, 'events[0].event.data.list[1]', 'json'],
          // eslint-disable-next-line no-sparse-arrays -- a hole is the point
          [{ list: [1, , 3] }, 'events[0].event.data.list[1]', 'json'],
          [{ gone: undefined }, 'events[0].event.data.gone', 'json'],
          [{ f: () => 1 }, 'events[0].event.data.f', 'json'],
          [{ s: Symbol('s') }, 'events[0].event.data.s', 'json'],
          [{ at: new Date(0) }, 'events[0].event.data.at', 'json'],
          [{ m: new Map() }, 'events[0].event.data.m', 'json'],
          [{ text: 'nul \u0000 here' }, 'events[0].event.data.text', 'nul-character'],
          [{ text: 'lone \ud800 surrogate' }, 'events[0].event.data.text', 'lone-surrogate'],
          [{ ['bad\u0000key']: 1 }, 'events[0].event.data["bad\\u0000key"]', 'nul-character'],
          [undefined, 'events[0].event.data', 'json'],
          [circular, 'events[0].event.data.a.list[0]', 'circular'],
          [deep, 'events[0].event.data', 'too-deep'],
          [deepList, 'events[0].event.data', 'too-deep'],
        ];
        for (const [data, path, rule] of cases) {
          const event = { ...newEvent('Happened'), event: { type: 'Happened', data } };
          const error = left(await within(store.append(s, [event], 'any'), 10_000, path));
          expect(error, `${path}: ${error.message}`).toMatchObject({ kind: 'invalid-append', rule });
          expect((error as { path: string }).path.startsWith(path), `${path}: got ${error.message}`).toBe(true);
        }
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'append: unknown fields, bad actors, schema versions and expected revisions are invalid-append',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const cases: [NewEvent, string, string][] = [
          [{ ...newEvent('Happened'), extra: 1 } as NewEvent, 'events[0].extra', 'unknown-key'],
          [
            { ...newEvent('Happened'), event: { type: 'Happened', data: {}, meta: 1 } } as NewEvent,
            'events[0].event.meta',
            'unknown-key',
          ],
          [newEvent('Happened', {}, { actor: null as never }), 'events[0].actor', 'type'],
          [newEvent('Happened', {}, { actor: { kind: 'robot', id: 'r' } as never }), 'events[0].actor.kind', 'one-of'],
          [
            newEvent('Happened', {}, { actor: { kind: 'admin', id: 'a', role: 'x' } as never }),
            'events[0].actor.role',
            'unknown-key',
          ],
          [
            newEvent('Happened', {}, { actor: { kind: 'admin', id: 'a', name: 'a\u0000' } }),
            'events[0].actor.name',
            'nul-character',
          ],
          [newEvent('Happened', {}, { schemaVersion: 0 }), 'events[0].schemaVersion', 'range'],
          [newEvent('Happened', {}, { schemaVersion: 1.5 }), 'events[0].schemaVersion', 'range'],
          [newEvent('Happened', {}, { schemaVersion: 2 ** 31 }), 'events[0].schemaVersion', 'range'],
          [newEvent('Happened', {}, { schemaVersion: '2' as never }), 'events[0].schemaVersion', 'range'],
        ];
        for (const [event, path, rule] of cases)
          expect(left(await store.append(s, [event], 'any')), path).toMatchObject({
            kind: 'invalid-append',
            path,
            rule,
          });
        for (const expected of [-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 'maybe', null, undefined])
          expect(left(await store.append(s, events(1), expected as never)), String(expected)).toMatchObject({
            kind: 'invalid-append',
            path: 'expected',
          });
        expect(await store.streamVersion(s)).toBe(-1);
      }),
    );

    it(
      'append: one bad event anywhere in a batch refuses the whole batch; nothing of it is appended',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        right(await store.append(s, events(1), 'no-stream'));
        for (let bad = 0; bad < 4; bad++) {
          const batch = events(4);
          batch[bad] = newEvent('Happened', { amount: Number.NaN });
          const error = left(await store.append(s, batch, 0));
          expect(error).toMatchObject({ kind: 'invalid-append', path: `events[${bad}].event.data.amount` });
        }
        expect(await store.streamVersion(s)).toBe(0);
        expect(await mine(store, prefix)).toHaveLength(1);
      }),
    );

    it(
      'values JSON keeps are accepted: -0 reads back as zero, 2^53 and 1e308 exactly, __proto__ as an own key',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const data = JSON.parse('{"__proto__":{"x":1},"big":9007199254740992,"huge":1e308}') as Record<string, unknown>;
        data['zero'] = -0;
        const result = await store.append(s, [newEvent('Happened', data)], 'no-stream');
        expect(E.isRight(result), E.isLeft(result) ? result.left.message : '').toBe(true);
        const [read] = await collect(store.read(s));
        const back = read!.event.data as Record<string, unknown>;
        expect(back['zero'] === 0).toBe(true);
        expect(back['big']).toBe(2 ** 53);
        expect(back['huge']).toBe(1e308);
        expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ x: 1 });
      }),
    );
  });
};
