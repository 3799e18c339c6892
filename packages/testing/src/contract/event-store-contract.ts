import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type {
  Actor,
  AppendError,
  AppendResult,
  Checkpoint,
  Envelope,
  EventFilter,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadOptions,
} from '@ordersource/core';
import { deepCopy, newId, sleep } from '@ordersource/core';

/**
 * The EventStore contract: every adapter (in-memory, PostgreSQL, PGlite, ...)
 * runs these vitest blocks against a fresh store from its factory. The tests
 * only touch streams under a prefix unique to each test, so a factory may hand
 * out stores that share storage (one database) and the suite still holds.
 */

export type StoreUnderTest = { store: EventStore; close?: () => Promise<void> };

export type ContractOptions = {
  /** true when the store has real parallel connections (not PGlite/in-memory) */
  parallelWriters?: boolean;
};

type Setup = Readonly<{ store: EventStore; prefix: string }>;

const ACTOR: Actor = { kind: 'admin', id: 'admin-1', name: 'Ann' };

/** A NewEvent with sensible metadata; anything can be overridden. */
const newEvent = (type: string, data: unknown = {}, overrides: Partial<NewEvent> = {}): NewEvent => ({
  event: { type, data },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: ACTOR,
  ...overrides,
});

const events = (count: number, type = 'Happened'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(type, { i }));

const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

const describeLeft = (result: E.Either<AppendError, AppendResult>): string =>
  E.isLeft(result) ? `${result.left.kind}: ${result.left.message}` : `appended ${JSON.stringify(result.right)}`;

const right = (result: E.Either<AppendError, AppendResult>): AppendResult => {
  if (E.isLeft(result)) throw new Error(`expected the append to succeed, got ${describeLeft(result)}`);
  return result.right;
};

const left = (result: E.Either<AppendError, AppendResult>): AppendError => {
  if (E.isRight(result)) throw new Error(`expected the append to fail, got ${describeLeft(result)}`);
  return result.left;
};

/** Poll until `ready()` holds; fails with `what` after `timeoutMs`. */
const waitFor = async (what: string, ready: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
};

const ids = (envelopes: readonly Envelope[]): string[] => envelopes.map((envelope) => envelope.eventId);

const mine = (store: EventStore, prefix: string, after?: Checkpoint, options: ReadAllOptions = {}) =>
  collect(store.readAll(after, { streamPrefix: prefix, ...options }));

/** Every stream's events appear exactly once, with versions 0..n-1 in order. */
const expectWellOrdered = (
  envelopes: readonly Envelope[],
  expectedPerStream: ReadonlyMap<string, readonly string[]>,
) => {
  const seen = new Set<string>();
  const byStream = new Map<string, Envelope[]>();
  for (const envelope of envelopes) {
    expect(seen.has(envelope.eventId), `event ${envelope.eventId} delivered twice`).toBe(false);
    seen.add(envelope.eventId);
    const list = byStream.get(envelope.streamId) ?? [];
    list.push(envelope);
    byStream.set(envelope.streamId, list);
  }
  expect([...byStream.keys()].sort()).toEqual([...expectedPerStream.keys()].sort());
  for (const [streamId, expectedIds] of expectedPerStream) {
    const list = byStream.get(streamId) ?? [];
    expect(
      list.map((envelope) => envelope.streamVersion),
      `versions of ${streamId}`,
    ).toEqual(list.map((_, i) => i));
    expect(new Set(ids(list)), `events of ${streamId}`).toEqual(new Set(expectedIds));
  }
};

