import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PartitionLease } from '@ordersource/core';
import type { LeaseFeatureContext } from './lease-store-contract.js';
import { at } from './runtime-support.js';

/**
 * The lease laws over random interleavings of heartbeat, balance, release
 * and expiry (time passing while a worker is silent) among three workers:
 * a partition never has two owners at once (no two workers hold an unexpired
 * lease on it from their latest balance); tokens only grow, and grow when
 * the owner changes; `holds` answers for exactly the current owner and
 * token; once every worker balances twice with no time passing, every
 * partition has an owner (liveness).
 */
type Op =
  Readonly<{ kind: 'heartbeat' | 'balance' | 'release'; owner: number }> | Readonly<{ kind: 'advance'; byS: number }>;

const OWNERS = ['a', 'b', 'c'] as const;
const TTL_S = 10;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), owner: fc.nat(2) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('balance' as const), owner: fc.nat(2) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('release' as const), owner: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), byS: fc.integer({ min: 0, max: 8 }) }), weight: 2 },
);

export const leaseLawsFeature = ({ withStore, lawRuns }: LeaseFeatureContext): void => {
  describe('laws', () => {
    it(
      'for any interleaving: one owner per partition, growing tokens, exact holds, and full coverage once settled',
      withStore(async ({ store, group: base }) => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 6 }),
            fc.array(opArb, { minLength: 1, maxLength: 30 }),
            async (k, ops) => {
              const group = `${base}-${run++}`;
              let now = 0;
              const request = (owner: string) => ({
                group,
                owner,
                partitions: k,
                now: at(now),
                ttlMs: TTL_S * 1000,
              });
              const beliefs = new Map<string, readonly PartitionLease[]>();
              const lastSeen = new Map<number, { owner: string; token: number }>();
              const observe = (lease: PartitionLease) => {
                const last = lastSeen.get(lease.partition);
                if (last !== undefined) {
                  expect(lease.token, 'tokens only grow').toBeGreaterThanOrEqual(last.token);
                  if (last.owner !== lease.owner)
                    expect(lease.token, 'a new owner gets a new token').toBeGreaterThan(last.token);
                }
                lastSeen.set(lease.partition, { owner: lease.owner, token: lease.token });
              };
              const check = async () => {
                const holders = new Map<number, string[]>();
                for (const [owner, leases] of beliefs)
                  for (const lease of leases)
                    if (Date.parse(lease.expiresAt) > Date.parse(at(now)))
                      holders.set(lease.partition, [...(holders.get(lease.partition) ?? []), owner]);
                for (const [partition, owners] of holders)
                  expect(owners, `partition ${partition} has one owner at ${at(now)}`).toHaveLength(1);
                const current = await store.leases(group);
                for (const lease of current) observe(lease);
                for (const [owner, leases] of beliefs)
                  for (const lease of leases) {
                    const row = current.find((c) => c.partition === lease.partition);
                    expect(await store.holds(group, lease.partition, owner, lease.token), 'holds is exact').toBe(
                      row?.owner === owner && row.token === lease.token,
                    );
                  }
              };
              for (const op of ops) {
                if (op.kind === 'advance') now += op.byS;
                else {
                  const owner = OWNERS[op.owner] ?? 'a';
                  if (op.kind === 'heartbeat') await store.heartbeat(request(owner));
                  else if (op.kind === 'release') {
                    await store.release(group, owner);
                    beliefs.delete(owner);
                  } else {
                    const leases = await store.balance(request(owner));
                    for (const lease of leases) {
                      expect(lease).toMatchObject({ group, owner, expiresAt: at(now + TTL_S) });
                      observe(lease);
                    }
                    beliefs.set(owner, leases);
                  }
                }
                await check();
              }
              // Liveness: after the last op, let every lease lapse; the workers that go on settle the group.
              now += TTL_S;
              const alive = OWNERS.slice(0, 1 + (ops.length % 3));
              for (const owner of alive) await store.heartbeat(request(owner));
              for (let round = 0; round < 2; round++)
                for (const owner of alive) beliefs.set(owner, await store.balance(request(owner)));
              for (const owner of OWNERS) if (!alive.includes(owner)) beliefs.delete(owner);
              await check();
              const covered = [...beliefs.values()].flat().map((lease) => lease.partition);
              expect(
                covered.sort((x, y) => x - y),
                'every partition has an owner',
              ).toEqual(Array.from({ length: k }, (_, i) => i));
              const counts = [...beliefs.values()].map((leases) => leases.length);
              expect(Math.max(...counts) - Math.min(...counts), 'shares differ by at most one').toBeLessThanOrEqual(1);
            },
          ),
          { numRuns: lawRuns },
        );
      }),
    );
  });
};
