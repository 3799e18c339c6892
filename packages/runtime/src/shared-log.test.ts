import { createInMemoryEventStore, type Checkpoint, type Envelope, type EventStore } from '@ordersource/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSharedLog } from './shared-log.js';

const AT = '2026-11-01T10:00:00.000Z';
const actor = { kind: 'system', id: 'test' } as const;

/** Append one event to `stream` (its next version). */
const append = async (store: EventStore, stream: string, n: number): Promise<void> => {
  const version = await store.streamVersion(stream);
  const result = await store.append(
    stream,
    [{ event: { type: 'Noted', data: { n } }, eventId: `${stream}-${n}`, occurredAt: AT, actor }],
    version === -1 ? 'no-stream' : version,
  );
  if (result._tag === 'Left') throw new Error(result.left.message);
};

const collect = async (events: AsyncIterable<Envelope>): Promise<string[]> => {
  const ids: string[] = [];
  for await (const event of events) ids.push(event.eventId);
  return ids;
};

/** A store that counts its readAll calls (the round trips a PostgreSQL store would make). */
const counting = (store: EventStore) => {
  let readAlls = 0;
  return {
    readAlls: () => readAlls,
    store: {
      ...store,
      append: store.append.bind(store),
      read: store.read.bind(store),
      streamVersion: store.streamVersion.bind(store),
      subscribe: store.subscribe.bind(store),
      close: store.close.bind(store),
      readAll: (after?: Checkpoint, options?: Parameters<EventStore['readAll']>[1]) => {
        readAlls++;
        return store.readAll(after, options);
      },
    } satisfies EventStore,
  };
};

describe('the shared log reader (issue 18: one read of the log for every consumer)', () => {
  it('nineteen consumers woken by one append cost one fetch, and each reads every event after its checkpoint', async () => {
    const inner = createInMemoryEventStore();
    const { store, readAlls } = counting(inner);
    const log = createSharedLog(store);
    const readers = Array.from({ length: 19 }, () => log.reader());
    for (let n = 0; n < 5; n++) await append(store, 'order-a', n);
    log.mark();
    const seen = await Promise.all(readers.map((reader) => collect(reader.read(undefined))));
    for (const ids of seen) expect(ids).toEqual(['order-a-0', 'order-a-1', 'order-a-2', 'order-a-3', 'order-a-4']);
    expect(readAlls()).toBe(1);
    // One more append, one more fetch for all of them, each from where it was.
    await append(store, 'order-b', 0);
    log.mark();
    const positions: Checkpoint[] = [];
    for await (const event of inner.readAll(undefined)) positions.push(event.globalPosition);
    const next = await Promise.all(readers.map((reader) => collect(reader.read(positions[4]))));
    for (const ids of next) expect(ids).toEqual(['order-b-0']);
    expect(readAlls()).toBe(2);
  });

  it('a read after a mark never misses an event appended before the mark; without a mark it serves what it holds', async () => {
    const { store, readAlls } = counting(createInMemoryEventStore());
    const log = createSharedLog(store);
    const reader = log.reader();
    await append(store, 's', 0);
    expect(await collect(reader.read(undefined))).toEqual(['s-0']);
    await append(store, 's', 1);
    const before = readAlls();
    // No mark: the fetch that already ran after the last mark answers (the shop marks after every append it makes).
    expect(await collect(reader.read(undefined))).toEqual(['s-0']);
    expect(readAlls()).toBe(before);
    log.mark();
    expect(await collect(reader.read(undefined))).toEqual(['s-0', 's-1']);
  });

  it('law: whatever the appends, marks, trims and checkpoints, a read after a mark is exactly readAll from that checkpoint (1,000 runs)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), stream: fc.constantFrom('a', 'b', 'c'), count: fc.nat(7) }),
      fc.record({
        kind: fc.constant('read' as const),
        reader: fc.nat(3),
        from: fc.nat(60),
        together: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        async (steps, pageSize, keep, cap) => {
          const store = createInMemoryEventStore();
          const log = createSharedLog(store, { pageSize, keep, cap });
          const readers = Array.from({ length: 4 }, () => log.reader());
          let n = 0;
          for (const s of steps) {
            if (s.kind === 'append') {
              for (let i = 0; i < s.count; i++) await append(store, s.stream, n++);
              continue;
            }
            // Start from any event's position (or the start), as a consumer restarted from a checkpoint would.
            const positions: Checkpoint[] = [];
            for await (const event of store.readAll(undefined)) positions.push(event.globalPosition);
            const after = s.from >= positions.length ? undefined : positions[s.from];
            log.mark();
            const expected = await collect(store.readAll(after));
            // Alone, or all four at once sharing the fetches in flight.
            const chosen = s.together ? readers : [readers[s.reader]!];
            for (const ids of await Promise.all(chosen.map((reader) => collect(reader.read(after)))))
              expect(ids).toEqual(expected);
            expect(log.size()).toBeLessThanOrEqual(Math.max(cap, keep) + pageSize);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('a reader whose checkpoint the tail no longer holds reads the store directly, then joins the tail', async () => {
    const { store, readAlls } = counting(createInMemoryEventStore());
    const log = createSharedLog(store, { pageSize: 4, keep: 4, cap: 4 });
    const ahead = log.reader();
    const behind = log.reader();
    for (let n = 0; n < 12; n++) await append(store, 's', n);
    log.mark();
    expect(await collect(ahead.read(undefined))).toHaveLength(12);
    const fetched = readAlls();
    // The tail holds the last four now: the reader behind catches up from the store, then from the tail.
    expect(log.size()).toBeLessThanOrEqual(4);
    expect(await collect(behind.read(undefined))).toEqual(Array.from({ length: 12 }, (_, n) => `s-${n}`));
    expect(readAlls()).toBe(fetched + 1);
  });
});