export const eventStoreContract = (
  name: string,
  factory: () => Promise<StoreUnderTest>,
  options?: ContractOptions,
): void => {
  const parallel = options?.parallelWriters === true;

  /** A fresh store and a unique stream prefix for one test; always closed afterwards. */
  const withStore =
    (body: (setup: Setup) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body({ store: sut.store, prefix: `ct-${newId()}-` });
      } finally {
        if (sut.close !== undefined) await sut.close();
        else await sut.store.close();
      }
    };

  describe(`EventStore contract: ${name}`, () => {
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
      const readIds = async (store: EventStore, s: string, opts?: ReadOptions) =>
        ids(await collect(store.read(s, opts)));

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
          expect(await readIds(setup.store, s, { direction: 'backwards', from: 5, limit: 2 })).toEqual([
            all[5],
            all[4],
          ]);
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

    describe('envelope', () => {
      it(
        'every field round-trips: eventId, versions, occurredAt, recordedAt, actor, causation, correlation, schemaVersion, data',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          const customer: Actor = { kind: 'customer', id: 'cust-7', companyId: 'acme', name: 'Иван Петров' };
          const data = { orderId: 'o-1', lines: [{ sku: 'A-1', qty: 2, price: { amount: 1999, currency: 'EUR' } }] };
          const full = newEvent('OrderPlaced', data, {
            occurredAt: '2026-11-24T10:00:00.123Z',
            actor: customer,
            causationId: 'cmd-1',
            correlationId: 'corr-1',
            schemaVersion: 3,
          });
          const bare = newEvent('OrderNoted', { note: 'x' }, { occurredAt: '2026-11-24T13:00:00+03:00' });
          right(await store.append(s, [full, bare], 'no-stream'));
          const [a, b] = await collect(store.read(s));
          expect(a).toBeDefined();
          expect(b).toBeDefined();
          expect(a!.eventId).toBe(full.eventId);
          expect(a!.streamId).toBe(s);
          expect(a!.streamVersion).toBe(0);
          expect(a!.event).toEqual({ type: 'OrderPlaced', data });
          expect(a!.occurredAt).toBe('2026-11-24T10:00:00.123Z');
          expect(a!.actor).toEqual(customer);
          expect(a!.causationId).toBe('cmd-1');
          expect(a!.correlationId).toBe('corr-1');
          expect(a!.schemaVersion).toBe(3);
          expect(typeof a!.globalPosition).toBe('string');
          expect(a!.globalPosition.length).toBeGreaterThan(0);
          for (const envelope of [a!, b!]) {
            expect(typeof envelope.recordedAt).toBe('string');
            expect(Number.isNaN(Date.parse(envelope.recordedAt)), `recordedAt ${envelope.recordedAt}`).toBe(false);
          }
          expect(b!.streamVersion).toBe(1);
          expect(b!.occurredAt).toBe('2026-11-24T13:00:00+03:00');
          expect(b!.actor).toEqual(ACTOR);
          expect(b!.causationId).toBeUndefined();
          expect(b!.correlationId).toBeUndefined();
          expect(b!.schemaVersion).toBe(1);
          expect(b!.event).toEqual({ type: 'OrderNoted', data: { note: 'x' } });
          expect(b!.globalPosition).not.toBe(a!.globalPosition);
          // readAll carries the same envelope as read
          const all = await mine(store, prefix);
          expect(all).toEqual([a, b]);
        }),
      );

      it(
        'an actor with only kind and id round-trips without extra fields',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          for (const kind of ['admin', 'customer', 'system', 'provider'] as const)
            right(await store.append(s, [newEvent('Touched', {}, { actor: { kind, id: `${kind}-1` } })], 'any'));
          const read = await collect(store.read(s));
          expect(read.map((e) => e.actor)).toStrictEqual([
            { kind: 'admin', id: 'admin-1' },
            { kind: 'customer', id: 'customer-1' },
            { kind: 'system', id: 'system-1' },
            { kind: 'provider', id: 'provider-1' },
          ]);
        }),
      );
    });

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
          const types = (
            await mine(store, prefix, undefined, { eventTypes: ['OrderConfirmed', 'PaymentStarted'] })
          ).map((e) => `${e.streamId.slice(prefix.length)}:${e.event.type}`);
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

    describe('subscribe', () => {
      const filterOf = (prefix: string): EventFilter => ({ streamPrefix: prefix });

      it(
        'catches up, resolves caughtUp, then follows live events',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          const before = events(3);
          right(await store.append(s, before, 'no-stream'));
          const seen: Envelope[] = [];
          const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
          try {
            await sub.caughtUp;
            expect(ids(seen)).toEqual(ids(before.map((e) => ({ eventId: e.eventId }) as Envelope)));
            const live = events(2);
            right(await store.append(s, live.slice(0, 1), 2));
            right(await store.append(`${prefix}order-2`, live.slice(1), 'no-stream'));
            await waitFor('live events', () => seen.length >= 5);
            expect(ids(seen)).toEqual([...before, ...live].map((e) => e.eventId));
            expect(seen.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 0]);
          } finally {
            await sub.close();
          }
        }),
      );

      it(
        'caughtUp resolves on an empty store or filter too',
        withStore(async ({ store, prefix }) => {
          const sub = store.subscribe(undefined, () => undefined, filterOf(`${prefix}none-`));
          await sub.caughtUp;
          await sub.close();
        }),
      );

      it(
        'resumes after a checkpoint and sees only later events, each once',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          const batch = events(5);
          right(await store.append(s, batch, 'no-stream'));
          const all = await mine(store, prefix);
          const seen: Envelope[] = [];
          const sub = store.subscribe(all[1]!.globalPosition, (e) => void seen.push(e), filterOf(prefix));
          try {
            await sub.caughtUp;
            expect(ids(seen)).toEqual(ids(all.slice(2)));
            const more = events(2);
            right(await store.append(s, more, 4));
            await waitFor('the two live events', () => seen.length >= 5);
            await sleep(50);
            expect(ids(seen)).toEqual([...ids(all.slice(2)), ...more.map((e) => e.eventId)]);
          } finally {
            await sub.close();
          }
        }),
      );

      it(
        'applies the filter to catch-up and live events',
        withStore(async ({ store, prefix }) => {
          right(await store.append(`${prefix}order-1`, [newEvent('OrderPlaced'), newEvent('LineAdded')], 'any'));
          right(await store.append(`${prefix}payment-1`, [newEvent('OrderPlaced')], 'any'));
          const seen: Envelope[] = [];
          const sub = store.subscribe(undefined, (e) => void seen.push(e), {
            streamPrefix: `${prefix}order-`,
            eventTypes: ['OrderPlaced', 'OrderConfirmed'],
          });
          try {
            await sub.caughtUp;
            right(await store.append(`${prefix}payment-1`, [newEvent('OrderConfirmed')], 'any'));
            right(await store.append(`${prefix}order-1`, [newEvent('LineAdded'), newEvent('OrderConfirmed')], 'any'));
            await waitFor('the filtered live event', () => seen.length >= 2);
            await sleep(50);
            expect(seen.map((e) => `${e.streamId.slice(prefix.length)}:${e.event.type}`)).toEqual([
              'order-1:OrderPlaced',
              'order-1:OrderConfirmed',
            ]);
          } finally {
            await sub.close();
          }
        }),
      );

      it(
        'delivers each event exactly once, in commit order, under concurrent writers',
        withStore(async ({ store, prefix }) => {
          const seen: Envelope[] = [];
          const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
          try {
            await sub.caughtUp;
            const expected = new Map<string, string[]>();
            const writers = parallel ? 60 : 20;
            await Promise.all(
              Array.from({ length: writers }, async (_, i) => {
                const streamId = `${prefix}s-${i % 7}`;
                const batch = events(1 + (i % 2));
                const list = expected.get(streamId) ?? [];
                list.push(...batch.map((e) => e.eventId));
                expected.set(streamId, list);
                right(await store.append(streamId, batch, 'any'));
              }),
            );
            const total = [...expected.values()].reduce((n, list) => n + list.length, 0);
            await waitFor(`${total} events`, () => seen.length >= total);
            await sleep(50);
            expect(seen).toHaveLength(total);
            expectWellOrdered(seen, expected);
            expect(ids(seen)).toEqual(ids(await mine(store, prefix)));
          } finally {
            await sub.close();
          }
        }),
      );

      it(
        'a handler that appends to the store (a reactor) gets those events delivered too',
        withStore(async ({ store, prefix }) => {
          const seen: string[] = [];
          const sub = store.subscribe(
            undefined,
            async (e) => {
              seen.push(`${e.streamId.slice(prefix.length)}:${e.event.type}`);
              if (e.event.type === 'Ping') right(await store.append(`${prefix}pong`, [newEvent('Pong')], 'any'));
            },
            filterOf(prefix),
          );
          try {
            await sub.caughtUp;
            right(await store.append(`${prefix}ping`, [newEvent('Ping')], 'no-stream'));
            await waitFor('the pong', () => seen.length >= 2);
            right(await store.append(`${prefix}ping`, [newEvent('Ping')], 0));
            await waitFor('the second pong', () => seen.length >= 4);
            expect(seen).toEqual(['ping:Ping', 'pong:Pong', 'ping:Ping', 'pong:Pong']);
          } finally {
            await sub.close();
          }
        }),
      );

      it(
        'several subscriptions each see every event once',
        withStore(async ({ store, prefix }) => {
          right(await store.append(`${prefix}a`, events(2), 'no-stream'));
          const seen: Envelope[][] = [[], [], []];
          const subs = seen.map((list) => store.subscribe(undefined, (e) => void list.push(e), filterOf(prefix)));
          try {
            await Promise.all(subs.map((sub) => sub.caughtUp));
            await Promise.all(
              Array.from({ length: 6 }, (_, i) => store.append(`${prefix}b${i % 2}`, events(1), 'any')),
            );
            await waitFor('eight events on every subscription', () => seen.every((list) => list.length >= 8));
            await sleep(50);
            const expected = ids(await mine(store, prefix));
            for (const list of seen) expect(ids(list)).toEqual(expected);
          } finally {
            await Promise.all(subs.map((sub) => sub.close()));
          }
        }),
      );

      it(
        'close() stops delivery and resolves done',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          right(await store.append(s, events(1), 'no-stream'));
          const seen: Envelope[] = [];
          const sub = store.subscribe(undefined, (e) => void seen.push(e), filterOf(prefix));
          await sub.caughtUp;
          await sub.close();
          await expect(sub.done).resolves.toBeUndefined();
          right(await store.append(s, events(2), 0));
          await sleep(100);
          expect(seen).toHaveLength(1);
        }),
      );

      it(
        'a throwing handler rejects done and stops delivery',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          right(await store.append(s, events(3), 'no-stream'));
          const seen: Envelope[] = [];
          const boom = new Error('handler failed on purpose');
          const sub = store.subscribe(
            undefined,
            (e) => {
              seen.push(e);
              if (e.streamVersion === 1) throw boom;
            },
            filterOf(prefix),
          );
          sub.caughtUp.catch(() => undefined);
          await expect(sub.done).rejects.toThrow('handler failed on purpose');
          right(await store.append(s, events(1), 2));
          await sleep(50);
          expect(seen.map((e) => e.streamVersion)).toEqual([0, 1]);
          await sub.close();
        }),
      );

      it(
        'an async handler is awaited: events are handled one at a time, in order',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          right(await store.append(s, events(5), 'no-stream'));
          const seen: number[] = [];
          let active = 0;
          let overlapped = false;
          const sub = store.subscribe(
            undefined,
            async (e) => {
              active++;
              if (active > 1) overlapped = true;
              await sleep(2);
              seen.push(e.streamVersion);
              active--;
            },
            filterOf(prefix),
          );
          try {
            await sub.caughtUp;
            right(await store.append(s, events(2), 4));
            await waitFor('seven events', () => seen.length >= 7);
            expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
            expect(overlapped).toBe(false);
          } finally {
            await sub.close();
          }
        }),
      );
    });

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

    describe('hostile input round-trips exactly', () => {
      const hostileIds = [
        `it's "quoted"`,
        'semi;colon;',
        `'; DROP TABLE x; --`,
        `"); DELETE FROM events; --`,
        'back\\slash\\',
        'tab\there\nnewline',
        'юникод-заказ-№1',
        '注文-🛒🎉-👩🏽‍💻',
        'ثبت سفارش',
        '$1 $$ :name ? %s %',
        'x'.repeat(500),
      ];

      it(
        'stream ids with quotes, SQL, unicode, emoji and 500 characters',
        withStore(async ({ store, prefix }) => {
          for (const [i, raw] of hostileIds.entries()) {
            const s = `${prefix}${raw}`;
            const batch = [newEvent('Hostile', { i, raw })];
            const result = right(await store.append(s, batch, 'no-stream'));
            expect(result.streamId).toBe(s);
            const read = await collect(store.read(s));
            expect(read.map((e) => e.streamId)).toEqual([s]);
            expect(read[0]!.event.data).toEqual({ i, raw });
            expect(await store.streamVersion(s)).toBe(0);
            expect(left(await store.append(s, events(1), 'no-stream')).kind).toBe('wrong-expected-version');
          }
          const all = await mine(store, prefix);
          expect(all.map((e) => e.streamId)).toEqual(hostileIds.map((raw) => `${prefix}${raw}`));
          const byPrefix = await mine(store, `${prefix}'; DROP`);
          expect(byPrefix.map((e) => e.streamId)).toEqual([`${prefix}'; DROP TABLE x; --`]);
        }),
      );

      it(
        'hostile event types, ids and metadata',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          const hostile = newEvent(
            `Type'; DROP TABLE x; --🎉`,
            { ok: true },
            {
              eventId: `${newId()}'"; --`,
              causationId: `cause'"\\;`,
              correlationId: 'корреляция-🔗',
              actor: { kind: 'customer', id: `o'brien"; --`, companyId: 'Ёлка & Co; ☃', name: 'Zoë “quoted” Ω' },
            },
          );
          right(await store.append(s, [hostile], 'no-stream'));
          const [read] = await collect(store.read(s));
          expect(read).toMatchObject({
            eventId: hostile.eventId,
            event: hostile.event,
            causationId: hostile.causationId,
            correlationId: hostile.correlationId,
            actor: hostile.actor,
          });
          const typed = await mine(store, prefix, undefined, { eventTypes: [`Type'; DROP TABLE x; --🎉`] });
          expect(ids(typed)).toEqual([hostile.eventId]);
          expect(right(await store.append(s, [hostile], 'no-stream')).nextExpectedVersion).toBe(0);
        }),
      );

      it(
        'payloads: nested unicode, extreme safe integers, empty objects and arrays, ~1 MB',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}payloads`;
          const payloads: unknown[] = [
            { max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, zero: 0, negative: -1, fraction: 0.5 },
            { empty: {}, list: [], nested: { deeper: { empty: {}, list: [[], [{}]] } } },
            {
              text: 'Привет, 世界! 🛒🎉 👨‍👩‍👧 café\u0301 ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
              quotes: `'"\`\\`,
              control: 'line\nbreak\ttab\r\n',
              keys: { ключ: 'значение', '🔑': ['🗝️', { 'a.b': 'c', $ref: 'x', '': 'empty key' }] },
              sql: `'; DROP TABLE x; --`,
            },
            { booleans: [true, false], nullValue: null, mixed: [1, 'two', { three: 3 }, [4], null] },
            [],
            {},
            'a bare string',
            42,
            {
              big: 'x'.repeat(512 * 1024),
              many: Array.from({ length: 8000 }, (_, i) => ({ i, sku: `SKU-${i}`, title: 'Товар №' + i + ' 🎁' })),
            },
          ];
          const batch = payloads.map((data) => newEvent('Payload', data));
          right(await store.append(s, batch, 'no-stream'));
          const read = await collect(store.read(s));
          expect(read.map((e) => e.event.data)).toEqual(payloads);
          expect(read.map((e) => e.event.data)).toStrictEqual(payloads);
          const viaAll = await mine(store, prefix);
          expect(viaAll.map((e) => e.event.data)).toStrictEqual(payloads);
          expect(JSON.stringify(read.at(-1)!.event.data).length).toBeGreaterThan(900_000);
        }),
      );

      it(
        'a stored payload does not change when the writer or a reader changes its objects afterwards',
        withStore(async ({ store, prefix }) => {
          const s = `${prefix}order-1`;
          const data = { lines: [{ qty: 1 }] };
          const given = deepCopy(data);
          right(await store.append(s, [newEvent('Payload', given)], 'no-stream'));
          // Stores may freeze what they were given (in-memory does) or copy it.
          try {
            given.lines[0]!.qty = 42;
          } catch {
            // frozen: fine
          }
          const [first] = await collect(store.read(s));
          expect(first!.event.data).toEqual(data);
          // Mutating what a reader got must not reach other readers (stores may freeze or copy).
          try {
            (first!.event.data as { lines: { qty: number }[] }).lines[0]!.qty = 99;
          } catch {
            // frozen: fine
          }
          const [second] = await collect(store.read(s));
          expect(second!.event.data).toEqual(data);
        }),
      );
    });
  });
};
