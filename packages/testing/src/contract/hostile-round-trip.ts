import { describe, expect, it } from 'vitest';
import { deepCopy, newId } from '@ordersource/core';
import { newEvent, events, collect, right, left, ids, mine, type FeatureContext } from './support.js';

export const hostileRoundTripFeature = ({ withStore }: FeatureContext): void => {
  describe('hostile input round-trips exactly', () => {
    const hostileIds = [
      `it's "quoted"`,
      'semi;colon;',
      `'; DROP TABLE x; --`,
      `"); DELETE FROM events; --`,
      'back\\slash\\',
      'tab\there\nnewline',
      'юникод-заказ-№1',
      '注文-🛒🎉-👩🏽‍💻',
      'ثبت سفارش',
      '$1 $$ :name ? %s %',
      'x'.repeat(500),
    ];

    it(
      'stream ids with quotes, SQL, unicode, emoji and 500 characters',
      withStore(async ({ store, prefix }) => {
        for (const [i, raw] of hostileIds.entries()) {
          const s = `${prefix}${raw}`;
          const batch = [newEvent('Hostile', { i, raw })];
          const result = right(await store.append(s, batch, 'no-stream'));
          expect(result.streamId).toBe(s);
          const read = await collect(store.read(s));
          expect(read.map((e) => e.streamId)).toEqual([s]);
          expect(read[0]!.event.data).toEqual({ i, raw });
          expect(await store.streamVersion(s)).toBe(0);
          expect(left(await store.append(s, events(1), 'no-stream')).kind).toBe('wrong-expected-version');
        }
        const all = await mine(store, prefix);
        expect(all.map((e) => e.streamId)).toEqual(hostileIds.map((raw) => `${prefix}${raw}`));
        const byPrefix = await mine(store, `${prefix}'; DROP`);
        expect(byPrefix.map((e) => e.streamId)).toEqual([`${prefix}'; DROP TABLE x; --`]);
      }),
    );

    it(
      'hostile event types, ids and metadata',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const hostile = newEvent(
          `Type'; DROP TABLE x; --🎉`,
          { ok: true },
          {
            eventId: `${newId()}'"; --`,
            causationId: `cause'"\\;`,
            correlationId: 'корреляция-🔗',
            actor: { kind: 'customer', id: `o'brien"; --`, companyId: 'Ёлка & Co; ☃', name: 'Zoë “quoted” Ω' },
          },
        );
        right(await store.append(s, [hostile], 'no-stream'));
        const [read] = await collect(store.read(s));
        expect(read).toMatchObject({
          eventId: hostile.eventId,
          event: hostile.event,
          causationId: hostile.causationId,
          correlationId: hostile.correlationId,
          actor: hostile.actor,
        });
        const typed = await mine(store, prefix, undefined, { eventTypes: [`Type'; DROP TABLE x; --🎉`] });
        expect(ids(typed)).toEqual([hostile.eventId]);
        expect(right(await store.append(s, [hostile], 'no-stream')).nextExpectedVersion).toBe(0);
      }),
    );

    it(
      'payloads: nested unicode, extreme safe integers, empty objects and arrays, ~1 MB',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}payloads`;
        const payloads: unknown[] = [
          { max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, zero: 0, negative: -1, fraction: 0.5 },
          { empty: {}, list: [], nested: { deeper: { empty: {}, list: [[], [{}]] } } },
          {
            text: 'Привет, 世界! 🛒🎉 👨‍👩‍👧 café\u0301 ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
            quotes: `'"\`\\`,
            control: 'line\nbreak\ttab\r\n',
            keys: { ключ: 'значение', '🔑': ['🗝️', { 'a.b': 'c', $ref: 'x', '': 'empty key' }] },
            sql: `'; DROP TABLE x; --`,
          },
          { booleans: [true, false], nullValue: null, mixed: [1, 'two', { three: 3 }, [4], null] },
          [],
          {},
          'a bare string',
          42,
          {
            big: 'x'.repeat(512 * 1024),
            many: Array.from({ length: 8000 }, (_, i) => ({ i, sku: `SKU-${i}`, title: 'Товар №' + i + ' 🎁' })),
          },
        ];
        const batch = payloads.map((data) => newEvent('Payload', data));
        right(await store.append(s, batch, 'no-stream'));
        const read = await collect(store.read(s));
        expect(read.map((e) => e.event.data)).toEqual(payloads);
        expect(read.map((e) => e.event.data)).toStrictEqual(payloads);
        const viaAll = await mine(store, prefix);
        expect(viaAll.map((e) => e.event.data)).toStrictEqual(payloads);
        expect(JSON.stringify(read.at(-1)!.event.data).length).toBeGreaterThan(900_000);
      }),
    );

    it(
      'a stored payload does not change when the writer or a reader changes its objects afterwards',
      withStore(async ({ store, prefix }) => {
        const s = `${prefix}order-1`;
        const data = { lines: [{ qty: 1 }] };
        const given = deepCopy(data);
        right(await store.append(s, [newEvent('Payload', given)], 'no-stream'));
        // Stores may freeze what they were given (in-memory does) or copy it.
        try {
          given.lines[0]!.qty = 42;
        } catch {
          // frozen: fine
        }
        const [first] = await collect(store.read(s));
        expect(first!.event.data).toEqual(data);
        // Mutating what a reader got must not reach other readers (stores may freeze or copy).
        try {
          (first!.event.data as { lines: { qty: number }[] }).lines[0]!.qty = 99;
        } catch {
          // frozen: fine
        }
        const [second] = await collect(store.read(s));
        expect(second!.event.data).toEqual(data);
      }),
    );
  });
};
