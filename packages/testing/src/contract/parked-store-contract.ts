import { describe, expect, it } from 'vitest';
import type { Envelope, ParkedStore } from '@ordersource/core';
import { newId } from '@ordersource/core';
import { at, expectRefusal } from './runtime-support.js';

/**
 * Contract for `ParkedStore` adapters (issue 11, poison events): an event
 * parked for one consumer is listed for it alone and retried once; parking it
 * again keeps one entry with the latest attempts and error. Consumers are
 * unique per test, so a factory may share storage.
 */
export type ParkedStoreUnderTest = { store: ParkedStore; close?: () => Promise<void> };

const envelope = (streamId: string, position: string): Envelope => ({
  event: { type: 'OrderPlaced', data: {} },
  eventId: newId(),
  streamId,
  streamVersion: 0,
  globalPosition: position,
  occurredAt: at(0),
  recordedAt: at(0),
  actor: { kind: 'system', id: 'test' },
  schemaVersion: 1,
});

export const parkedStoreContract = (name: string, factory: () => Promise<ParkedStoreUnderTest>): void => {
  const withStore =
    (body: (store: ParkedStore, prefix: string) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body(sut.store, `pk-${newId()}-`);
      } finally {
        await sut.close?.();
      }
    };

  describe(`ParkedStore contract: ${name}`, () => {
    it(
      'a parked event lists for its consumer alone, in parking order, with what went wrong',
      withStore(async (store, prefix) => {
        const first = envelope(`${prefix}order-1`, '17');
        const second = envelope(`${prefix}order-2`, '0000000042:0000000003');
        await store.park(`${prefix}receipts`, first, 5, 'TypeError: x is undefined', at(60));
        await store.park(`${prefix}receipts`, second, 3, 'still failing', at(61));
        await store.park(`${prefix}stock`, first, 1, 'other', at(62));
        expect(await store.list(`${prefix}receipts`)).toEqual([
          {
            consumer: `${prefix}receipts`,
            eventId: first.eventId,
            streamId: first.streamId,
            globalPosition: '17',
            attempts: 5,
            error: 'TypeError: x is undefined',
            parkedAt: at(60),
          },
          {
            consumer: `${prefix}receipts`,
            eventId: second.eventId,
            streamId: second.streamId,
            globalPosition: '0000000042:0000000003',
            attempts: 3,
            error: 'still failing',
            parkedAt: at(61),
          },
        ]);
        expect((await store.list(`${prefix}stock`)).map((p) => p.eventId)).toEqual([first.eventId]);
        const all = (await store.list()).filter((p) => p.consumer.startsWith(prefix));
        expect(all).toHaveLength(3);
        expect(await store.list(`${prefix}nobody`)).toEqual([]);
      }),
    );

    it(
      'retry removes the entry for that consumer only, once',
      withStore(async (store, prefix) => {
        const poison = envelope(`${prefix}order-1`, '5');
        await store.park(`${prefix}a`, poison, 2, 'boom', at(1));
        await store.park(`${prefix}b`, poison, 2, 'boom', at(1));
        expect(await store.retry(`${prefix}a`, poison.eventId)).toBe(true);
        expect(await store.retry(`${prefix}a`, poison.eventId)).toBe(false);
        expect(await store.list(`${prefix}a`)).toEqual([]);
        expect(await store.list(`${prefix}b`)).toHaveLength(1);
        expect(await store.retry(`${prefix}c`, newId())).toBe(false);
      }),
    );

    it(
      'parking the same event again keeps one entry with the latest attempts and error',
      withStore(async (store, prefix) => {
        const poison = envelope(`${prefix}order-1`, '5');
        await store.park(`${prefix}a`, poison, 3, 'first', at(1));
        await store.park(`${prefix}a`, poison, 6, 'second', at(9));
        expect(await store.list(`${prefix}a`)).toMatchObject([{ attempts: 6, error: 'second', parkedAt: at(9) }]);
      }),
    );

    it(
      'hostile consumer names and errors round-trip exactly',
      withStore(async (store, prefix) => {
        for (const raw of [`it's "q"`, `'; DROP TABLE parked; --`, 'реактор-🛒']) {
          await store.park(`${prefix}${raw}`, envelope(`${prefix}${raw}`, '1'), 1, `${raw}\nstack`, at(1));
          expect(await store.list(`${prefix}${raw}`)).toMatchObject([
            { streamId: `${prefix}${raw}`, error: `${raw}\nstack` },
          ]);
        }
      }),
    );

    it(
      'bad arguments are refused naming the argument and the rule, and nothing is parked',
      withStore(async (store, prefix) => {
        const ok = envelope(`${prefix}s`, '1');
        await expectRefusal(store.park('', ok, 1, 'e', at(1)), 'park', 'consumer', 'blank');
        await expectRefusal(
          store.park(`${prefix}a`, { ...ok, eventId: '' }, 1, 'e', at(1)),
          'park',
          'envelope.eventId',
          'blank',
        );
        await expectRefusal(store.park(`${prefix}a`, ok, -1, 'e', at(1)), 'park', 'attempts', 'range');
        await expectRefusal(store.park(`${prefix}a`, ok, 1, 5 as never, at(1)), 'park', 'error', 'type');
        await expectRefusal(store.park(`${prefix}a`, ok, 1, 'e', 'yesterday'), 'park', 'at', 'iso-instant');
        await expectRefusal(store.list(1 as never), 'list', 'consumer', 'type');
        await expectRefusal(store.retry(`${prefix}a`, ''), 'retry', 'eventId', 'blank');
        expect(await store.list(`${prefix}a`)).toEqual([]);
      }),
    );
  });
};
