import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock, hours } from './clock.js';
import { createNotificationOutbox } from './outbox.js';
import { backoffMs, checkRetryPolicy } from './retry.js';
import { shopStreamKinds } from './shop-streams.js';
import { createDecoderRegistry, streamCategory } from './streams.js';

describe('the virtual clock', () => {
  it('moves only when told; sleepers wake in order once their time has come', async () => {
    const clock = createVirtualClock('2026-11-01T10:00:00Z');
    expect(clock.now()).toBe('2026-11-01T10:00:00.000Z');
    const woke: string[] = [];
    const late = clock.sleep(hours(2)).then(() => woke.push('2h'));
    const soon = clock.sleep(hours(1)).then(() => woke.push('1h'));
    clock.advance(hours(1) - 1);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(hours(2));
    await Promise.all([late, soon]);
    expect(woke).toEqual(['1h', '2h']);
    expect(clock.now()).toBe('2026-11-01T12:59:59.999Z');
  });

  it('refuses time going back, a negative or infinite step and a start that is no instant', () => {
    const clock = createVirtualClock('2026-11-01T10:00:00Z');
    expect(() => clock.advance(-1)).toThrow('advance(ms): must be a finite number >= 0');
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advanceTo('2026-10-31T10:00:00Z')).toThrow('is before the clock');
    expect(() => createVirtualClock('yesterday')).toThrow('must be an ISO-8601 instant');
  });
});

describe('the decoder registry', () => {
  it('decodes by stream category and names the categories it knows when none matches', () => {
    const registry = createDecoderRegistry(Object.values(shopStreamKinds()));
    expect(registry.categories).toEqual(['order', 'receipts', 'subscription', 'customer', 'company']);
    expect(streamCategory('receipts-o-1')).toBe('receipts');
    expect(streamCategory('plain')).toBe('plain');
    const envelope = {
      event: { type: 'Thing', data: {} },
      eventId: 'e-1',
      streamId: 'basket-1',
      streamVersion: 0,
      globalPosition: '1',
      occurredAt: '2026-11-01T10:00:00Z',
      recordedAt: '2026-11-01T10:00:00Z',
      actor: { kind: 'system' as const, id: 'x' },
      schemaVersion: 1,
    };
    const unknown = registry.decode(envelope);
    expect(E.isLeft(unknown) && unknown.left.code).toBe('invalid-event');
    expect(E.isLeft(unknown) && unknown.left.message).toContain(
      'known: order, receipts, subscription, customer, company',
    );
    const wrong = registry.decode({ ...envelope, streamId: 'order-o-1' });
    expect(E.isLeft(wrong) && wrong.left.code).toBe('invalid-event');
  });

  it('refuses two kinds for one category', () => {
    const kinds = shopStreamKinds();
    expect(() => createDecoderRegistry([kinds.order, kinds.order])).toThrow('two stream kinds for category "order"');
  });
});

describe('retry policy and outbox', () => {
  it('doubles the wait up to the cap and refuses nonsense', () => {
    const policy = checkRetryPolicy({ attempts: 5, baseMs: 50, maxMs: 300 });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n))).toEqual([50, 100, 200, 300, 300]);
    expect(() => checkRetryPolicy({ attempts: 0, baseMs: 1, maxMs: 1 })).toThrow('retry.attempts');
    expect(() => checkRetryPolicy({ attempts: 1, baseMs: -1, maxMs: 1 })).toThrow('retry.baseMs');
  });

  it('keeps a notification id once, and bounds what it remembers', () => {
    const outbox = createNotificationOutbox<string>({ keep: 2, remember: 3 });
    const out = (id: string) => ({
      id,
      reactor: 'r',
      notification: id,
      cause: { eventId: id, streamId: 's', streamVersion: 0, occurredAt: '2026-11-01T10:00:00Z' },
    });
    expect(outbox.put(out('a'))).toBe(true);
    expect(outbox.put(out('a'))).toBe(false);
    for (const id of ['b', 'c', 'd']) outbox.put(out(id));
    expect(outbox.all().map((o) => o.id)).toEqual(['c', 'd']);
    expect(outbox.take(1).map((o) => o.id)).toEqual(['a']);
    expect(outbox.depth()).toBe(3);
    // 'a' fell out of the remembered ids (remember: 3), so it is kept again.
    expect(outbox.put(out('a'))).toBe(true);
  });
});
