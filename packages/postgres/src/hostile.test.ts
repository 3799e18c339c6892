import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@ordersource/core';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { collect, newEvent, right } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

const HOSTILE = [
  `o'brien's order`,
  `"; drop table events; --`,
  `'); delete from events where ('1'='1`,
  'semi;colon;;',
  '$1 $2::jsonb $$ $fn$',
  'заказ №42 — 注文 🛒',
  'back\\slash \\x00 \\u0000',
];

const server = await probeServer('PostgreSQL hostile input');
const drivers: readonly (readonly [string, () => Promise<{ executor: SqlExecutor; schema: string }>, boolean])[] = [
  ['PGlite', async () => ({ executor: await createPgliteExecutor(), schema: 'hostile' }), false],
  [
    'PostgreSQL server',
    async () => ({ executor: createPgExecutor({ connectionString: server.url!, max: 4 }), schema: testSchema() }),
    server.skip,
  ],
];

for (const [name, open, skip] of drivers)
  describe.skipIf(skip)(`hostile input on ${name}`, () => {
    let executor: SqlExecutor;
    let schema: string;
    let store: PostgresEventStore;
    const statements: string[] = [];

    beforeAll(async () => {
      ({ executor, schema } = await open());
      // Record every SQL text the store sends: no value may ever appear in one.
      const spying: SqlExecutor = {
        ...executor,
        query: (sql, params) => {
          statements.push(sql);
          return executor.query(sql, params);
        },
      };
      store = await createPostgresEventStore(spying, { schema });
    });
    afterAll(async () => {
      await store.close();
      if (executor.driver === 'pg') await executor.query(`drop schema if exists "${schema}" cascade`);
      await executor.close();
    });

    it('quotes, semicolons, unicode and SQL in ids, types, notes and metadata round-trip and never enter SQL text', async () => {
      for (const [i, text] of HOSTILE.entries()) {
        const streamId = `order-${text}`;
        const event = newEvent(
          `Noted ${text}`,
          { note: text, lines: [{ sku: text, qty: i }] },
          {
            eventId: `evt-${i}-${text}`,
            causationId: `cmd ${text}`,
            correlationId: text,
            actor: { kind: 'customer', id: text, name: text, companyId: text },
          },
        );
        right(await store.append(streamId, [event], 'no-stream'));
        const [read] = await collect(store.read(streamId));
        expect(read).toMatchObject({
          streamId,
          eventId: event.eventId,
          event: event.event,
          causationId: event.causationId,
          correlationId: text,
          actor: event.actor,
        });
        const byType = await collect(store.readAll(undefined, { eventTypes: [`Noted ${text}`] }));
        expect(byType.map((e) => e.eventId)).toEqual([event.eventId]);
      }
      for (const statement of statements)
        for (const text of HOSTILE) expect(statement.includes(text), `SQL text contains ${text}`).toBe(false);
    });

    it('1 MB payloads in one batch are stored and read back exactly', async () => {
      const big = (seed: string) => {
        const unit = `${seed}'"; -- `;
        return { seed, text: unit.repeat(Math.ceil((1024 * 1024) / unit.length)) };
      };
      const batch = [newEvent('Big', big('a')), newEvent('Big', big('б')), newEvent('Big', big('🛒'))];
      right(await store.append('big-1', batch, 'no-stream'));
      const read = await collect(store.read('big-1'));
      expect(read.map((e) => e.event.data)).toEqual(batch.map((e) => e.event.data));
      expect(JSON.stringify(read[0]!.event.data).length).toBeGreaterThan(1024 * 1024);
    });

    it('values JSON or PostgreSQL would silently change are refused as invalid-append, naming the field', async () => {
      const refused = async (event: NewEvent, pattern: RegExp) => {
        const result = await store.append('refused-1', [event], 'any');
        expect(E.isLeft(result) && result.left.kind).toBe('invalid-append');
        expect(E.isLeft(result) ? result.left.message : '').toMatch(pattern);
      };
      await refused(newEvent('X', { at: new Date() }), /data\.at is a Date/);
      await refused(newEvent('X', { n: Number.NaN }), /data\.n is NaN/);
      await refused(newEvent('X', { gone: undefined }), /data\.gone is undefined/);
      await refused(newEvent('X', { seen: new Set([1]) }), /data\.seen is a Set/);
      await refused(newEvent('X', { text: 'nul \u0000 here' }), /NUL character/);
      await refused(newEvent('X', { text: 'lone \ud800 surrogate' }), /lone surrogate/);
      await refused(newEvent('X', { big: 10n }), /bigint/);
      await refused(newEvent('X', {}, { actor: { kind: 'robot', id: 'r' } as never }), /actor must be/);
      await refused(newEvent('X', {}, { schemaVersion: 0 }), /schemaVersion must be a positive integer/);
      const nulStream = await store.append('stream \u0000', [newEvent('X')], 'any');
      expect(E.isLeft(nulStream) && nulStream.left.kind).toBe('invalid-append');
      expect(await store.streamVersion('refused-1')).toBe(-1);
    });
  });
