// The kit lives in @ordersource/testing, which depends on core; core cannot
// declare it back (a dependency cycle breaks `pnpm -r build` ordering), so the
// kernel's own tests reach the kit's source by path.
import { describe, expect, it } from 'vitest';
import { eventStoreContract } from '../../testing/src/index.js';
import type { NewEvent } from './envelope.js';
import * as E from 'fp-ts/lib/Either.js';
import {
  appendDecidedOf,
  appendNowOf,
  createInMemoryEventStore,
  liveStreamOf,
  storeBuiltOf,
} from './in-memory-store.js';
import type { Event } from './message.js';

eventStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryEventStore() }));

describe('in-memory store specifics', () => {
  const event = (eventId: string): NewEvent => ({
    event: { type: 'Happened', data: { nested: { list: [1, 2] } } },
    eventId,
    occurredAt: '2026-11-24T10:00:00Z',
    actor: { kind: 'system', id: 'test' },
  });

  it('appendNowOf: the same append as a plain call, refusals and all; only for in-memory stores', async () => {
    const store = createInMemoryEventStore();
    const now = appendNowOf(store);
    expect(now).toBeDefined();
    const first = now!('s-1', [event('e1')], 'no-stream');
    expect(first).toEqual(E.right({ streamId: 's-1', firstVersion: 0, nextExpectedVersion: 0, lastPosition: '1' }));
    // the same batch again is the same result, by eventId; a stale version is refused, nothing appended
    expect(now!('s-1', [event('e1')], 'no-stream')).toEqual(first);
    expect(now!('s-1', [event('e2')], 'no-stream')).toMatchObject(E.left({ kind: 'wrong-expected-version' }));
    expect(now!('s-1', [{ ...event('e3'), eventId: ' ' }], 0)).toMatchObject(E.left({ kind: 'invalid-append' }));
    expect(await store.append('s-1', [event('e4')], 0)).toMatchObject(E.right({ nextExpectedVersion: 1 }));
    expect(await store.streamVersion('s-1')).toBe(1);
    // a wrapper is another store: it gets no fast path
    expect(appendNowOf({ ...store })).toBeUndefined();
    await store.close();
    expect(() => now!('s-1', [event('e5')], 1)).toThrow(/closed/);
    await expect(store.append('s-1', [event('e5')], 1)).rejects.toThrow(/closed/);
  });

  it('stamps recordedAt from the clock it is given', async () => {
    const store = createInMemoryEventStore({ clock: () => '2030-01-01T00:00:00.000Z' });
    await store.append('s-1', [event('e1')], 'no-stream');
    for await (const envelope of store.read('s-1')) expect(envelope.recordedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('deep-freezes what it stores, so no reader can change the log', async () => {
    const store = createInMemoryEventStore();
    await store.append('s-1', [event('e1')], 'no-stream');
    for await (const envelope of store.readAll()) {
      expect(Object.isFrozen(envelope)).toBe(true);
      expect(Object.isFrozen((envelope.event.data as { nested: { list: number[] } }).nested.list)).toBe(true);
    }
  });

  it('freezes a payload all the way down, the mutable parts of a frozen object the caller handed in included', async () => {
    const store = createInMemoryEventStore();
    const list = [1, 2];
    const data = Object.freeze({ nested: { list } });
    await store.append('s-1', [{ ...event('e1'), event: { type: 'Happened', data } }], 'no-stream');
    expect(Object.isFrozen(data.nested)).toBe(true);
    expect(Object.isFrozen(list)).toBe(true);
    expect(() => list.push(3)).toThrow();
  });

  it('recognises a replay of any earlier batch by eventId, whatever order the ids came in (issue 18)', async () => {
    const store = createInMemoryEventStore();
    // Increasing ids (the command handler's) take the path without the index; "a..." and "0..." do not.
    const first = await store.append('s-1', [event('m1'), event('m2')], 'no-stream');
    await store.append('s-2', [event('z1')], 'no-stream');
    expect(await store.append('s-1', [event('a1')], 1)).toMatchObject(E.right({ nextExpectedVersion: 2 }));
    await store.append('s-3', [event('zz')], 'no-stream');
    // the first batch again, after later ones: the same result, nothing appended
    expect(await store.append('s-1', [event('m1'), event('m2')], 'no-stream')).toEqual(first);
    expect(await store.append('s-1', [event('m2')], 'any')).toMatchObject(E.left({ kind: 'idempotency-conflict' }));
    expect(await store.append('s-1', [event('0-new'), event('z1')], 'any')).toMatchObject(
      E.left({ kind: 'idempotency-conflict', eventIds: ['z1'] }),
    );
    // an id below the greatest one that was never appended is appended
    expect(await store.append('s-1', [event('b1')], 2)).toMatchObject(E.right({ nextExpectedVersion: 3 }));
    expect(await store.append('s-1', [event('b1')], 2)).toMatchObject(E.right({ nextExpectedVersion: 3 }));
    expect(await store.streamVersion('s-1')).toBe(3);
  });

  it('checkpoints are counts of events seen; a foreign checkpoint is refused loudly', async () => {
    const store = createInMemoryEventStore();
    await store.append('s-1', [event('e1'), event('e2')], 'no-stream');
    const positions: string[] = [];
    for await (const envelope of store.readAll()) positions.push(envelope.globalPosition);
    expect(positions).toEqual(['1', '2']);
    const read = async (after: string) => {
      for await (const _ of store.readAll(after)) return;
    };
    await expect(read('0000000042:0000000003')).rejects.toThrow('invalid in-memory checkpoint');
    // Number() would have read these as 1000, 16 and 12: only the decimal counts this store writes pass.
    for (const foreign of ['-1', '1e3', '0x10', ' 12', '12 ', '1.0'])
      await expect(read(foreign), foreign).rejects.toMatchObject({ kind: 'invalid-argument', path: 'after' });
  });

  it('options it does not know, or of the wrong type, are refused at creation, naming the option (issue 8.5)', () => {
    expect(() => createInMemoryEventStore({ clok: () => 'x' } as never)).toThrow(/options\.clok is not an option/);
    expect(() => createInMemoryEventStore({ clock: 'now' } as never)).toThrow(/options\.clock must be a function/);
  });

  it('after close, appends are refused and subscriptions end', async () => {
    const store = createInMemoryEventStore();
    const subscription = store.subscribe(undefined, () => undefined);
    await subscription.caughtUp;
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
    await expect(store.append('s-1', [event('e1')], 'any')).rejects.toThrow('closed');
  });
});

describe('appendDecidedOf: the command handler append without a NewEvent per event (issue 18)', () => {
  const metadata = { commandId: 'cmd-1', actor: { kind: 'system', id: 'test' }, at: '2026-11-24T10:00:00Z' } as const;
  const decided = [{ type: 'Happened', data: { n: 1, list: ['a'] } }];

  it('stores what append would store, frozen copies handed back; gives undefined where append must answer', async () => {
    const store = createInMemoryEventStore({ clock: () => '2030-01-01T00:00:00.000Z' });
    const appendDecided = appendDecidedOf(store)!;
    let id = 0;
    const ids = () => `e-${++id}`;
    const copies: Event[] = [];
    const result = appendDecided('s-1', decided, metadata, ids, () => 1, -1, copies);
    expect(result).toEqual({ streamId: 's-1', firstVersion: 0, nextExpectedVersion: 0, lastPosition: '1' });
    expect(copies).toEqual(decided);
    expect(copies[0]).not.toBe(decided[0]);
    expect(Object.isFrozen((copies[0]!.data as { list: string[] }).list)).toBe(true);
    const other = createInMemoryEventStore({ clock: () => '2030-01-01T00:00:00.000Z' });
    await other.append(
      's-1',
      [
        {
          event: decided[0]!,
          eventId: 'e-1',
          occurredAt: metadata.at,
          actor: metadata.actor,
          causationId: 'cmd-1',
          correlationId: 'cmd-1',
          schemaVersion: 1,
        },
      ],
      'no-stream',
    );
    const read = async (s: typeof store) => {
      const all = [];
      for await (const envelope of s.read('s-1')) all.push(envelope);
      return all;
    };
    expect(await read(store)).toEqual(await read(other));
    // Each of these appends nothing and leaves the answer to append.
    const none = (...args: Parameters<typeof appendDecided>) => expect(appendDecided(...args)).toBeUndefined();
    none('s-1', decided, metadata, ids, () => 1, -1, []); // stale version
    none(
      's-1',
      decided,
      metadata,
      () => 'e-0',
      () => 1,
      0,
      [],
    ); // an id not above the greatest: maybe a replay
    none('s-1', [{ type: 'Happened', data: { n: Number.NaN } }], metadata, ids, () => 1, 0, []);
    none('s-1', decided, { ...metadata, at: 'yesterday' }, ids, () => 1, 0, []);
    none('s-1', decided, { ...metadata, actor: { kind: 'robot', id: 'x' } as never }, ids, () => 1, 0, []);
    none('s-1', decided, metadata, ids, () => 0, 0, []);
    none('s 1\u0000', decided, metadata, ids, () => 1, -1, []);
    expect(await store.streamVersion('s-1')).toBe(0);
    await store.close();
    none('s-1', decided, metadata, ids, () => 1, 0, []);
  });
});

describe('storeBuiltOf: the leading events whose objects the store built itself (issue 18)', () => {
  const metadata = { commandId: 'cmd-1', actor: { kind: 'system', id: 'test' }, at: '2026-11-24T10:00:00Z' } as const;
  const decided = [{ type: 'Happened', data: { n: 1, list: ['a'], nested: { x: true } } }];

  it('counts decided appends, stops at the first `append` (its payloads are the caller’s), and every object it counts has only enumerable own keys', async () => {
    const store = createInMemoryEventStore();
    const appendDecided = appendDecidedOf(store)!;
    const built = storeBuiltOf(store)!;
    const stream = () => liveStreamOf(store)!('s-1')!;
    let id = 0;
    const ids = () => `e-${++id}`;
    expect(appendDecided('s-1', decided, metadata, ids, () => 1, -1, [])).toBeDefined();
    expect(appendDecided('s-1', decided, { ...metadata, commandId: 'cmd-2' }, ids, () => 1, 0, [])).toBeDefined();
    expect(built(stream())).toBe(2);
    const data = { n: 2 };
    Object.defineProperty(data, 'hidden', { value: 1, enumerable: false });
    const appended = await store.append(
      's-1',
      [{ event: { type: 'Happened', data }, eventId: 'd-0', occurredAt: metadata.at, actor: metadata.actor }],
      1,
    );
    expect(E.isRight(appended)).toBe(true);
    // Kept as the caller made it (hidden key and all): from here on nothing counts as built by the store.
    expect(Object.getOwnPropertyNames(stream()[2]!.event.data)).toContain('hidden');
    expect(appendDecided('s-1', decided, { ...metadata, commandId: 'cmd-3' }, ids, () => 1, 2, [])).toBeDefined();
    expect(stream()).toHaveLength(4);
    expect(built(stream())).toBe(2);
    const enumerableOnly = (u: unknown): boolean =>
      typeof u !== 'object' ||
      u === null ||
      Object.getOwnPropertyNames(u).every(
        (key) =>
          (Array.isArray(u) && key === 'length') ||
          (Object.prototype.propertyIsEnumerable.call(u, key) && enumerableOnly((u as Record<string, unknown>)[key])),
      );
    for (const envelope of stream().slice(0, built(stream()))) expect(enumerableOnly(envelope.event)).toBe(true);
    // A stream written only through `append` counts nothing; another store's arrays are not this one's business.
    await store.append(
      's-2',
      [{ event: decided[0]!, eventId: 'e-10', occurredAt: metadata.at, actor: metadata.actor }],
      'no-stream',
    );
    expect(built(liveStreamOf(store)!('s-2')!)).toBe(0);
    expect(storeBuiltOf({ ...store })).toBeUndefined();
  });
});
