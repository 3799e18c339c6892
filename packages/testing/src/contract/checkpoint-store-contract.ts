import { describe, expect, it } from 'vitest';
import type { CheckpointStore } from '@ordersource/core';
import { newId } from '@ordersource/core';

/** Contract for `CheckpointStore` adapters (where projections and reactors remember how far they got). */
export type CheckpointStoreUnderTest = { store: CheckpointStore; close?: () => Promise<void> };

export const checkpointStoreContract = (name: string, factory: () => Promise<CheckpointStoreUnderTest>): void => {
  const withStore =
    (body: (store: CheckpointStore, prefix: string) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body(sut.store, `cp-${newId()}-`);
      } finally {
        await sut.close?.();
      }
    };

  describe(`CheckpointStore contract: ${name}`, () => {
    it(
      'an unknown name has no checkpoint; a saved one loads back; the latest save wins',
      withStore(async (store, prefix) => {
        expect(await store.load(`${prefix}sales`)).toBeUndefined();
        await store.save(`${prefix}sales`, '17');
        expect(await store.load(`${prefix}sales`)).toBe('17');
        await store.save(`${prefix}sales`, '0000000042:0000000003');
        expect(await store.load(`${prefix}sales`)).toBe('0000000042:0000000003');
      }),
    );

    it(
      'reset forgets one name only, and resetting an unknown name is fine',
      withStore(async (store, prefix) => {
        await store.save(`${prefix}a`, '1');
        await store.save(`${prefix}b`, '2');
        await store.reset(`${prefix}a`);
        await store.reset(`${prefix}never-saved`);
        expect(await store.load(`${prefix}a`)).toBeUndefined();
        expect(await store.load(`${prefix}b`)).toBe('2');
        await store.save(`${prefix}a`, '3');
        expect(await store.load(`${prefix}a`)).toBe('3');
      }),
    );

    it(
      'hostile names and checkpoints round-trip exactly',
      withStore(async (store, prefix) => {
        for (const raw of [`it's "q"`, `'; DROP TABLE checkpoints; --`, 'проекция-🛒', 'x'.repeat(300)]) {
          await store.save(`${prefix}${raw}`, `${raw}:1`);
          expect(await store.load(`${prefix}${raw}`)).toBe(`${raw}:1`);
        }
      }),
    );
  });
};
