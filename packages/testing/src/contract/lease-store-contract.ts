import { describe, expect, it } from 'vitest';
import type { LeaseRequest, LeaseStore, PartitionLease } from '@ordersource/core';
import { newId } from '@ordersource/core';
import { leaseLawsFeature } from './lease-store-laws.js';
import { at, expectRefusal, type RuntimeContractOptions } from './runtime-support.js';

/**
 * Contract for `LeaseStore` adapters (issue 11, scale-out): a partition never
 * has two owners; a dead worker's partitions move once its lease ends; a
 * joining worker gets its share after one round of balancing; tokens only
 * grow. Every test uses its own group, so a factory may share storage.
 */
export type LeaseStoreUnderTest = { store: LeaseStore; close?: () => Promise<void> };

export type LeaseSetup = Readonly<{ store: LeaseStore; group: string }>;

export type LeaseFeatureContext = Readonly<{
  withStore: (body: (setup: LeaseSetup) => Promise<void>) => () => Promise<void>;
  lawRuns: number;
}>;

const TTL = 10_000;

export const leaseRequest = (group: string, owner: string, seconds: number, partitions = 4): LeaseRequest => ({
  group,
  owner,
  partitions,
  now: at(seconds),
  ttlMs: TTL,
});

const partitionsOf = (leases: readonly PartitionLease[]): number[] => leases.map((lease) => lease.partition);

/** Every member announces itself, then balances twice: one round to release, one to take. */
const settle = async (store: LeaseStore, group: string, owners: readonly string[], seconds: number, k = 4) => {
  for (const owner of owners) await store.heartbeat(leaseRequest(group, owner, seconds, k));
  const held = new Map<string, readonly PartitionLease[]>();
  for (let round = 0; round < 2; round++)
    for (const owner of owners) held.set(owner, await store.balance(leaseRequest(group, owner, seconds, k)));
  return held;
};

