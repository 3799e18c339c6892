import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotStore } from '@ordersource/core';
import { newId } from '@ordersource/core';

/**
 * Contract for `SnapshotStore` adapters. Every field round-trips, including
 * `commandIds`: the command handler ignores a snapshot without them (it could
 * not tell a re-delivered command from a new one), so a store that drops them
 * is correct but never used. Stream ids are unique per test.
 */
export type SnapshotStoreUnderTest = { store: SnapshotStore<unknown>; close?: () => Promise<void> };

export const snapshotStoreContract = (name: string, factory: () => Promise<SnapshotStoreUnderTest>): void => {
  const withStore =
    (body: (store: SnapshotStore<unknown>, prefix: string) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body(sut.store, `snap-${newId()}-`);
      } finally {
        await sut.close?.();
      }
    };

  describe(`SnapshotStore contract: ${name}`, () => {
    it(
      'an unknown stream has no snapshot',
      withStore(async (store, prefix) => {
        expect(await store.load(`${prefix}nobody`)).toBeUndefined();
      }),
    );

    it(
      'every field round-trips, commandIds included',
      withStore(async (store, prefix) => {
        const snapshot: Snapshot<unknown> = {
          state: { status: 'open', lines: [{ sku: 'apple', qty: 2 }], total: null, tags: [] },
          version: 41,
          schemaVersion: 3,
          commandIds: ['c1', 'c2', 'c3'],
        };
        await store.save(`${prefix}cart-1`, snapshot);
        expect(await store.load(`${prefix}cart-1`)).toEqual(snapshot);
      }),
    );

    it(
      'a snapshot without commandIds comes back without them',
      withStore(async (store, prefix) => {
        await store.save(`${prefix}cart-1`, { state: { n: 1 }, version: 0, schemaVersion: 1 });
        const loaded = await store.load(`${prefix}cart-1`);
        expect(loaded).toMatchObject({ state: { n: 1 }, version: 0, schemaVersion: 1 });
        expect(loaded?.commandIds === undefined || loaded.commandIds.length === 0).toBe(true);
      }),
    );

    it(
      'the latest save wins, and streams are independent',
      withStore(async (store, prefix) => {
        await store.save(`${prefix}a`, { state: { n: 1 }, version: 1, schemaVersion: 1, commandIds: ['x'] });
        await store.save(`${prefix}b`, { state: { n: 2 }, version: 2, schemaVersion: 1, commandIds: ['y'] });
        await store.save(`${prefix}a`, { state: { n: 3 }, version: 5, schemaVersion: 2, commandIds: ['x', 'z'] });
        expect(await store.load(`${prefix}a`)).toEqual({
          state: { n: 3 },
          version: 5,
          schemaVersion: 2,
          commandIds: ['x', 'z'],
        });
        expect(await store.load(`${prefix}b`)).toEqual({
          state: { n: 2 },
          version: 2,
          schemaVersion: 1,
          commandIds: ['y'],
        });
      }),
    );

    it(
      'hostile stream ids and states round-trip exactly',
      withStore(async (store, prefix) => {
        const state = {
          text: `'; DROP TABLE snapshots; -- Привет 🛒 👩🏽‍💻 "quoted" \\ back`,
          numbers: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1, 0.5],
          empty: { object: {}, array: [] },
          nested: { 'ключ 🔑': [{ deeper: [null, true, false] }] },
          big: 'x'.repeat(256 * 1024),
        };
        for (const raw of [`it's "q"`, `'; DROP TABLE x; --`, '注文-🛒', 'x'.repeat(500)]) {
          const streamId = `${prefix}${raw}`;
          await store.save(streamId, { state, version: 7, schemaVersion: 1, commandIds: [`${raw}-cmd`] });
          expect(await store.load(streamId)).toStrictEqual({
            state,
            version: 7,
            schemaVersion: 1,
            commandIds: [`${raw}-cmd`],
          });
        }
      }),
    );
  });
};
