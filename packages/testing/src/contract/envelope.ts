import { describe, expect, it } from 'vitest';
import type { Actor } from '@ordersource/core';
import { ACTOR, newEvent, collect, right, mine, type FeatureContext } from './support.js';

export const envelopeFeature = ({ withStore }: FeatureContext): void => {
  describe('envelope', () => {
    it(
      'every field round-trips: eventId, versions, occurredAt, recordedAt, actor, causation, correlation, schemaVersion, data',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const customer: Actor = { kind: 'customer', id: 'cust-7', companyId: 'acme', name: 'Иван Петров' };
        const data = { orderId: 'o-1', lines: [{ sku: 'A-1', qty: 2, price: { amount: 1999, currency: 'EUR' } }] };
        const full = newEvent('OrderPlaced', data, {
          occurredAt: '2026-11-24T10:00:00.123Z',
          actor: customer,
          causationId: 'cmd-1',
          correlationId: 'corr-1',
          schemaVersion: 3,
        });
        const bare = newEvent('OrderNoted', { note: 'x' }, { occurredAt: '2026-11-24T13:00:00+03:00' });
        right(await store.append(s, [full, bare], 'no-stream'));
        const [a, b] = await collect(store.read(s));
        expect(a).toBeDefined();
        expect(b).toBeDefined();
        expect(a!.eventId).toBe(full.eventId);
        expect(a!.streamId).toBe(s);
        expect(a!.streamVersion).toBe(0);
        expect(a!.event).toEqual({ type: 'OrderPlaced', data });
        expect(a!.occurredAt).toBe('2026-11-24T10:00:00.123Z');
        expect(a!.actor).toEqual(customer);
        expect(a!.causationId).toBe('cmd-1');
        expect(a!.correlationId).toBe('corr-1');
        expect(a!.schemaVersion).toBe(3);
        expect(typeof a!.globalPosition).toBe('string');
        expect(a!.globalPosition.length).toBeGreaterThan(0);
        for (const envelope of [a!, b!]) {
          expect(typeof envelope.recordedAt).toBe('string');
          expect(Number.isNaN(Date.parse(envelope.recordedAt)), `recordedAt ${envelope.recordedAt}`).toBe(false);
        }
        expect(b!.streamVersion).toBe(1);
        expect(b!.occurredAt).toBe('2026-11-24T13:00:00+03:00');
        expect(b!.actor).toEqual(ACTOR);
        expect(b!.causationId).toBeUndefined();
        expect(b!.correlationId).toBeUndefined();
        expect(b!.schemaVersion).toBe(1);
        expect(b!.event).toEqual({ type: 'OrderNoted', data: { note: 'x' } });
        expect(b!.globalPosition).not.toBe(a!.globalPosition);
        // readAll carries the same envelope as read
        const all = await mine(store, prefix);
        expect(all).toEqual([a, b]);
      }),
    );

    it(
      'an actor with only kind and id round-trips without extra fields',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        for (const kind of ['admin', 'customer', 'system', 'provider'] as const)
          right(await store.append(s, [newEvent('Touched', {}, { actor: { kind, id: `${kind}-1` } })], 'any'));
        const read = await collect(store.read(s));
        expect(read.map((e) => e.actor)).toStrictEqual([
          { kind: 'admin', id: 'admin-1' },
          { kind: 'customer', id: 'customer-1' },
          { kind: 'system', id: 'system-1' },
          { kind: 'provider', id: 'provider-1' },
        ]);
      }),
    );
  });
};
