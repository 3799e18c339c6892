import { describe, expect, it } from 'vitest';
import type { SqlQueryable } from './executor/types.js';
import { createNotifier } from './notifier.js';

/**
 * Issue 18: the throttled NOTIFY after appends sends one notification at a
 * time. Appends made while one is in flight are owed one more, sent after it
 * returned; none is lost, and there are never two in flight.
 */

/** A database whose `pg_notify` calls wait until released, counted. */
const slowDatabase = () => {
  const waiting: (() => void)[] = [];
  let sent = 0;
  let inFlight = 0;
  let most = 0;
  const db: SqlQueryable = {
    query: async () => {
      sent++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return [];
    },
  };
  return {
    db,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
    sent: () => sent,
    most: () => most,
  };
};

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the NOTIFY after appends (issue 18)', () => {
  it('appends made while a notification is in flight are told by one more, never by a second in flight', async () => {
    const slow = slowDatabase();
    const notifier = createNotifier(slow.db, 'channel', 1);
    notifier.appended();
    await tick(10);
    expect(slow.sent()).toBe(1);
    // Ten appends while the first notification waits for its round trip.
    for (let i = 0; i < 10; i++) {
      notifier.appended();
      await tick(3);
    }
    expect(slow.sent()).toBe(1);
    slow.release();
    await tick(10);
    // The one owed went out after the first returned.
    expect(slow.sent()).toBe(2);
    expect(slow.most()).toBe(1);
    slow.release();
    await tick(10);
    expect(slow.sent()).toBe(2);
  });

  it('flush sends the notification an append is owed, and waits for it', async () => {
    const slow = slowDatabase();
    const notifier = createNotifier(slow.db, 'channel', 60_000);
    notifier.appended();
    const flushed = notifier.flush();
    expect(slow.sent()).toBe(1);
    slow.release();
    await flushed;
    expect(slow.sent()).toBe(1);
  });
});
