import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  createInMemoryParkedStore,
  type Checkpoint,
  type EventStore,
} from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { createConsumer } from './consumer.js';
import { createWaiter, defaultRetry } from './retry.js';
import { createSharedLog } from './shared-log.js';
import { createTelemetry } from './telemetry.js';

const AT = '2026-11-01T10:00:00.000Z';
const actor = { kind: 'system', id: 'test' } as const;

const append = async (store: EventStore, stream: string, type: string, n: number): Promise<void> => {
  const version = await store.streamVersion(stream);
  const result = await store.append(
    stream,
    [{ event: { type, data: { n } }, eventId: `${stream}-${n}`, occurredAt: AT, actor }],
    version === -1 ? 'no-stream' : version,
  );
  if (result._tag === 'Left') throw new Error(result.left.message);
};

/** A consumer in a fresh process: its own log reader, the checkpoints kept in `inner` (they survive it). */
const setup = (
  store: EventStore,
  withLog: boolean,
  inner = createInMemoryCheckpointStore(),
  extra: Readonly<{ concurrency?: number; handle?: (eventId: string) => Promise<void> }> = {},
) => {
  const saves: Checkpoint[] = [];
  const checkpoints = {
    ...inner,
    save: (name: string, checkpoint: Checkpoint) => {
      saves.push(checkpoint);
      return inner.save(name, checkpoint);
    },
  };
  const handled: string[] = [];
  const log = createSharedLog(store);
  const consumer = createConsumer({
    name: 'test.orders',
    kind: 'reactor',
    filter: { streamPrefix: 'order-', eventTypes: ['OrderPlaced'] },
    store,
    checkpoints,
    parked: createInMemoryParkedStore(),
    clock: createVirtualClock(AT),
    retry: defaultRetry,
    telemetry: createTelemetry({}, { lag: () => new Map(), outboxDepth: () => 0, parked: () => new Map() }),
    waiter: createWaiter(),
    stopping: () => false,
    handle: async (raw) => {
      await extra.handle?.(raw.eventId);
      handled.push(raw.eventId);
    },
    ...(extra.concurrency === undefined ? {} : { concurrency: extra.concurrency }),
    spanName: 'test',
    saveEveryMs: 60_000,
    ...(withLog ? { log: log.reader() } : {}),
  });
  return { consumer, saves, handled, log, load: () => inner.load('test.orders') };
};

describe('a consumer on the shared log, with lazy checkpoint saves (issue 18)', () => {
  it('hands over only the events its filter takes, in order, exactly as when it reads the store itself', async () => {
    const store = createInMemoryEventStore();
    for (let n = 0; n < 6; n++) await append(store, n % 2 === 0 ? 'order-a' : 'receipts-a', 'OrderPlaced', n);
    await append(store, 'order-b', 'OrderConfirmed', 6);
    const shared = setup(store, true);
    const own = setup(store, false);
    shared.log.mark();
    expect(await shared.consumer.pass()).toBe(3);
    expect(await own.consumer.pass()).toBe(3);
    expect(shared.handled).toEqual(['order-a-0', 'order-a-2', 'order-a-4']);
    expect(shared.handled).toEqual(own.handled);
    // The shared reader's checkpoint moved over the events it skipped too: restarting there hands over nothing again.
    const all = [];
    for await (const event of store.readAll()) all.push(event.globalPosition);
    expect(await shared.load()).toBe(all.at(-1));
  });

  it('a lazy pass keeps its save for later; a full pass or flush saves; what a crash loses is handed over again', async () => {
    const store = createInMemoryEventStore();
    const kept = createInMemoryCheckpointStore();
    const first = setup(store, true, kept);
    await append(store, 'order-a', 'OrderPlaced', 0);
    first.log.mark();
    expect(await first.consumer.pass(true)).toBe(1);
    expect(first.saves).toHaveLength(0);
    // A crash now: a new process starts from the saved checkpoint (none) and hands order-a-0 over again.
    const second = setup(store, true, kept);
    second.log.mark();
    expect(await second.consumer.pass(true)).toBe(1);
    expect(second.handled).toEqual(['order-a-0']);
    await second.consumer.flush();
    expect(second.saves).toHaveLength(1);
    await append(store, 'order-a', 'OrderPlaced', 1);
    second.log.mark();
    expect(await second.consumer.pass()).toBe(1);
    expect(second.saves).toHaveLength(2);
    const third = setup(store, true, kept);
    third.log.mark();
    expect(await third.consumer.pass()).toBe(0);
  });

  it('a running pass handles streams side by side, each stream in order, and its checkpoint waits for the slowest event before it', async () => {
    const store = createInMemoryEventStore();
    for (let n = 0; n < 9; n++) await append(store, `order-${'abc'[n % 3]!}`, 'OrderPlaced', n);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let active = 0;
    let most = 0;
    const one = setup(store, true, createInMemoryCheckpointStore(), {
      concurrency: 4,
      handle: async (eventId) => {
        active++;
        most = Math.max(most, active);
        // order-a's first event is slow: the others go on, the checkpoint stays before it.
        if (eventId === 'order-a-0') await held;
        else await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
      },
    });
    one.log.mark();
    const pass = one.consumer.pass(true);
    while (!one.handled.includes('order-c-2')) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(one.consumer.status().checkpoint).toBeUndefined();
    expect(one.handled).not.toContain('order-a-3');
    release();
    expect(await pass).toBe(9);
    expect(most).toBeGreaterThan(1);
    for (const stream of ['a', 'b', 'c']) {
      const mine = one.handled.filter((id) => id.startsWith(`order-${stream}-`));
      expect(mine).toEqual([...mine].sort((x, y) => Number(x.split('-')[2]) - Number(y.split('-')[2])));
      expect(mine).toHaveLength(3);
    }
    const all = [];
    for await (const event of store.readAll()) all.push(event.globalPosition);
    expect(one.consumer.status().checkpoint).toBe(all.at(-1));
  });
});
