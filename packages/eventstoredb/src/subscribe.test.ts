import { newId, sleep, type Envelope, type NewEvent } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { serverName } from './errors.js';
import { encodeEvent } from './metadata.js';
import { readAllEvents } from './read-all.js';
import { subscribeEvents, type SubscribeContext } from './subscribe.js';
import { logModel } from './test-support/log-model.js';

const newEvent = (type: string): NewEvent => ({
  event: { type, data: {} },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
});

const setup = (pageSize = 3) => {
  const log = logModel();
  const context: SubscribeContext = {
    client: log.client,
    dialect: 'eventstoredb',
    server: serverName('esdb://127.0.0.1:2113?tls=false'),
    pageSize,
    retry: { retries: 3, initialDelayMs: 1, maxDelayMs: 5 },
  };
  const write = (streamId: string, type = 'Happened') => {
    const input = newEvent(type);
    log.write(streamId, encodeEvent(input, { append: newId(), index: 0, size: 1 }));
    return input.eventId;
  };
  return { log, context, write };
};

const waitFor = async (what: string, ready: () => boolean) => {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
};

const collect = async (iterable: AsyncIterable<Envelope>) => {
  const out: Envelope[] = [];
  for await (const envelope of iterable) out.push(envelope);
  return out;
};

describe('readAll over $all pages', () => {
  it('pages through the log, leaving out the server’s events and what the filter does not match', async () => {
    const { log, context, write } = setup(2);
    const ids = [write('order-1'), write('payment-1'), write('order-2')];
    log.writeSystem('$stats-node', 'StatsCollected');
    ids.push(write('order-1', 'OrderConfirmed'));
    expect((await collect(readAllEvents(context, undefined, {}))).map((e) => e.eventId)).toEqual(ids);
    const orders = await collect(readAllEvents(context, undefined, { streamPrefix: 'order-' }));
    expect(orders.map((e) => e.eventId)).toEqual([ids[0], ids[2], ids[3]]);
    const confirmed = await collect(readAllEvents(context, undefined, { eventTypes: ['OrderConfirmed'] }));
    expect(confirmed.map((e) => e.eventId)).toEqual([ids[3]]);
  });

  it('after a checkpoint it returns exactly what follows, even though the server reads the position inclusively', async () => {
    const { context, write } = setup(2);
    const ids = [write('s'), write('s'), write('s'), write('s'), write('s')];
    const all = await collect(readAllEvents(context, undefined, {}));
    for (let k = 0; k < all.length; k++)
      expect((await collect(readAllEvents(context, all[k]!.globalPosition, {}))).map((e) => e.eventId)).toEqual(
        ids.slice(k + 1),
      );
    expect((await collect(readAllEvents(context, undefined, { limit: 3 }))).map((e) => e.eventId)).toEqual(
      ids.slice(0, 3),
    );
  });
});

describe('subscribe: catch up with readAll, then follow', () => {
  it('catches up, resolves caughtUp, then delivers live events once each, in order', async () => {
    const { context, write } = setup();
    const before = [write('order-1'), write('order-2'), write('other-1'), write('order-1')];
    const seen: string[] = [];
    const sub = subscribeEvents(context, undefined, (e) => void seen.push(e.eventId), { streamPrefix: 'order-' });
    await sub.caughtUp;
    expect(seen).toEqual([before[0], before[1], before[3]]);
    const live = [write('order-3'), write('other-2'), write('order-1')];
    await waitFor('the live events', () => seen.length >= 5);
    await sleep(20);
    expect(seen).toEqual([before[0], before[1], before[3], live[0], live[2]]);
    await sub.close();
    await expect(sub.done).resolves.toBeUndefined();
  });

  it('resumes after a dropped connection from the last event handled, skipping and repeating nothing', async () => {
    const { log, context, write } = setup();
    const seen: string[] = [];
    const sub = subscribeEvents(context, undefined, (e) => void seen.push(e.eventId), undefined);
    await sub.caughtUp;
    const first = [write('s-1'), write('s-2')];
    await waitFor('two events', () => seen.length >= 2);
    log.drop();
    const more = [write('s-1'), write('s-3')];
    await waitFor('four events', () => seen.length >= 4);
    await sleep(20);
    expect(seen).toEqual([...first, ...more]);
    expect(log.subscriptions()).toBeGreaterThanOrEqual(2);
    await sub.close();
  });

  it('gives up after the retries, rejecting done with the mapped error', async () => {
    const { log, context } = setup();
    const sub = subscribeEvents(context, undefined, () => undefined, undefined);
    await sub.caughtUp;
    for (let i = 0; i < 10; i++) {
      await sleep(10);
      log.drop();
    }
    await expect(sub.done).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('a throwing handler ends the subscription and rejects done; nothing later is delivered', async () => {
    const { context, write } = setup();
    write('s');
    write('s');
    const seen: number[] = [];
    const sub = subscribeEvents(
      context,
      undefined,
      (e) => {
        seen.push(e.streamVersion);
        if (e.streamVersion === 0) throw new Error('handler failed on purpose');
      },
      undefined,
    );
    await expect(sub.done).rejects.toThrow('handler failed on purpose');
    await expect(sub.caughtUp).rejects.toThrow('handler failed on purpose');
    expect(seen).toEqual([0]);
  });

  it('an empty type list resolves caughtUp and delivers nothing until closed', async () => {
    const { context, write } = setup();
    write('s');
    const seen: string[] = [];
    const sub = subscribeEvents(context, undefined, (e) => void seen.push(e.eventId), { eventTypes: [] });
    await sub.caughtUp;
    write('s');
    await sleep(20);
    expect(seen).toEqual([]);
    await sub.close();
    await expect(sub.done).resolves.toBeUndefined();
  });
});