const examples = ({ withStore }: LeaseFeatureContext): void => {
  describe('balance', () => {
    it(
      'a lone worker takes every partition with a first token, until now + ttl',
      withStore(async ({ store, group }) => {
        await store.heartbeat(leaseRequest(group, 'a', 0));
        const leases = await store.balance(leaseRequest(group, 'a', 0));
        expect(leases).toEqual(
          [0, 1, 2, 3].map((partition) => ({ group, partition, owner: 'a', token: 1, expiresAt: at(10) })),
        );
        expect(await store.leases(group)).toEqual(leases);
        expect(await store.holds(group, 2, 'a', 1)).toBe(true);
        expect(await store.holds(group, 2, 'b', 1)).toBe(false);
        expect(await store.holds(group, 2, 'a', 2)).toBe(false);
      }),
    );

    it(
      'renewing keeps the token and moves the end',
      withStore(async ({ store, group }) => {
        await store.balance(leaseRequest(group, 'a', 0));
        const renewed = await store.balance(leaseRequest(group, 'a', 7));
        expect(renewed.map((lease) => [lease.token, lease.expiresAt])).toEqual(Array(4).fill([1, at(17)]));
        expect(await store.holds(group, 0, 'a', 1)).toBe(true);
      }),
    );

    it(
      'a joining worker gets its share after one round: the holder releases the excess, the newcomer takes it with a new token',
      withStore(async ({ store, group }) => {
        await store.heartbeat(leaseRequest(group, 'a', 0));
        await store.balance(leaseRequest(group, 'a', 0));
        expect(await store.heartbeat(leaseRequest(group, 'b', 1))).toEqual(['a', 'b']);
        expect(partitionsOf(await store.balance(leaseRequest(group, 'b', 1))), 'nothing free yet').toEqual([]);
        expect(partitionsOf(await store.balance(leaseRequest(group, 'a', 2)))).toEqual([0, 1]);
        const taken = await store.balance(leaseRequest(group, 'b', 2));
        expect(taken.map((lease) => [lease.partition, lease.token])).toEqual([
          [2, 2],
          [3, 2],
        ]);
        expect(await store.holds(group, 3, 'a', 1), 'the old owner is fenced off').toBe(false);
        expect(await store.holds(group, 3, 'b', 2)).toBe(true);
      }),
    );

    it(
      'three workers over four partitions settle at 2, 1, 1, and every partition has exactly one owner',
      withStore(async ({ store, group }) => {
        const held = await settle(store, group, ['a', 'b', 'c'], 0);
        expect([...held.values()].map((leases) => leases.length)).toEqual([2, 1, 1]);
        expect([...held.values()].flatMap(partitionsOf).sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
        expect((await store.leases(group)).map((lease) => lease.partition)).toEqual([0, 1, 2, 3]);
      }),
    );

    it(
      "a dead worker's partitions move within one lease period, never before its lease ends",
      withStore(async ({ store, group }) => {
        await settle(store, group, ['a', 'b'], 0);
        // b dies at 0: no more heartbeats. a keeps going.
        await store.heartbeat(leaseRequest(group, 'a', 9));
        expect(partitionsOf(await store.balance(leaseRequest(group, 'a', 9))), "b's leases still live").toEqual([0, 1]);
        await store.heartbeat(leaseRequest(group, 'a', 10));
        const after = await store.balance(leaseRequest(group, 'a', 10));
        expect(after.map((lease) => [lease.partition, lease.token])).toEqual([
          [0, 1],
          [1, 1],
          [2, 2],
          [3, 2],
        ]);
        expect(await store.holds(group, 2, 'b', 1), 'b is fenced off').toBe(false);
      }),
    );

    it(
      'release gives the partitions up at once: the others take them on their next balance',
      withStore(async ({ store, group }) => {
        await settle(store, group, ['a', 'b'], 0);
        await store.release(group, 'b');
        expect(await store.heartbeat(leaseRequest(group, 'a', 1)), 'b left the group').toEqual(['a']);
        expect(partitionsOf(await store.balance(leaseRequest(group, 'a', 1)))).toEqual([0, 1, 2, 3]);
        expect((await store.leases(group)).every((lease) => lease.owner === 'a')).toBe(true);
        await store.release(group, 'nobody');
        await store.release(`${group}-never-used`, 'a');
      }),
    );

    it(
      'a member that stops heartbeating leaves the membership when its announcement ends',
      withStore(async ({ store, group }) => {
        await store.heartbeat(leaseRequest(group, 'b', 0));
        expect(await store.heartbeat(leaseRequest(group, 'a', 9))).toEqual(['a', 'b']);
        expect(await store.heartbeat(leaseRequest(group, 'a', 10))).toEqual(['a']);
      }),
    );

    it(
      'groups are independent',
      withStore(async ({ store, group }) => {
        await store.balance(leaseRequest(group, 'a', 0));
        expect(partitionsOf(await store.balance(leaseRequest(`${group}-other`, 'b', 0, 2)))).toEqual([0, 1]);
        expect(partitionsOf(await store.leases(group))).toEqual([0, 1, 2, 3]);
        expect(await store.leases(`${group}-unknown`)).toEqual([]);
      }),
    );
  });

  describe('arguments', () => {
    it(
      'the partition count is fixed for the group: another K is refused, and nothing changes',
      withStore(async ({ store, group }) => {
        await store.balance(leaseRequest(group, 'a', 0, 4));
        await expectRefusal(store.balance(leaseRequest(group, 'b', 0, 8)), 'balance', 'request.partitions', 'range');
        await expectRefusal(
          store.heartbeat(leaseRequest(group, 'b', 0, 3)),
          'heartbeat',
          'request.partitions',
          'range',
        );
        expect((await store.leases(group)).every((lease) => lease.owner === 'a')).toBe(true);
      }),
    );

    it(
      'bad arguments are refused naming the argument and the rule',
      withStore(async ({ store, group }) => {
        const ok = leaseRequest(group, 'a', 0);
        await expectRefusal(store.balance({ ...ok, group: '' }), 'balance', 'request.group', 'blank');
        await expectRefusal(store.balance({ ...ok, owner: 7 as never }), 'balance', 'request.owner', 'type');
        await expectRefusal(store.balance({ ...ok, partitions: 0 }), 'balance', 'request.partitions', 'range');
        await expectRefusal(store.balance({ ...ok, partitions: 2.5 }), 'balance', 'request.partitions', 'range');
        await expectRefusal(store.heartbeat({ ...ok, now: 'now' }), 'heartbeat', 'request.now', 'iso-instant');
        await expectRefusal(store.heartbeat({ ...ok, ttlMs: -1 }), 'heartbeat', 'request.ttlMs', 'range');
        await expectRefusal(store.holds(group, -1, 'a', 1), 'holds', 'partition', 'range');
        await expectRefusal(store.holds(group, 0, 'a', Number.NaN), 'holds', 'token', 'range');
        await expectRefusal(store.release(group, ''), 'release', 'owner', 'blank');
        await expectRefusal(store.leases(null as never), 'leases', 'group', 'type');
        expect(await store.leases(group)).toEqual([]);
      }),
    );
  });
};

export const leaseStoreContract = (
  name: string,
  factory: () => Promise<LeaseStoreUnderTest>,
  options?: RuntimeContractOptions,
): void => {
  const withStore =
    (body: (setup: LeaseSetup) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body({ store: sut.store, group: `lg-${newId()}` });
      } finally {
        await sut.close?.();
      }
    };
  const context: LeaseFeatureContext = { withStore, lawRuns: options?.lawRuns ?? 100 };
  describe(`LeaseStore contract: ${name}`, () => {
    examples(context);
    leaseLawsFeature(context);
  });
};
