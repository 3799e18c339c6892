import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartitionLease } from '@ordersource/core';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { createPostgresLeaseStore } from './lease-store.js';
import { migrate } from './schema.js';
import { createPostgresTimerStore } from './timer-store.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Timers and leases under real concurrency (issue 11): PGlite has one
 * connection, so only the server can show that parallel claimers never take
 * the same timer (FOR UPDATE SKIP LOCKED), that balances racing from many
 * connections never give a partition two owners, and that timers outlive the
 * connections (a restart of the process) that planned them.
 */
const server = await probeServer('timers and leases under concurrency');

describe.skipIf(server.skip)('timers and leases on the PostgreSQL server', () => {
  const schema = testSchema();
  let db: SqlExecutor;
  beforeAll(async () => {
    db = createPgExecutor({ connectionString: server.url!, max: 10 });
    await migrate(db, schema);
  });
  afterAll(async () => {
    await db?.query(`drop schema if exists "${schema}" cascade`);
    await db?.close();
  });

  it('eight workers claiming at once never claim the same timer, and each timer fires once', async () => {
    const timers = createPostgresTimerStore(db, { schema });
    for (let stream = 0; stream < 50; stream++)
      await timers.plan(
        `order-race-${stream}`,
        Array.from({ length: 6 }, (_, i) => ({
          key: `k${i}`,
          at: `2026-12-01T00:00:0${i}.000Z`,
          command: { type: 'Expire', data: { i } },
        })),
      );
    const fired: string[] = [];
    const claims: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (;;) {
          const got = await timers.claimDue('2026-12-01T00:01:00.000Z', { limit: 7, owner: `w${w}`, leaseMs: 60_000 });
          if (got.length === 0) return;
          for (const timer of got) {
            claims.push(timer.id);
            if (await timers.complete(timer.id, timer.token)) fired.push(timer.id);
          }
        }
      }),
    );
    console.info(`[timers] 300 timers, 8 parallel claimers: ${claims.length} claims, ${new Set(fired).size} fired`);
    expect(claims).toHaveLength(300);
    expect(new Set(claims).size).toBe(300);
    expect(fired).toHaveLength(300);
    expect(await timers.nextDue()).toBeUndefined();
  }, 60_000);

  it('a timer planned before a restart is there after it and fires then', async () => {
    const before = createPgExecutor({ connectionString: server.url!, max: 2 });
    await createPostgresTimerStore(before, { schema }).plan('order-restart', [
      { key: 'hold-expiry', at: '2026-12-02T00:00:00.000Z', command: { type: 'ExpireHold', data: { hold: 'h1' } } },
    ]);
    await before.close();
    const after = createPgExecutor({ connectionString: server.url!, max: 2 });
    try {
      const timers = createPostgresTimerStore(after, { schema });
      expect(await timers.nextDue()).toBe('2026-12-02T00:00:00.000Z');
      const [timer] = await timers.claimDue('2026-12-02T00:00:00.000Z', { limit: 5, owner: 'w', leaseMs: 1_000 });
      expect(timer).toMatchObject({ streamId: 'order-restart', command: { type: 'ExpireHold', data: { hold: 'h1' } } });
      expect(await timers.complete(timer!.id, timer!.token)).toBe(true);
    } finally {
      await after.close();
    }
  });

  it('six workers balancing at once from their own connections never give a partition two owners', async () => {
    const leases = createPostgresLeaseStore(db, { schema });
    const group = 'race';
    const owners = ['a', 'b', 'c', 'd', 'e', 'f'];
    const k = 16;
    const latest = new Map<string, readonly PartitionLease[]>();
    for (let round = 0; round < 12; round++) {
      const now = new Date(Date.parse('2026-12-01T00:00:00.000Z') + round * 1_000).toISOString();
      // Two of them die at round 6: their leases (ttl 3 s) end at round 9.
      const alive = round < 6 ? owners : owners.slice(0, 4);
      await Promise.all(
        alive.map(async (owner) => {
          const request = { group, owner, partitions: k, now, ttlMs: 3_000 };
          await leases.heartbeat(request);
          latest.set(owner, await leases.balance(request));
        }),
      );
      const holders = new Map<number, string[]>();
      for (const [owner, held] of latest)
        for (const lease of held)
          if (Date.parse(lease.expiresAt) > Date.parse(now))
            holders.set(lease.partition, [...(holders.get(lease.partition) ?? []), owner]);
      for (const [partition, who] of holders) expect(who, `partition ${partition} at round ${round}`).toHaveLength(1);
    }
    const final = await leases.leases(group);
    expect(final.map((lease) => lease.partition)).toEqual(Array.from({ length: k }, (_, i) => i));
    const shares = ['a', 'b', 'c', 'd'].map((owner) => final.filter((lease) => lease.owner === owner).length);
    console.info(`[leases] 6 racing workers, 2 died: final shares ${shares.join('/')}`);
    expect(shares.sort()).toEqual([4, 4, 4, 4]);
  }, 60_000);
});
