import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidArgument, type NewEvent } from '@ordersource/core';
import { createPostgresCheckpointStore } from './checkpoint-store.js';
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
      await refused(
        newEvent('X', {}, { actor: { kind: 'robot', id: 'r' } as never }),
        /events\[0\]\.actor\.kind must be admin, customer, system or provider/,
      );
      await refused(
        newEvent('X', {}, { schemaVersion: 0 }),
        /events\[0\]\.schemaVersion must be an integer from 1 to 2147483647/,
      );
      const nulStream = await store.append('stream \u0000', [newEvent('X')], 'any');
      expect(E.isLeft(nulStream) && nulStream.left.kind).toBe('invalid-append');
      expect(await store.streamVersion('refused-1')).toBe(-1);
    });

    it('bad store options are refused before any SQL, naming the option: pageSize 0 no longer spins (issue 8.5)', async () => {
      for (const [options, path] of [
        [{ pageSize: 0 }, 'options.pageSize'],
        [{ pageSize: -1 }, 'options.pageSize'],
        [{ pageSize: Number.NaN }, 'options.pageSize'],
        [{ pageSize: 1.5 }, 'options.pageSize'],
        [{ pageSize: Number.POSITIVE_INFINITY }, 'options.pageSize'],
        [{ pollIntervalMs: 0 }, 'options.pollIntervalMs'],
        [{ visibilityWaitMs: -5 }, 'options.visibilityWaitMs'],
        [{ notifyIntervalMs: Number.NaN }, 'options.notifyIntervalMs'],
        [{ notify: 'yes' }, 'options.notify'],
        [{ schema: 'a\u0000' }, 'options.schema'],
        [{ pagesize: 10 }, 'options.pagesize'],
        [null, 'options'],
      ] as const) {
        const error = await createPostgresEventStore(executor, options as never).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(isInvalidArgument(error), JSON.stringify(options)).toBe(true);
        expect(error).toMatchObject({ kind: 'invalid-argument', method: 'create', path });
      }
      // The smallest page still reads everything, page by page.
      const tiny = await createPostgresEventStore(executor, { schema, pageSize: 1, migrate: false });
      right(await tiny.append('paged-1', [newEvent('P'), newEvent('P'), newEvent('P')], 'no-stream'));
      expect(await collect(tiny.readAll(undefined, { streamPrefix: 'paged-' }))).toHaveLength(3);
      await tiny.close();
    });

    it('bad outbox messages are invalid-append naming the message, and neither events nor messages are written', async () => {
      for (const [messages, path] of [
        [null, 'messages'],
        [[null], 'messages[0]'],
        [[{ key: '', topic: 't', payload: {} }], 'messages[0].key'],
        [[{ key: 'k\u0000', topic: 't', payload: {} }], 'messages[0].key'],
        [[{ key: 'k', topic: 't', payload: { n: Number.NaN } }], 'messages[0].payload.n'],
        [[{ key: 'k', topic: 't', payload: {}, extra: 1 }], 'messages[0].extra'],
      ] as const) {
        const result = await store.appendWithOutbox('outboxed-1', [newEvent('X')], 'any', messages as never);
        expect(E.isLeft(result) && result.left, JSON.stringify(messages)).toMatchObject({
          kind: 'invalid-append',
          path,
        });
      }
      expect(await store.streamVersion('outboxed-1')).toBe(-1);
      const [row] = await executor.query(`select count(*)::int as n from "${schema}".outbox`);
      expect(row?.['n']).toBe(0);
    });

    it('checkpoint names and values PostgreSQL cannot store are refused before any SQL', async () => {
      const checkpoints = createPostgresCheckpointStore(executor, { schema });
      for (const [call, path] of [
        [() => checkpoints.load('cp\u0000'), 'name'],
        [() => checkpoints.save('', '1:2'), 'name'],
        [() => checkpoints.save('cp', '1:\u0000'), 'checkpoint'],
        [() => checkpoints.save('cp', 42 as never), 'checkpoint'],
        [() => checkpoints.reset('\ud800'), 'name'],
      ] as const)
        await expect(call()).rejects.toMatchObject({ kind: 'invalid-argument', path });
      await checkpoints.save('cp', '1:2');
      expect(await checkpoints.load('cp')).toBe('1:2');
    });

    it('a closed store rejects reads and refuses subscriptions instead of throwing synchronously', async () => {
      const other = await createPostgresEventStore(executor, { schema, migrate: false });
      await other.close();
      await expect(collect(other.read('s'))).rejects.toMatchObject({ kind: 'closed' });
      await expect(collect(other.readAll())).rejects.toMatchObject({ kind: 'closed' });
      await expect(other.streamVersion('s')).rejects.toMatchObject({ kind: 'closed' });
      await expect(other.subscribe(undefined, () => undefined).done).rejects.toMatchObject({ kind: 'closed' });
      await expect(other.append('s', [newEvent('X')], 'any')).rejects.toMatchObject({ kind: 'closed' });
    });
  });
